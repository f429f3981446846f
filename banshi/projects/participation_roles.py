"""The deputies' place of work as the directory's landing page and menu know it (`directory.roles`):
a deputy (人大代表) starts from the selection rounds, where they vote."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from banshi.directory.roles import StaffPlace
from banshi.projects.participation_access import is_deputy

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from banshi.accounts.models import User

DEPUTY = StaffPlace("projects_deputy", "projects:round_list", _("Deputies' votes"))


def participation_places(user: User | AnonymousUser) -> list[StaffPlace]:
    if user.pk is None:
        return []
    return [DEPUTY] if is_deputy(user) else []
