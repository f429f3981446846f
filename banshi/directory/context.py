from django.http import HttpRequest

from banshi.directory.models import Membership
from banshi.directory.roles import provided_places
from banshi.directory.selectors import VIDEO_CLERK, staff_places


def roles(request: HttpRequest) -> dict[str, object]:
    """Which staff pages the header links to; `is_staff_member` leaves out the resident's own items
    (their applications, the video window's booking) that staff have no use for."""
    user = getattr(request, "user", None)
    held = staff_places(user=user) if user is not None else []
    # The pages of the roles other apps add (`directory.roles`), one menu item each.
    provided = provided_places(user=user) if user is not None else []
    return {
        "is_officer": Membership.Role.OFFICER in held,
        "is_clerk": Membership.Role.CLERK in held,
        "is_video_clerk": VIDEO_CLERK in held,
        "is_supervisor": Membership.Role.SUPERVISOR in held,
        "is_staff_member": bool(held or provided),
        "staff_pages": provided,
    }
