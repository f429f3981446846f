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
        indexes = [models.Index(fields=["subject_type", "subject_id", "created_at"])]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.event_type} {self.subject_type}:{self.subject_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Never:
        raise AppendOnlyError("audit events are never deleted")
