from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import QuerySet

from banshi.directory.models import Agency, Area, Membership, Window
from banshi.directory.roles import provided_places

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from banshi.accounts.models import User

_T = TypeVar("_T")


def agency_ids_for_officer(*, user: User | AnonymousUser) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user, role=Membership.Role.OFFICER).values_list("agency_id", flat=True)
    )


def agencies_for_officer(*, user: User | AnonymousUser) -> QuerySet[Agency]:
    return Agency.objects.filter(id__in=agency_ids_for_officer(user=user))


def window_for_clerk(*, user: User | AnonymousUser, kind: str | None = None) -> Window | None:
    """The window a clerk serves at (of that kind, when given: a clerk may serve at a physical window
    and a video one), or None for anyone who is not a clerk of one."""
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.filter(user=user, role=Membership.Role.CLERK, window__isnull=False)
    if kind is not None:
        memberships = memberships.filter(window__kind=kind)
    membership = memberships.select_related("window").order_by("id").first()
    return membership.window if membership else None


def is_staff_member(*, user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (
        Membership.objects.filter(user=user).exists() or bool(provided_places(user=user))
    )


def is_supervisor(*, user: User | AnonymousUser) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, role=Membership.Role.SUPERVISOR).exists()
    )


def district_choices() -> list[tuple[str, str]]:
    """The districts and counties a household can belong to, as (GB/T 2260 code, name)."""
    kinds = [Area.Kind.DISTRICT, Area.Kind.COUNTY]
    return list(Area.objects.filter(kind__in=kinds).order_by("code").values_list("code", "name"))


def agency_names(*, codes: Iterable[str]) -> dict[str, str]:
    return {agency.code: agency.name for agency in Agency.objects.filter(code__in=set(codes))}


_CACHE_SECONDS = 60
_cache: dict[str, tuple[float, Any]] = {}


def _cached(name: str, load: Callable[[], _T]) -> _T:
    """Reference data read on every submission, kept per process for a minute; a change saved in
    this process clears it at once."""
    now = time.monotonic()
    hit = _cache.get(name)
    if hit is None or now - hit[0] > _CACHE_SECONDS:
        value = load()
        _cache[name] = (now, value)
        return value
    cached: _T = hit[1]
    return cached


def clear_reference_cache(**kwargs: object) -> None:
    _cache.clear()


def area_codes() -> frozenset[str]:
    """The codes an `area` field accepts: those of `district_choices`."""
    kinds = [Area.Kind.DISTRICT, Area.Kind.COUNTY]
    return _cached(
        "area_codes", lambda: frozenset(Area.objects.filter(kind__in=kinds).values_list("code", flat=True))
    )


def streets_of(*, district_code: str) -> list[tuple[str, str]]:
    """The streets and townships (街道/乡镇) of a district or county, as (code, name) in code order;
    empty for a code that is not a district's or a county's. Kept like the other reference data."""
    return _cached(
        f"streets:{district_code}",
        lambda: _children(district_code, Area.Kind.STREET, (Area.Kind.DISTRICT, Area.Kind.COUNTY)),
    )


def communities_of(*, street_code: str) -> list[tuple[str, str]]:
    """The communities and villages (社区/村) of a street or township, as (code, name) in code order;
    empty for a code that is not a street's. Kept like the other reference data."""
    return _cached(
        f"communities:{street_code}",
        lambda: _children(street_code, Area.Kind.COMMUNITY, (Area.Kind.STREET,)),
    )


def _children(parent_code: str, kind: str, parent_kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    rows = Area.objects.filter(kind=kind, parent__code=parent_code, parent__kind__in=parent_kinds)
    return list(rows.order_by("code").values_list("code", "name"))


def area_choices(*, parent_code: str = "") -> list[tuple[str, str]]:
    """The choices of a place picked level by level (district → street or township → community or
    village): the districts and counties with no parent, else the areas one level below `parent_code`
    (empty when there are none, or the code is unknown)."""
    if not parent_code:
        return _cached("district_choices", district_choices)
    if len(parent_code) == 6:
        return streets_of(district_code=parent_code)
    if len(parent_code) == 9:
        return communities_of(street_code=parent_code)
    return []


AREA_LEVELS = (6, 9, 12)  # the lengths of a district's, a street's and a community's codes


def area_lineage(*, code: str) -> list[tuple[str, str, str]]:
    """A place from its district or county down to the area of `code`, as (code, name, kind): one
    query. Empty when `code` is not that of a district, a county, a street or a community, or when a
    level between is missing, so a form can check that a community picked is in the street picked
    (`lineage[1][0] == street`) and that the place is in Chongqing."""
    if len(code) not in AREA_LEVELS or not code.isdigit():
        return []
    codes = [code[:length] for length in AREA_LEVELS if length <= len(code)]
    found = {
        row[0]: row
        for row in Area.objects.filter(code__in=codes).values_list("code", "name", "kind", "parent__code")
    }
    lineage: list[tuple[str, str, str]] = []
    expected = ((Area.Kind.DISTRICT, Area.Kind.COUNTY), (Area.Kind.STREET,), (Area.Kind.COMMUNITY,))
    for level, part in enumerate(codes):
        row = found.get(part)
        if row is None or row[2] not in expected[level] or (level and row[3] != codes[level - 1]):
            return []
        lineage.append((row[0], row[1], row[2]))
    return lineage


def agency_ids_by_code() -> dict[str, int]:
    return _cached("agency_ids", lambda: dict(Agency.objects.values_list("code", "id")))


# The role names of `staff_places` beyond Membership.Role: a clerk of a video window.
VIDEO_CLERK = "video_clerk"


def staff_places(*, user: User | AnonymousUser) -> list[str]:
    """The roles a user holds, in one query, in the order of their memberships: "officer", "clerk" (of a
    physical window), "video_clerk" (of a video window), "supervisor". As `staff_roles` counts them: a
    clerk only with a window, an officer only with an agency."""
    if not user.is_authenticated:
        return []
    places: list[str] = []
    rows = Membership.objects.filter(user=user).order_by("id")
    for role, agency_id, window_kind in rows.values_list("role", "agency_id", "window__kind"):
        if role == Membership.Role.OFFICER and agency_id is None:
            continue
        if role == Membership.Role.CLERK:
            if window_kind is None:
                continue
            role = VIDEO_CLERK if window_kind == Window.Kind.VIDEO else Membership.Role.CLERK
        if role not in places:
            places.append(role)
    return places


def staff_landing(*, user: User | AnonymousUser) -> str:
    """The page a member of staff starts from after logging in, as a URL name; "" for a resident. An
    officer works the queue, a clerk the window (or the video console when that is the only window),
    a supervisor the supervision page."""
    places = staff_places(user=user)
    for place, page in (
        (Membership.Role.OFFICER, "cases:work_queue"),
        (Membership.Role.CLERK, "cases:window_console"),
        (VIDEO_CLERK, "remote:console"),
        (Membership.Role.SUPERVISOR, "cases:supervise"),
    ):
        if place in places:
            return page
    for provided in provided_places(user=user):
        return provided.page
    return ""


def staff_roles(*, user: User | AnonymousUser) -> set[str]:
    """The roles a user holds: the directory's in one query (a clerk counts only with a window, an
    officer with an agency), and those the other apps' registered providers name (`directory.roles`,
    e.g. "problems_operator"), one query each at most."""
    if not user.is_authenticated:
        return set()
    roles: set[str] = {place.role for place in provided_places(user=user)}
    for role, agency_id, window_id in Membership.objects.filter(user=user).values_list(
        "role", "agency_id", "window_id"
    ):
        if role == Membership.Role.OFFICER and agency_id is None:
            continue
        if role == Membership.Role.CLERK and window_id is None:
            continue
        roles.add(role)
    return roles
