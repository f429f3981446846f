"""The problems app's staff roles as the directory's landing page and menu know them
(`directory.roles`): a hotline operator's console, the dispatcher's queue, a unit's queue, and the
callback list for all three."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef
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
    """In one query: the operator's console first, then the dispatcher's and the unit's queues, then
    the callbacks when any of these is held."""
    from banshi.accounts.models import User

    if user.pk is None:
        return []
    hotline = HotlineMember.objects.filter(user_id=OuterRef("pk"))
    held = (
        User.objects.filter(pk=user.pk)
        .values_list(
            Exists(hotline.filter(role=HotlineMember.Role.OPERATOR)),
            Exists(hotline.filter(role=HotlineMember.Role.DISPATCHER)),
            Exists(UnitMember.objects.filter(user_id=OuterRef("pk"))),
        )
        .first()
    ) or (False, False, False)
    places = [place for place, holds in zip((OPERATOR, DISPATCHER, UNIT_OFFICER), held, strict=True) if holds]
    if places:
        places.append(CALLBACKS)
    return places
