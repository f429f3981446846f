"""The projects app's places of work as the directory's landing page and menu know them
(`directory.roles`): an owner's "My projects", and the supervisors' "Projects behind"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from banshi.directory.roles import StaffPlace, places_held, supervisor_memberships

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from banshi.accounts.models import User

OWNER = StaffPlace("projects_owner", "projects:mine", _("My projects"))
BEHIND = StaffPlace("projects_behind", "projects:behind", _("Projects behind"))


def projects_places(user: User | AnonymousUser) -> list[StaffPlace]:
    """In one query: "My projects" for an owner of any project, "Projects behind" for a supervisor."""
    from banshi.projects.models import Project

    return places_held(
        user, [(OWNER, Project.owners.through.objects.all()), (BEHIND, supervisor_memberships())]
    )
