from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.audit.services import event_record
from banshi.lib.errors import FieldErrors
from banshi.worktime.events import EventType
from banshi.worktime.models import CalendarOverride, contradiction_message


def calendar_override_set(*, actor, day: date, kind: str, name: str = "") -> CalendarOverride:
    """Enter a holiday or a working day. Entering the same again only renames it; a day already
    entered as the other kind is refused: change or delete that entry instead."""
    errors = {}
    if not isinstance(day, date) or isinstance(day, datetime):
        errors["date"] = _("must be a date")
    if kind not in CalendarOverride.Kind.values:
        errors["kind"] = _("must be a holiday or a working day")
    name = (name or "").strip()
    if len(name) > 60:
        errors["name"] = _("must be at most 60 characters")
    if errors:
        raise FieldErrors(errors)
    try:
        with transaction.atomic():
            existing = CalendarOverride.objects.select_for_update().filter(date=day).first()
            if existing is not None and existing.kind != kind:
                raise FieldErrors({"date": contradiction_message(existing, kind)})
            if existing is not None:
                if existing.name != name:
                    existing.name = name
                    existing.save(update_fields=["name"])
                return existing
            override = CalendarOverride.objects.create(date=day, kind=kind, name=name)
            override_audit(actor=actor, override=override, event_type=EventType.CALENDAR_OVERRIDE_SET)
            return override
    except IntegrityError:
        # Someone entered the same day at the same moment: judge against what they entered.
        existing = CalendarOverride.objects.get(date=day)
        if existing.kind != kind:
            raise FieldErrors({"date": contradiction_message(existing, kind)}) from None
        return existing


def calendar_override_delete(*, actor, day: date) -> None:
    with transaction.atomic():
        override = CalendarOverride.objects.select_for_update().filter(date=day).first()
        if override is None:
            return
        override_audit(actor=actor, override=override, event_type=EventType.CALENDAR_OVERRIDE_DELETED)
        override.delete()


def override_audit(*, actor, override: CalendarOverride, event_type: str) -> None:
    event_record(
        actor=actor,
        subject=override,
        event_type=event_type,
        new_state=override.kind,
        extra={"date": override.date.isoformat(), "name": override.name},
        at=timezone.now(),
    )
