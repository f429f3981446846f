from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from banshi.audit.models import Event

if TYPE_CHECKING:
    from banshi.accounts.models import User


def event_build(
    *,
    actor: User | None,
    subject: models.Model,
    event_type: str,
    old_state: str = "",
    new_state: str = "",
    reason: str = "",
    extra: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Event:
    """An audit event, not saved yet: for a change that writes several events in one insert at the end
    of its transaction. The rules of `event_record` apply."""
    return Event(
        created_at=at or timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        event_type=event_type,
        old_state=old_state,
        new_state=new_state,
        reason=reason,
        extra=extra or {},
    )


def event_record(
    *,
    actor: User | None,
    subject: models.Model,
    event_type: str,
    old_state: str = "",
    new_state: str = "",
    reason: str = "",
    extra: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Event:
    """Record an audit event. Call inside the transaction of the change it describes. Never put
    personal data (ID numbers, phones, addresses) in `reason` or `extra`."""
    event = event_build(
        actor=actor,
        subject=subject,
        event_type=event_type,
        old_state=old_state,
        new_state=new_state,
        reason=reason,
        extra=extra,
        at=at,
    )
    event.save(force_insert=True)
    return event
