"""The open numbers' place in the staff menu (`directory.roles`): supervisors' unmasked dashboard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from banshi.directory.roles import StaffPlace
from banshi.directory.selectors import is_supervisor

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from banshi.accounts.models import User

SUPERVISED_NUMBERS = StaffPlace("numbers_supervisor", "stats:supervise", _("Numbers, unmasked"))


def numbers_places(user: User | AnonymousUser) -> list[StaffPlace]:
    return [SUPERVISED_NUMBERS] if is_supervisor(user=user) else []
