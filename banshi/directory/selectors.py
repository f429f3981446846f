import time

from banshi.directory.models import Agency, Area, Membership, Window


def agency_ids_for_officer(*, user) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user, role=Membership.Role.OFFICER).values_list("agency_id", flat=True)
    )


def agencies_for_officer(*, user):
    return Agency.objects.filter(id__in=agency_ids_for_officer(user=user))


def window_for_clerk(*, user, kind: str | None = None) -> Window | None:
    """The window a clerk serves at (of that kind, when given: a clerk may serve at a physical window
    and a video one), or None for anyone who is not a clerk of one."""
    if not getattr(user, "is_authenticated", False):
        return None
    memberships = Membership.objects.filter(user=user, role=Membership.Role.CLERK, window__isnull=False)
    if kind is not None:
        memberships = memberships.filter(window__kind=kind)
    membership = memberships.select_related("window").order_by("id").first()
    return membership.window if membership else None


def is_staff_member(*, user) -> bool:
    return user.is_authenticated and Membership.objects.filter(user=user).exists()


def is_supervisor(*, user) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and Membership.objects.filter(user=user, role=Membership.Role.SUPERVISOR).exists()
    )


def district_choices() -> list[tuple[str, str]]:
    """The districts and counties a household can belong to, as (GB/T 2260 code, name)."""
    kinds = [Area.Kind.DISTRICT, Area.Kind.COUNTY]
    return list(Area.objects.filter(kind__in=kinds).order_by("code").values_list("code", "name"))


def agency_names(*, codes) -> dict[str, str]:
    return {agency.code: agency.name for agency in Agency.objects.filter(code__in=set(codes))}


_CACHE_SECONDS = 60
_cache: dict[str, tuple[float, object]] = {}


def _cached(name: str, load):
    """Reference data read on every submission, kept per process for a minute; a change saved in
    this process clears it at once."""
    now = time.monotonic()
    hit = _cache.get(name)
    if hit is None or now - hit[0] > _CACHE_SECONDS:
        hit = (now, load())
        _cache[name] = hit
    return hit[1]


def clear_reference_cache(**kwargs) -> None:
    _cache.clear()


def area_codes() -> frozenset[str]:
    """The codes an `area` field accepts: those of `district_choices`."""
    kinds = [Area.Kind.DISTRICT, Area.Kind.COUNTY]
    return _cached(
        "area_codes", lambda: frozenset(Area.objects.filter(kind__in=kinds).values_list("code", flat=True))
    )


def agency_ids_by_code() -> dict[str, int]:
    return _cached("agency_ids", lambda: dict(Agency.objects.values_list("code", "id")))


def staff_roles(*, user) -> set[str]:
    """The roles a user holds, in one query (a clerk counts only with a window, an officer with an
    agency)."""
    if not user.is_authenticated:
        return set()
    roles = set()
    for role, agency_id, window_id in Membership.objects.filter(user=user).values_list(
        "role", "agency_id", "window_id"
    ):
        if role == Membership.Role.OFFICER and agency_id is None:
            continue
        if role == Membership.Role.CLERK and window_id is None:
            continue
        roles.add(role)
    return roles
