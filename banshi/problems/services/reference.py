"""The reference data that routes reports (tiers, categories, units and their officers, the hotline's
staff, routing rules): the admin saves and deletes it through here, so every change is audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models, transaction

from banshi.audit.services import event_record
from banshi.problems.events import EventType

if TYPE_CHECKING:
    from banshi.accounts.models import User


def reference_save(*, actor: User, obj: models.Model, changed: list[str]) -> None:
    """Save `obj` as validated by its form; the event names the fields that changed, not their values
    (a member's user is personal)."""
    with transaction.atomic():
        created = obj.pk is None
        obj.save()
        event_record(
            actor=actor,
            subject=obj,
            event_type=EventType.REFERENCE_SAVED,
            extra={"created": created, "changed": sorted(changed)},
        )


def reference_delete(*, actor: User, obj: models.Model) -> None:
    with transaction.atomic():
        event_record(actor=actor, subject=obj, event_type=EventType.REFERENCE_DELETED)
        obj.delete()
