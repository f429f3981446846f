"""Staff roles that apps above the directory add: each registers, in its `AppConfig.ready()`, a provider
that names the places of work a user holds there (a role, the page it starts from, the menu's label).
The directory asks the registered providers for the landing page, the menu and `is_staff_member`, and
knows nothing else of them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

    from banshi.accounts.models import User


@dataclass(frozen=True)
class StaffPlace:
    role: str
    page: str  # a URL name
    label: StrOrPromise


RoleProvider = Callable[["User | AnonymousUser"], list[StaffPlace]]

_providers: list[RoleProvider] = []


def role_provider_register(provider: RoleProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def provided_places(*, user: User | AnonymousUser) -> list[StaffPlace]:
    """The places of work the registered providers name for `user`, in the order they were registered."""
    if not user.is_authenticated:
        return []
    places: list[StaffPlace] = []
    for provider in _providers:
        places += provider(user)
    return places


def places_held(
    user: User | AnonymousUser, places: Sequence[tuple[StaffPlace, QuerySet[Any]]]
) -> list[StaffPlace]:
    """A provider's places for `user`, asked in one query: each place is held when its rows (a queryset of
    a model with a `user` foreign key) hold one of the user's."""
    from django.contrib.auth import get_user_model

    if user.pk is None or not places:
        return []
    held = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list(*(Exists(rows.filter(user_id=OuterRef("pk"))) for _place, rows in places))
        .first()
    )
    return [place for (place, _rows), holds in zip(places, held or (), strict=False) if holds]


def supervisor_memberships() -> QuerySet[Any]:
    """The memberships that make a supervisor (督查), for `places_held`."""
    from banshi.directory.models import Membership

    return Membership.objects.filter(role=Membership.Role.SUPERVISOR)
