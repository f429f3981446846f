"""The problems app's staff roles as the directory's landing page and menu know them
(`directory.roles`): a hotline operator's console, the dispatcher's queue, a unit's queue, and the
callback list for all three."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from banshi.directory.roles import StaffPlace
from banshi.problems.models import HotlineMember, UnitMember

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from banshi.accounts.models import User

OPERATOR = StaffPlace("problems_operator", "problems:operator", _("Hotline console"))
DISPATCHER = StaffPlace("problems_dispatcher", "problems:dispatch", _("Dispatch"))
UNIT_OFFICER = StaffPlace("problems_unit_officer", "problems:unit_queue", _("Reports queue"))
CALLBACKS = StaffPlace("problems_callbacks", "problems:callbacks", _("Callbacks"))


def problems_places(user: User | AnonymousUser) -> list[StaffPlace]:
    """In one query per kind of membership: the operator's console first, then the dispatcher's and
    the unit's queues, then the callbacks when any of these is held."""
    roles = set(HotlineMember.objects.filter(user_id=user.pk).values_list("role", flat=True))
    places = []
    if HotlineMember.Role.OPERATOR in roles:
        places.append(OPERATOR)
    if HotlineMember.Role.DISPATCHER in roles:
        places.append(DISPATCHER)
    if UnitMember.objects.filter(user_id=user.pk).exists():
        places.append(UNIT_OFFICER)
    if places:
        places.append(CALLBACKS)
    return places
