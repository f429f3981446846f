"""The outreach app's staff roles as the directory's landing page and menu know them
(`directory.roles`).

Lecture programmes: an organiser's place is the list of their units' programmes; a supervisor's, the
table of every programme's quotas. Story videos: a moderator's place is the moderation queue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from banshi.directory.roles import StaffPlace, places_held, supervisor_memberships

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from banshi.accounts.models import User

# --- story videos ----------------------------------------------------------------------------------------

VIDEO_MODERATOR = StaffPlace("outreach_video_moderator", "outreach:moderation", _("Story videos to moderate"))


def videos_places(user: User | AnonymousUser) -> list[StaffPlace]:
    """The moderator's queue, for a moderator of any campaign."""
    from banshi.outreach.models import VideoModerator

    if user.pk is None:
        return []
    return [VIDEO_MODERATOR] if VideoModerator.objects.filter(user_id=user.pk).exists() else []


# --- lecture programmes ------------------------------------------------------------------------------

ORGANISER = StaffPlace("outreach_organiser", "outreach:organiser_programmes", _("Lecture programmes"))
QUOTAS = StaffPlace("outreach_quotas", "outreach:supervisor_quotas", _("Lecture quotas"))


def lectures_places(user: User | AnonymousUser) -> list[StaffPlace]:
    """In one query: the organiser's programmes, and the supervisor's table of every programme's quotas."""
    from banshi.outreach.models import Organiser

    return places_held(user, [(ORGANISER, Organiser.objects.all()), (QUOTAS, supervisor_memberships())])
