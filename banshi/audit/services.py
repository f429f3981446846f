from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.utils import timezone

from banshi.audit.models import Access, Event

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


def access_record(
    *,
    actor: AbstractBaseUser,
    resident_id: int | None,
    kind: str,
    purpose: str,
    via: str = Access.Via.PAGE,
    application_id: int | None = None,
    task_id: int | None = None,
    upload_id: int | None = None,
    certificate_id: int | None = None,
    call_id: int | None = None,
    problem_report_id: int | None = None,
    lecture_id: int | None = None,
    agency_id: int | None = None,
    window_id: int | None = None,
    at: datetime | None = None,
) -> Access:
    """Record that `actor` was shown a resident's personal data in full. Call in the request that shows
    it, before answering. Only ids and kinds are kept, never the data."""
    if kind not in Access.Kind.values or purpose not in Access.Purpose.values or via not in Access.Via.values:
        raise ValueError(f"unknown access: {kind!r} for {purpose!r} through {via!r}")
    access = Access(
        created_at=at or timezone.now(),
        actor_id=actor.pk,
        resident_id=resident_id,
        kind=kind,
        purpose=purpose,
        via=via,
        application_id=application_id,
        task_id=task_id,
        upload_id=upload_id,
        certificate_id=certificate_id,
        call_id=call_id,
        problem_report_id=problem_report_id,
        lecture_id=lecture_id,
        agency_id=agency_id,
        window_id=window_id,
    )
    access.save(force_insert=True)
    return access


def accesses_record(
    *,
    actor: AbstractBaseUser,
    resident_ids: list[int | None],
    kind: str,
    purpose: str,
    lecture_id: int | None = None,
    at: datetime | None = None,
) -> list[Access]:
    """Record, in one insert, that `actor` was shown the personal data of several people in full at once
    (a list of attendees): one record each, as `access_record` writes them."""
    if kind not in Access.Kind.values or purpose not in Access.Purpose.values:
        raise ValueError(f"unknown access: {kind!r} for {purpose!r}")
    when = at or timezone.now()
    return Access.objects.bulk_create(
        Access(
            created_at=when,
            actor_id=actor.pk,
            resident_id=resident_id,
            kind=kind,
            purpose=purpose,
            lecture_id=lecture_id,
        )
        for resident_id in resident_ids
    )
