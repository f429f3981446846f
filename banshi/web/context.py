from banshi.directory.models import Membership
from banshi.directory.selectors import staff_roles


def site(request):
    user = getattr(request, "user", None)
    roles = staff_roles(user=user) if user is not None else set()
    return {
        "is_officer": Membership.Role.OFFICER in roles,
        "is_clerk": Membership.Role.CLERK in roles,
        "is_supervisor": Membership.Role.SUPERVISOR in roles,
        "large_text": request.COOKIES.get("large_text") == "1",
    }
