"""Zero trips (一次都不跑): a window's video opening hours, appointments, the live queue, video calls
and the materials reviewed on camera. No media is recorded: a call session holds who, when and the
outcome only."""

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banshi.cases.models import Application, Rating, Upload
from banshi.directory.models import Window


class VideoHours(models.Model):
    """When a window takes video calls on a working day; slots are cut from these hours."""

    window = models.ForeignKey(Window, on_delete=models.CASCADE, related_name="video_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), help_text=_("0 = Monday … 6 = Sunday"))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=15)
    capacity = models.PositiveSmallIntegerField(_("residents per slot"), default=1)

    class Meta:
        verbose_name = _("video opening hours")
        verbose_name_plural = _("video opening hours")
        ordering = ["window", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=models.Q(opens__lt=models.F("closes")), name="hours_in_order")
        ]

    def __str__(self) -> str:
        return f"{self.window} {self.weekday} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Slot(models.Model):
    """A bookable period, stored when first booked. `booked` only grows by a compare-and-set update
    (`booked < capacity`), so two residents racing for the last place get one place between them."""

    window = models.ForeignKey(Window, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField()
    booked = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["window", "starts_at"], name="one_slot_per_start"),
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("capacity")), name="slot_not_overbooked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.window} {self.starts_at:%Y-%m-%d %H:%M}"


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        CANCELLED = "cancelled", _("cancelled")
        ATTENDED = "attended", _("attended")
        MISSED = "missed", _("missed")

    TRANSITIONS = {
        Status.BOOKED: {Status.CANCELLED, Status.ATTENDED, Status.MISSED},
        Status.CANCELLED: set(),
        Status.ATTENDED: set(),
        Status.MISSED: set(),
    }

    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    # The slot's window and its local day, copied from the slot when the appointment is saved: a
    # constraint can name neither a related row's column nor a time-zone conversion, and the database
    # itself keeps a resident to one booking per window and day.
    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    bundle_code = models.CharField(_("matter"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    created_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("video appointment")
        verbose_name_plural = _("video appointments")
        indexes = [models.Index(fields=["resident", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "window", "day"],
                condition=models.Q(status="booked"),
                name="one_booking_per_resident_window_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.slot} · {self.resident_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.slot_id is not None and (self.window_id is None or self.day is None):
            self.window_id = self.slot.window_id
            self.day = timezone.localtime(self.slot.starts_at, timezone.get_default_timezone()).date()
        super().save(*args, **kwargs)


class QueueTicket(models.Model):
    """A number taken in a window's live queue (取号)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        CALLED = "called", _("called")
        SERVED = "served", _("served")
        LEFT = "left", _("left the queue")
        MISSED = "missed", _("did not answer")

    TRANSITIONS = {
        Status.WAITING: {Status.CALLED, Status.LEFT},
        Status.CALLED: {Status.SERVED, Status.MISSED, Status.WAITING},
        Status.SERVED: set(),
        Status.LEFT: set(),
        Status.MISSED: set(),
    }

    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="tickets")
    resident = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tickets")
    number = models.CharField(_("number"), max_length=12)
    bundle_code = models.CharField(_("matter"), max_length=40, blank=True)
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(db_index=True)
    called_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")
        indexes = [models.Index(fields=["window", "status", "created_at"])]

    def __str__(self) -> str:
        return self.number


class CallSession(models.Model):
    """One video call between a clerk and a resident. Only the two of them may join its signaling
    room. Either may drop and rejoin until `rejoin_until`; the resident keeps their place."""

    class Status(models.TextChoices):
        CALLING = "calling", _("calling")
        ACTIVE = "active", _("in the call")
        INTERRUPTED = "interrupted", _("interrupted")
        ENDED = "ended", _("ended")

    TRANSITIONS = {
        Status.CALLING: {Status.ACTIVE, Status.INTERRUPTED, Status.ENDED},
        Status.ACTIVE: {Status.INTERRUPTED, Status.ENDED},
        Status.INTERRUPTED: {Status.ACTIVE, Status.ENDED},
        Status.ENDED: set(),
    }

    class Outcome(models.TextChoices):
        SERVED = "served", _("served")
        PRE_REVIEWED = "pre_reviewed", _("materials pre-reviewed")
        NO_ANSWER = "no_answer", _("no answer")
        DROPPED = "dropped", _("connection lost")

    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="calls")
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calls_served")
    resident = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calls")
    ticket = models.OneToOneField(
        QueueTicket, null=True, blank=True, on_delete=models.PROTECT, related_name="call"
    )
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="calls"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CALLING)
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices, blank=True)
    created_at = models.DateTimeField(db_index=True)
    # When both pages first reported their peer connection connected (media flowing), not when the
    # signaling met: a call without it never took place (no wait, no length, no rating).
    connected_at = models.DateTimeField(null=True, blank=True)
    # Each side's report that its peer connection is connected, for the connection of now: cleared when
    # a side drops, so that a resumed call is active again only once both report again.
    clerk_media_at = models.DateTimeField(null=True, blank=True)
    resident_media_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    interrupted_at = models.DateTimeField(null=True, blank=True)
    rejoin_until = models.DateTimeField(null=True, blank=True)
    # What the resident shared of their unfinished application for the clerk to see beside the video:
    # {"bundle": code, "answers": {...}, "values": {...}, "materials": {key: upload_id}}.
    draft = models.JSONField(default=dict, blank=True)
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    signaling_messages = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("video call")
        verbose_name_plural = _("video calls")
        indexes = [models.Index(fields=["clerk", "status"]), models.Index(fields=["resident", "status"])]

    def __str__(self) -> str:
        return f"call {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("remote:call", args=[self.pk])

    @property
    def room(self) -> str:
        return f"call-{self.pk}"


class ChatMessage(models.Model):
    """One line of a call's chat, kept with the call: the record of the advice given, shown again to
    both sides after a reload or a resumed call."""

    class Role(models.TextChoices):
        CLERK = "clerk", _("clerk")
        RESIDENT = "resident", _("resident")

    session = models.ForeignKey(CallSession, on_delete=models.CASCADE, related_name="chat")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("from"), max_length=10, choices=Role.choices)
    text = models.TextField(_("message"), max_length=1000)
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.role}@{self.sent_at:%H:%M:%S}"


class PreReview(models.Model):
    """A clerk's verdict on one material shown on camera or uploaded."""

    class Verdict(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        NEEDS_FIXING = "needs_fixing", _("needs fixing")

    session = models.ForeignKey(CallSession, on_delete=models.CASCADE, related_name="reviews")
    material = models.CharField(_("material"), max_length=60)
    upload = models.ForeignKey(Upload, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("verdict"), max_length=14, choices=Verdict.choices)
    reason = models.TextField(_("reason"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("material pre-review")
        verbose_name_plural = _("material pre-reviews")
        constraints = [
            models.UniqueConstraint(fields=["session", "material"], name="one_verdict_per_material")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.material}={self.verdict}"


class CallRating(models.Model):
    """The resident's 好差评 of a call, on the same five levels as applications."""

    session = models.OneToOneField(CallSession, on_delete=models.PROTECT, related_name="rating")
    level = models.PositiveSmallIntegerField(_("rating"), choices=Rating.Level.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("call rating")
        verbose_name_plural = _("call ratings")

    def __str__(self) -> str:
        return f"{self.session_id}: {self.level}"
