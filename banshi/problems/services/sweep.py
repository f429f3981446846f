"""The deadline sweep of problem reports: warns a unit's officers of the reports it holds that are due
soon (the last fifth of the time limit) and of those that are late, each warning once per deadline
(the first contact's, then the closing's). Run by `manage.py sweep_problem_deadlines` or the worker's
`banshi.problems.tasks.sweep_problem_deadlines_task`; any number may run at once."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.accounts.models import User
from banshi.audit.services import event_record
from banshi.notify.services import notification_send
from banshi.problems.deadlines import due_flags
from banshi.problems.events import EventType
from banshi.problems.models import Report, UnitMember

# The longest time limit's last fifth, and some: reports further from their deadline are not read.
LOOK_AHEAD = timedelta(days=10)


def problems_deadlines_sweep(*, now: datetime) -> dict[str, int]:
    horizon = now + LOOK_AHEAD
    candidates = (
        Report.objects.filter(status__in=Report.AT_UNIT, unit__isnull=False)
        .filter(
            Q(contacted_at__isnull=True, first_contact_due__lte=horizon)
            | Q(contacted_at__isnull=False, closing_due__lte=horizon)
        )
        .filter(Q(late_notified_at__isnull=True))
        .select_related("category", "unit")
        .order_by("id")
    )
    late, soon = [], []
    for report in candidates:
        flags = due_flags(report, now=now)
        if flags.overdue:
            late.append(report)
        elif flags.due_soon and report.due_soon_notified_at is None:
            soon.append(report)
    officers = _officers_by_unit({report.unit_id for report in late + soon if report.unit_id})
    result = {"due_soon": 0, "late": 0, "notifications": 0}
    for kind, reports in (("late", late), ("due_soon", soon)):
        for report in reports:
            sent = _warn(report, kind=kind, officers=officers[report.unit_id], now=now)
            if sent is not None:
                result[kind] += 1
                result["notifications"] += sent
    return result


def _officers_by_unit(unit_ids: set[int]) -> dict[int | None, list[User]]:
    officers: dict[int | None, list[User]] = defaultdict(list)
    members = UnitMember.objects.filter(unit_id__in=unit_ids, user__is_active=True).select_related("user")
    for member in members.order_by("user_id"):
        officers[member.unit_id].append(member.user)
    return officers


def _warn(report: Report, *, kind: str, officers: list[User], now: datetime) -> int | None:
    """Mark and warn unless another sweep did or the report moved on (compare-and-set on the status,
    the deadline's mark and the first contact); None when this sweep did not mark it."""
    field = "late_notified_at" if kind == "late" else "due_soon_notified_at"
    due = report.current_due()
    if due is None:
        return None
    with transaction.atomic():
        marked = Report.objects.filter(
            pk=report.pk,
            status=report.status,
            contacted_at=report.contacted_at,
            **{f"{field}__isnull": True},
        ).update(**{field: now})
        if marked != 1:
            return None
        names = {
            "number": report.number,
            "category": report.category.name,
            "deadline": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
        }
        if kind == "late":
            title = _("Late: report %(number)s (%(category)s)") % names
            body = _("It was due by %(deadline)s.") % names
        else:
            title = _("Due soon: report %(number)s (%(category)s)") % names
            body = _("It is due by %(deadline)s.") % names
        for officer in officers:
            notification_send(user=officer, title=title, body=body)
        event_record(
            actor=None,
            subject=report,
            event_type=EventType.REPORT_LATE if kind == "late" else EventType.REPORT_DUE_SOON,
            at=now,
            extra={
                "deadline": due.isoformat(),
                "which": "first_contact" if report.contacted_at is None else "closing",
                "officers_notified": len(officers),
            },
        )
    return len(officers)
