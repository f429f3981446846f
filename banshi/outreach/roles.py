"""The outreach app's staff roles as the directory's landing page and menu know them (`directory.roles`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from banshi.directory.roles import StaffPlace

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
