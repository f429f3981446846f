"""Administrators' calendar overrides: the only way they are written (the admin calls these too), each
change audited."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.audit.services import event_record
from banshi.lib.errors import FieldErrors, NotFound
from banshi.lib.text import text_field
from banshi.worktime.events import EventType
from banshi.worktime.models import CalendarOverride, contradiction_message

if TYPE_CHECKING:
    from banshi.accounts.models import User


def _clean(*, day: Any, kind: Any, name: Any) -> str:
    errors: dict[str, str] = {}
    if not isinstance(day, date) or isinstance(day, datetime):
        errors["date"] = _("must be a date")
    if kind not in CalendarOverride.Kind.values:
        errors["kind"] = _("must be a holiday or a working day")
    cleaned = ""
    try:
        cleaned = text_field(name, field="name", limit=60)
    except FieldErrors as problem:
        errors |= problem.errors
    if errors:
        raise FieldErrors(errors)
    return cleaned


def calendar_override_set(*, actor: User, day: date, kind: str, name: str = "") -> CalendarOverride:
    """Enter a holiday or a working day. Entering the same again only renames it; a day already
    entered as the other kind is refused: change or delete that entry instead."""
    name = _clean(day=day, kind=kind, name=name)
    try:
        with transaction.atomic():
            existing = CalendarOverride.objects.select_for_update().filter(date=day).first()
            if existing is not None and existing.kind != kind:
                raise FieldErrors({"date": contradiction_message(existing, kind)})
            if existing is not None:
                if existing.name != name:
                    old_name, existing.name = existing.name, name
                    existing.save(update_fields=["name"])
                    _override_audit(
                        actor=actor,
                        override=existing,
                        event_type=EventType.CALENDAR_OVERRIDE_CHANGED,
                        old_state=existing.kind,
                        changed={"name": old_name},
                    )
                return existing
            override = CalendarOverride.objects.create(date=day, kind=kind, name=name)
            _override_audit(actor=actor, override=override, event_type=EventType.CALENDAR_OVERRIDE_SET)
            return override
    except IntegrityError:
        # Someone entered the same day at the same moment: judge against what they entered.
        existing = CalendarOverride.objects.get(date=day)
        if existing.kind != kind:
            raise FieldErrors({"date": contradiction_message(existing, kind)}) from None
        return existing


def calendar_override_change(
    *, actor: User, override_id: int, day: date, kind: str, name: str = ""
) -> CalendarOverride:
    """Change an entry: its day, its kind (a holiday becomes a working day) or its name. A day that
    another entry already has is refused."""
    name = _clean(day=day, kind=kind, name=name)
    try:
        with transaction.atomic():
            override = CalendarOverride.objects.select_for_update().filter(pk=override_id).first()
            if override is None:
                raise NotFound()
            other = CalendarOverride.objects.filter(date=day).exclude(pk=override.pk).first()
            if other is not None:
                raise FieldErrors({"date": contradiction_message(other, kind)})
            before = {"date": override.date.isoformat(), "kind": override.kind, "name": override.name}
            override.date, override.kind, override.name = day, kind, name
            after = {"date": override.date.isoformat(), "kind": override.kind, "name": override.name}
            changed = {field: old for field, old in before.items() if after[field] != old}
            if not changed:
                return override
            override.save(update_fields=["date", "kind", "name"])
            _override_audit(
                actor=actor,
                override=override,
                event_type=EventType.CALENDAR_OVERRIDE_CHANGED,
                old_state=before["kind"],
                changed=changed,
            )
            return override
    except IntegrityError:
        other = CalendarOverride.objects.get(date=day)
        raise FieldErrors({"date": contradiction_message(other, kind)}) from None


def calendar_override_delete(*, actor: User, day: date) -> None:
    with transaction.atomic():
        override = CalendarOverride.objects.select_for_update().filter(date=day).first()
        if override is None:
            return
        _override_audit(actor=actor, override=override, event_type=EventType.CALENDAR_OVERRIDE_DELETED)
        override.delete()


def _override_audit(
    *,
    actor: User,
    override: CalendarOverride,
    event_type: str,
    old_state: str = "",
    changed: dict[str, str] | None = None,
) -> None:
    """`changed` holds the earlier value of each field that changed."""
    extra: dict[str, Any] = {"date": override.date.isoformat(), "name": override.name}
    if changed:
        extra["was"] = changed
    event_record(
        actor=actor,
        subject=override,
        event_type=event_type,
        old_state=old_state,
        new_state=override.kind,
        extra=extra,
        at=timezone.now(),
    )
