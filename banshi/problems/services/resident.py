"""What follows closing: the callback (回访), a reopening when it is not fixed, following a report."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.audit.services import event_record
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.lib.states import check_move
from banshi.lib.text import text_field
from banshi.problems.deadlines import tier_deadlines
from banshi.problems.events import EventType
from banshi.problems.models import Assignment, Callback, Closure, Follower, Reopening, Report
from banshi.problems.services.common import (
    NOTE_MAX,
    REASON_MAX,
    choice,
    is_dispatcher,
    is_operator,
    locked_report,
    report_move,
    unit_ids_of,
)

if TYPE_CHECKING:
    from banshi.accounts.models import User

REOPEN_WINDOW = timedelta(days=30)


def _speaks_for_resident(report: Report, actor: User) -> bool:
    """The reporter, or hotline staff taking the resident's word by phone."""
    return (report.reporter_id is not None and report.reporter_id == actor.pk) or (
        is_dispatcher(actor) or is_operator(actor)
    )


def report_reopen(*, actor: User, report_id: int, reason: Any) -> Report:
    """Not fixed: within 30 days of closing, the report goes back to the unit that closed it, with its
    time limits counted again from now; the closing it had does not count as solved."""
    reason = text_field(reason, field="reason", limit=REASON_MAX, required=True, multiline=True)
    with transaction.atomic():
        now = timezone.now()
        report = locked_report(report_id)
        if not _speaks_for_resident(report, actor):
            raise NotFound()
        check_move(Report, report.status, Report.Status.REOPENED)
        unit_id = report.unit_id
        if unit_id is None:  # a closed report was closed by the unit holding it
            raise Conflict(_("this report has no unit to go back to"))
        if report.closed_at is None or now - report.closed_at > REOPEN_WINDOW:
            raise Conflict(_("a report can be reopened only within 30 days of closing"))
        due = tier_deadlines(report.category.tier, now)
        report.first_contact_due, report.closing_due = due.first_contact, due.closing
        report.deadline_estimated = due.estimated
        report.clock_started_at = now
        report.due_soon_notified_at = report.late_notified_at = None
        report.reopen_count += 1
        # A new round: the unit signs for it, contacts the resident and closes it again.
        closed_at = report.closed_at
        report.closed_at = report.called_back_at = report.signed_at = report.contacted_at = None
        report_move(
            report,
            new=Report.Status.REOPENED,
            actor=actor,
            now=now,
            fields=[
                "first_contact_due",
                "closing_due",
                "deadline_estimated",
                "clock_started_at",
                "due_soon_notified_at",
                "late_notified_at",
                "reopen_count",
                "closed_at",
                "called_back_at",
                "signed_at",
                "contacted_at",
            ],
            reason=reason,
            extra={"closed_at": closed_at.isoformat(), "unit": report.unit.code if report.unit else ""},
        )
        Closure.objects.filter(report=report, reopened_at__isnull=True).update(reopened_at=now)
        Reopening.objects.create(report=report, unit_id=unit_id, actor=actor, reason=reason, created_at=now)
        Assignment.objects.create(
            report=report, kind=Assignment.Kind.REOPENED, unit_id=unit_id, actor=actor, created_at=now
        )
    return report


def report_callback(
    *, actor: User, report_id: int, solved: Any, satisfaction: Any, comment: Any = ""
) -> Callback:
    """The resident's answer to the callback, online, or recorded by staff who called them; only for a
    closed report, once per closing."""
    errors: dict[str, str] = {}
    if not isinstance(solved, bool):
        errors["solved"] = _("must be yes or no")
    try:
        satisfaction = choice(
            satisfaction,
            field="satisfaction",
            choices=Callback.Satisfaction.values,
            message=_("must be satisfied, fairly satisfied or dissatisfied"),
        )
    except FieldErrors as problem:
        errors |= problem.errors
    try:
        comment = text_field(comment, field="comment", limit=NOTE_MAX, multiline=True)
    except FieldErrors as problem:
        errors |= problem.errors
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        now = timezone.now()
        report = locked_report(report_id)
        if report.reporter_id is not None and report.reporter_id == actor.pk:
            by = Callback.By.RESIDENT
        elif is_dispatcher(actor) or is_operator(actor) or report.coordinator_id in unit_ids_of(actor):
            by = Callback.By.STAFF_PHONE
        else:
            raise NotFound()
        check_move(Report, report.status, Report.Status.CALLED_BACK)
        closure = report.closures.order_by("-created_at", "-id").first()
        if closure is None:
            raise Conflict(_("this report was never closed"))
        report.called_back_at = now
        report_move(
            report,
            new=Report.Status.CALLED_BACK,
            actor=actor,
            now=now,
            fields=["called_back_at"],
            extra={
                "solved": solved,
                "satisfaction": satisfaction,
                "by": by,
                "unit": report.unit.code if report.unit else "",
            },
        )
        callback = Callback.objects.create(
            report=report,
            closure=closure,
            solved=solved,
            satisfaction=satisfaction,
            by=by,
            comment=comment,
            actor=actor,
            created_at=now,
        )
    return callback


def report_follow(*, actor: User, report_id: int) -> Follower:
    """Follow a report instead of filing the same again (a duplicate's original is followed instead).
    Following twice is following once. A private report is only its reporter's."""
    if not actor.is_authenticated:
        raise NotFound()
    report = Report.objects.filter(pk=report_id).first() if isinstance(report_id, int) else None
    if report is None or (report.private and report.reporter_id != actor.pk):
        raise NotFound()
    if report.duplicate_of_id is not None:
        report = Report.objects.get(pk=report.duplicate_of_id)
    existing = Follower.objects.filter(report=report, user=actor).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            now = timezone.now()
            follower = Follower.objects.create(report=report, user=actor, created_at=now)
            event_record(actor=actor, subject=report, event_type=EventType.REPORT_FOLLOWED, at=now)
    except IntegrityError:
        return Follower.objects.get(report=report, user=actor)
    return follower
