from typing import Any, Never

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> Never:
        raise AppendOnlyError("audit events are never updated")

    def delete(self) -> Never:
        raise AppendOnlyError("audit events are never deleted")


class Event(models.Model):
    """One state change or security-relevant action. Append-only: written in the same transaction as
    the change it records, never updated or deleted."""

    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_type = models.CharField(_("subject type"), max_length=40)
    subject_id = models.CharField(_("subject"), max_length=64)
    event_type = models.CharField(_("event"), max_length=60)
    old_state = models.CharField(_("old state"), max_length=30, blank=True)
    new_state = models.CharField(_("new state"), max_length=30, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    extra = models.JSONField(_("extra"), default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "created_at"]),
            # The statistics read one kind of event over a period.
            models.Index(fields=["subject_type", "event_type", "created_at"]),
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.event_type} {self.subject_type}:{self.subject_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Never:
        raise AppendOnlyError("audit events are never deleted")


class AccessQuerySet(models.QuerySet["Access"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("access records are never updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("access records are never deleted")


class Access(models.Model):
    """One look by a member of staff at a resident's personal data in full: a case's unmasked details, a
    document's file, a certificate's PDF. Who, whose, what, when and why, by ids and kinds only: the
    record never holds the personal data itself. Append-only, like the events: written in the request
    that shows the data, never updated or deleted."""

    class Kind(models.TextChoices):
        CASE = "case", _("case details")
        DOCUMENT = "document", _("document")
        CERTIFICATE = "certificate", _("certificate")
        CONTACT = "contact", _("contact details")
        PROBLEM = "problem", _("a reported problem's reporter")
        ATTENDANCE = "attendance", _("a lecture's attendees")

    class Purpose(models.TextChoices):
        TASK = "task", _("handling a task")
        WINDOW = "window", _("serving at a window")
        CALL = "call", _("a video call")
        FOLLOW_UP = "follow_up", _("following up a rating")
        PROBLEM = "problem", _("handling a reported problem")
        LECTURE = "lecture", _("running a lecture")

    class Via(models.TextChoices):
        PAGE = "page", _("page")
        API = "api", _("API")

    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("viewer")
    )
    # The person the data is about (the applicant, the resident in the call); None when unknown.
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("resident"),
    )
    kind = models.CharField(_("what"), max_length=12, choices=Kind.choices)
    purpose = models.CharField(_("why"), max_length=12, choices=Purpose.choices)
    via = models.CharField(_("through"), max_length=8, choices=Via.choices, default=Via.PAGE)
    # Plain ids: the audit log sits below the apps whose rows it names.
    application_id = models.PositiveBigIntegerField(_("application"), null=True, blank=True)
    task_id = models.PositiveBigIntegerField(_("task"), null=True, blank=True)
    upload_id = models.PositiveBigIntegerField(_("uploaded file"), null=True, blank=True)
    certificate_id = models.PositiveBigIntegerField(_("certificate"), null=True, blank=True)
    call_id = models.PositiveBigIntegerField(_("video call"), null=True, blank=True)
    problem_report_id = models.PositiveBigIntegerField(_("problem report"), null=True, blank=True)
    lecture_id = models.PositiveBigIntegerField(_("lecture"), null=True, blank=True)
    # Where the viewer worked for this look: their agency, or their window.
    agency_id = models.PositiveBigIntegerField(_("agency"), null=True, blank=True)
    window_id = models.PositiveBigIntegerField(_("window"), null=True, blank=True)

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        indexes = [
            models.Index(fields=["application_id", "created_at"]),
            models.Index(fields=["resident", "created_at"]),
            models.Index(fields=["actor", "created_at"]),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind} by {self.actor_id} of {self.resident_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("access records are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("access records are never deleted")
