"""The projects app's places of work as the directory's landing page and menu know them
(`directory.roles`): an owner's "My projects", and the supervisors' "Projects behind"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from banshi.directory.roles import StaffPlace

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from banshi.accounts.models import User

OWNER = StaffPlace("projects_owner", "projects:mine", _("My projects"))
BEHIND = StaffPlace("projects_behind", "projects:behind", _("Projects behind"))


def projects_places(user: User | AnonymousUser) -> list[StaffPlace]:
    """In one query: "My projects" for an owner of any project, "Projects behind" for a supervisor."""
    from banshi.accounts.models import User
    from banshi.directory.models import Membership
    from banshi.projects.models import Project

    if user.pk is None:
        return []
    held = (
        User.objects.filter(pk=user.pk)
        .values_list(
            Exists(Project.owners.through.objects.filter(user_id=OuterRef("pk"))),
            Exists(Membership.objects.filter(user_id=OuterRef("pk"), role=Membership.Role.SUPERVISOR)),
        )
        .first()
    ) or (False, False)
    return [place for place, holds in zip((OWNER, BEHIND), held, strict=True) if holds]
