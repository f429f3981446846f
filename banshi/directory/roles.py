"""Staff roles that apps above the directory add: each registers, in its `AppConfig.ready()`, a provider
that names the places of work a user holds there (a role, the page it starts from, the menu's label).
The directory asks the registered providers for the landing page, the menu and `is_staff_member`, and
knows nothing else of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
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
