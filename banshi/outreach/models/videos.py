"""Story-video campaigns: uploads, transcoding, moderation and the public gallery.

A campaign (百童讲党史 at a primary school) has classes; a guardian, signed in, sends one child's story
video to it with the child's given name and class and their consent as the child's guardian. The video
arrives through the tus protocol (`banshi.outreach.tus`), is probed, transcoded by the worker, and shown
in the campaign's public gallery once a moderator approves it: with the given name and the class only."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["Campaign", "CampaignClass", "StoryVideo", "VideoModerator"]


class Campaign(models.Model):
    """A call for story videos, at one school (or another host) with its classes."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    school = models.CharField(_("school"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    open = models.BooleanField(_("open for videos"), default=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("video campaign")
        verbose_name_plural = _("video campaigns")

    def __str__(self) -> str:
        return self.name


class CampaignClass(models.Model):
    """A class of the campaign's school (三年级2班): the only thing of a child's school the gallery shows."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="classes")
    name = models.CharField(_("class"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["campaign_id", "position", "name"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="campaign_class_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class VideoModerator(models.Model):
    """A moderator of a campaign's videos: sees what is sent to it, approves or rejects each."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="moderators")

    class Meta:
        verbose_name = _("video moderator")
        verbose_name_plural = _("video moderators")
        constraints = [models.UniqueConstraint(fields=["user", "campaign"], name="video_moderator_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.campaign_id}"


def _key() -> str:
    return uuid.uuid4().hex


class StoryVideo(models.Model):
    """One child's story video. Its `key` (random) names it in every address: the upload's, the
    guardian's page, the files'; nothing counts up that a visitor could walk through."""

    class Status(models.TextChoices):
        UPLOADING = "uploading", _("uploading")
        UPLOADED = "uploaded", _("uploaded, waiting to be converted")
        TRANSCODING = "transcoding", _("being converted")
        READY = "ready", _("waiting for moderation")
        PUBLISHED = "published", _("approved and published")
        WITHDRAWN = "withdrawn", _("withdrawn from the gallery")
        REJECTED = "rejected", _("not accepted")
        FAILED = "failed", _("failed")

    TRANSITIONS = {
        # The last chunk arrived and the file probed as a video; or it did not, the guardian cancelled,
        # or the upload was left unfinished.
        Status.UPLOADING: {Status.UPLOADED, Status.FAILED},
        Status.UPLOADED: {Status.TRANSCODING, Status.FAILED},
        Status.TRANSCODING: {Status.READY, Status.FAILED},
        Status.READY: {Status.PUBLISHED, Status.REJECTED},
        Status.PUBLISHED: {Status.WITHDRAWN},
        Status.WITHDRAWN: set(),
        Status.REJECTED: set(),
        Status.FAILED: set(),
    }
    # Sent in full: counted as received by the campaign.
    RECEIVED = (
        Status.UPLOADED,
        Status.TRANSCODING,
        Status.READY,
        Status.PUBLISHED,
        Status.WITHDRAWN,
        Status.REJECTED,
    )
    APPROVED = (Status.PUBLISHED, Status.WITHDRAWN)
    # The worker's progress is polled while these last.
    IN_PROGRESS = (Status.UPLOADING, Status.UPLOADED, Status.TRANSCODING)

    key = models.CharField(max_length=32, unique=True, default=_key, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="videos")
    school_class = models.ForeignKey(
        CampaignClass, on_delete=models.PROTECT, related_name="videos", verbose_name=_("class")
    )
    # The child's given name only (明明): never a full name, as the gallery shows it to everyone.
    given_name = models.CharField(_("child's given name"), max_length=20)
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("guardian")
    )
    consent_at = models.DateTimeField(_("guardian's consent given"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UPLOADING)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    # The tus upload: its length once created (one upload a video), the bytes received so far.
    upload_length = models.BigIntegerField(null=True, blank=True)
    upload_offset = models.BigIntegerField(default=0)
    upload_started_at = models.DateTimeField(null=True, blank=True)

    # What the probe found, and what the transcoding made (paths relative to OUTREACH_VIDEOS_DIR).
    duration = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("conversion progress (%)"), default=0)
    video_path = models.CharField(max_length=200, blank=True)
    poster_path = models.CharField(max_length=200, blank=True)
    video_size = models.BigIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("story video")
        verbose_name_plural = _("story videos")
        indexes = [
            models.Index(fields=["campaign", "status", "published_at"]),
            models.Index(fields=["guardian", "created_at"]),
            models.Index(fields=["status", "updated_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(upload_offset__gte=0)
                & (Q(upload_length__isnull=True) | Q(upload_offset__lte=models.F("upload_length"))),
                name="story_video_offset_within_length",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="story_video_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} ({self.key[:8]})"

    @property
    def upload_name(self) -> str:
        """The upload's file (relative to OUTREACH_VIDEOS_DIR): its chunks, written in place."""
        return f"uploads/{self.key}.part"
