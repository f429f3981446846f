"""The unit's work on a report: sign for it, make the first contact, add notes, close it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.audit.services import event_record
from banshi.lib.errors import Conflict
from banshi.lib.text import text_field
from banshi.problems.events import EventType
from banshi.problems.models import Closure, Contact, Note, Report
from banshi.problems.services.common import (
    NOTE_MAX,
    choice,
    locked_report,
    minutes_between,
    report_move,
    report_title,
    require_current_unit,
    require_handler,
    tell_residents,
    unit_ids_of,
)

if TYPE_CHECKING:
    from banshi.accounts.models import User

CLOSURE_MAX = 2000


def report_sign(*, actor: User, report_id: int) -> Report:
    """The unit takes the report on (签收), when it was sent to it or came back reopened."""
    with transaction.atomic():
        now = timezone.now()
        report = locked_report(report_id)
        require_current_unit(report, actor)
        report.signed_at = now
        report_move(report, new=Report.Status.SIGNED, actor=actor, now=now, fields=["signed_at"])
    return report


def report_contact(*, actor: User, report_id: int, kind: Any, note: Any = "") -> Contact:
    """The unit's first contact with the resident (响应): by phone, a visit or a message."""
    kind = choice(
        kind,
        field="kind",
        choices=Contact.Kind.values,
        message=_("must be a phone call, a visit or a message"),
    )
    note = text_field(note, field="note", limit=NOTE_MAX, multiline=True)
    with transaction.atomic():
        now = timezone.now()
        report = locked_report(report_id)
        unit_id = require_current_unit(report, actor)
        fields = []
        # What the statistics read from the event: the unit, whether the first contact of this round
        # met its limit, and the minutes since the clock started (the filing or the reopening).
        extra = {
            "kind": kind,
            "unit": report.unit.code if report.unit else "",
            "first": report.contacted_at is None,
            "on_time": now <= report.first_contact_due,
            "minutes": minutes_between(report.clock_started_at, now),
        }
        if report.contacted_at is None:
            # The closing deadline counts from now on: its warnings are still to come.
            report.contacted_at = now
            report.due_soon_notified_at = report.late_notified_at = None
            fields += ["contacted_at", "due_soon_notified_at", "late_notified_at"]
        report_move(report, new=Report.Status.CONTACTED, actor=actor, now=now, fields=fields, extra=extra)
        contact = Contact.objects.create(
            report=report, unit_id=unit_id, kind=kind, note=note, actor=actor, created_at=now
        )
    return contact


def report_note(*, actor: User, report_id: int, text: Any, public: Any) -> Note:
    """A progress note by the unit holding the report, its coordinator or a dispatcher. A public one is
    sent to the resident and the followers."""
    if not isinstance(public, bool):
        public = choice(
            public, field="public", choices=["public", "internal"], message=_("must be public or internal")
        )
        public = public == "public"
    text = text_field(text, field="text", limit=NOTE_MAX, required=True, multiline=True)
    with transaction.atomic():
        now = timezone.now()
        report = locked_report(report_id)
        require_handler(report, actor)
        if report.status == Report.Status.DUPLICATE:
            raise Conflict(_("this report is a duplicate: add the note to the original"))
        units = unit_ids_of(actor)
        unit_id = next((pk for pk in (report.unit_id, report.coordinator_id) if pk in units), None)
        note = Note.objects.create(
            report=report, unit_id=unit_id, author=actor, public=public, text=text, created_at=now
        )
        report.updated_at = now
        report.save(update_fields=["updated_at"])
        event_record(
            actor=actor,
            subject=report,
            event_type=EventType.REPORT_NOTE_ADDED,
            at=now,
            extra={"note": note.pk, "public": public},
        )
        if public:
            tell_residents(report, title=report_title(report, _("an update")), body=text)
    return note


def report_close(*, actor: User, report_id: int, text: Any) -> Closure:
    """The unit closes the report with what was done (办结); the resident is asked to call it back."""
    text = text_field(text, field="text", limit=CLOSURE_MAX, required=True, multiline=True)
    with transaction.atomic():
        now = timezone.now()
        report = locked_report(report_id)
        unit_id = require_current_unit(report, actor)
        report.closed_at = now
        report_move(
            report,
            new=Report.Status.CLOSED,
            actor=actor,
            now=now,
            fields=["closed_at"],
            extra={
                "unit": report.unit.code if report.unit else "",
                "on_time": now <= report.closing_due,
                "minutes": minutes_between(report.clock_started_at, now),
            },
        )
        closure = Closure.objects.create(
            report=report, unit_id=unit_id, actor=actor, text=text, created_at=now
        )
        tell_residents(
            report,
            title=report_title(report, _("closed")),
            body=_("%(text)s\nIs it solved? Tell us how satisfied you are.") % {"text": text},
        )
    return closure
