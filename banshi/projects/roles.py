"""The projects app's places of work as the directory's landing page and menu know them
(`directory.roles`): an owner's "My projects", and the supervisors' "Projects behind"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from banshi.directory.roles import StaffPlace
from banshi.projects.selectors import can_supervise, owns_any

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from banshi.accounts.models import User

OWNER = StaffPlace("projects_owner", "projects:mine", _("My projects"))
BEHIND = StaffPlace("projects_behind", "projects:behind", _("Projects behind"))


def projects_places(user: User | AnonymousUser) -> list[StaffPlace]:
    if user.pk is None:
        return []
    places = []
    if owns_any(user=user):
        places.append(OWNER)
    if can_supervise(user=user):
        places.append(BEHIND)
    return places
