"""A unit sends a report that is not its own back; the dispatcher routes it (and whatever no rule
routed). The first unit that received a report stays its coordinator (首接负责)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.lib.errors import FieldErrors, NotFound
from banshi.lib.text import text_field
from banshi.problems.models import Assignment, Report, Unit
from banshi.problems.services.common import (
    REASON_MAX,
    is_dispatcher,
    locked_report,
    report_move,
    require_current_unit,
)

if TYPE_CHECKING:
    from banshi.accounts.models import User


def report_send_back(*, actor: User, report_id: int, reason: Any) -> Report:
    """The unit holding the report says it is not theirs, and why; it goes to the dispatcher's queue."""
    reason = text_field(reason, field="reason", limit=REASON_MAX, required=True, multiline=True)
    with transaction.atomic():
        now = timezone.now()
        report = locked_report(report_id)
        require_current_unit(report, actor)
        from_unit = report.unit
        report.unit = None
        report_move(
            report,
            new=Report.Status.SENT_BACK,
            actor=actor,
            now=now,
            fields=["unit"],
            reason=reason,
            extra={"from_unit": from_unit.code if from_unit else ""},
        )
        Assignment.objects.create(
            report=report,
            kind=Assignment.Kind.SENT_BACK,
            unit=None,
            from_unit=from_unit,
            actor=actor,
            reason=reason,
            created_at=now,
        )
    return report


def report_route(*, actor: User, report_id: int, unit: Any) -> Report:
    """The dispatcher sends a report waiting in the queue to a unit (by its code). A report without a
    coordinator yet gets this unit as its coordinator; one that has one keeps it."""
    if not is_dispatcher(actor):
        raise NotFound()
    target = Unit.objects.filter(code=unit, active=True).first() if isinstance(unit, str) else None
    if target is None:
        raise FieldErrors({"unit": _("is not an active unit")})
    with transaction.atomic():
        now = timezone.now()
        report = locked_report(report_id)
        from_unit = (
            report.assignments.order_by("-created_at", "-id").values_list("from_unit", flat=True).first()
        )
        if report.status == Report.Status.SENT_BACK and from_unit == target.pk:
            raise FieldErrors({"unit": _("sent this report back; choose another unit")})
        report.unit = target
        report.dispatched_at = now
        fields = ["unit", "dispatched_at"]
        if report.coordinator_id is None:
            report.coordinator = target
            fields.append("coordinator")
        report_move(
            report,
            new=Report.Status.DISPATCHED,
            actor=actor,
            now=now,
            fields=fields,
            extra={"unit": target.code, "via": "dispatcher"},
        )
        Assignment.objects.create(
            report=report,
            kind=Assignment.Kind.ROUTED,
            unit=target,
            actor=actor,
            via="dispatcher",
            created_at=now,
        )
    return report
