"""Reads of story videos: a campaign's counts and public gallery, a guardian's videos, a moderator's
queue, and who may see a video's files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from banshi.outreach.models import Campaign, StoryVideo, VideoModerator

Status = StoryVideo.Status


@dataclass(frozen=True)
class CampaignCounts:
    received: int
    approved: int
    published: int


def campaign_counts(*, campaign: Campaign) -> CampaignCounts:
    """Videos received in full, approved by a moderator (published, or withdrawn since), published now."""
    counts = StoryVideo.objects.filter(campaign=campaign).aggregate(
        received=Count("pk", filter=Q(status__in=StoryVideo.RECEIVED)),
        approved=Count("pk", filter=Q(status__in=StoryVideo.APPROVED)),
        published=Count("pk", filter=Q(status=Status.PUBLISHED)),
    )
    return CampaignCounts(**counts)


def open_campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.filter(open=True)


def campaign_gallery(*, campaign: Campaign) -> QuerySet[StoryVideo]:
    """The published videos, newest first, with nothing of the child's but the given name and class."""
    return (
        StoryVideo.objects.filter(campaign=campaign, status=Status.PUBLISHED)
        .select_related("school_class")
        .only("key", "given_name", "school_class__name", "published_at", "duration", "width", "height")
        .order_by("-published_at", "-id")
    )


def videos_of_guardian(*, user: Any) -> QuerySet[StoryVideo]:
    return StoryVideo.objects.filter(guardian_id=user.pk).select_related("campaign", "school_class")


def moderated_campaign_ids(*, user: Any) -> list[int]:
    if getattr(user, "pk", None) is None:
        return []
    return list(VideoModerator.objects.filter(user_id=user.pk).values_list("campaign_id", flat=True))


def moderation_queue(*, user: Any) -> QuerySet[StoryVideo]:
    """The videos waiting for the moderator, oldest first, then those published (which may be
    withdrawn), of the campaigns they moderate."""
    return (
        StoryVideo.objects.filter(
            campaign_id__in=moderated_campaign_ids(user=user), status__in=(Status.READY, Status.PUBLISHED)
        )
        .select_related("campaign", "school_class")
        .order_by("status", "updated_at", "id")
    )


def video_for_viewer(*, key: str, user: Any) -> StoryVideo | None:
    """The video if `user` may see its files: anyone a published one, its guardian theirs, a moderator
    their campaigns'; None otherwise (a 404: not told apart from a missing one)."""
    video = StoryVideo.objects.filter(key=key).select_related("school_class", "campaign").first()
    if video is None:
        return None
    if video.status == Status.PUBLISHED:
        return video
    pk = getattr(user, "pk", None)
    if pk is None:
        return None
    if video.guardian_id == pk or video.campaign_id in moderated_campaign_ids(user=user):
        return video
    return None
