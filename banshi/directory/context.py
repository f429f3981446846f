from django.http import HttpRequest

from banshi.directory.models import Membership
from banshi.directory.selectors import staff_roles


def roles(request: HttpRequest) -> dict[str, bool]:
    """Which staff pages the header links to."""
    user = getattr(request, "user", None)
    held = staff_roles(user=user) if user is not None else set()
    return {
        "is_officer": Membership.Role.OFFICER in held,
        "is_clerk": Membership.Role.CLERK in held,
        "is_supervisor": Membership.Role.SUPERVISOR in held,
    }
