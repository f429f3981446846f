"""What every move of a report shares: who may make it, the locked row, the checked and audited move."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.audit.services import event_record
from banshi.lib.errors import FieldErrors, NotFound
from banshi.lib.states import check_move
from banshi.notify.services import notification_send, sms_send
from banshi.problems.events import MOVED_TO
from banshi.problems.models import Follower, HotlineMember, Report, UnitMember

if TYPE_CHECKING:
    from banshi.accounts.models import User

NOTE_MAX = 2000
REASON_MAX = 1000
# An update not texted within a day is no longer news.
TEXT_VALID_FOR = timedelta(days=1)


def unit_ids_of(user: User | None) -> set[int]:
    if user is None or not user.is_authenticated:
        return set()
    return set(UnitMember.objects.filter(user=user).values_list("unit_id", flat=True))


def has_hotline_role(user: User | None, role: str) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and HotlineMember.objects.filter(user=user, role=role).exists()
    )


def is_dispatcher(user: User | None) -> bool:
    return has_hotline_role(user, HotlineMember.Role.DISPATCHER)


def is_operator(user: User | None) -> bool:
    return has_hotline_role(user, HotlineMember.Role.OPERATOR)


def locked_report(report_id: Any) -> Report:
    if not isinstance(report_id, int) or isinstance(report_id, bool):
        raise NotFound()
    report = Report.objects.select_for_update().select_related("category__tier").filter(pk=report_id).first()
    if report is None:
        raise NotFound()
    return report


def require_current_unit(report: Report, actor: User) -> int:
    """The actor is an officer of the unit holding the report (whose id is returned); to anyone else
    it does not exist."""
    if report.unit_id is None or report.unit_id not in unit_ids_of(actor):
        raise NotFound()
    return report.unit_id


def require_handler(report: Report, actor: User) -> None:
    """An officer of the current or the coordinating unit, or a dispatcher."""
    units = unit_ids_of(actor)
    if report.unit_id in units or report.coordinator_id in units or is_dispatcher(actor):
        return
    raise NotFound()


def report_move(
    report: Report,
    *,
    new: str,
    actor: User | None,
    now: datetime,
    fields: list[str],
    reason: str = "",
    extra: dict[str, Any] | None = None,
) -> None:
    """Check the move against the transition table, save it with `fields` and audit it."""
    old = report.status
    check_move(Report, old, new)
    report.status, report.updated_at = new, now
    report.save(update_fields=["status", "updated_at", *fields])
    event_record(
        actor=actor,
        subject=report,
        event_type=MOVED_TO[Report.Status(new)],
        old_state=old,
        new_state=new,
        reason=reason,
        extra=extra,
        at=now,
    )


def minutes_between(start: datetime, end: datetime) -> int:
    """Whole minutes from `start` to `end`, as the statistics' medians count them."""
    return max(0, int((end - start).total_seconds() // 60))


def choice(value: Any, *, field: str, choices: list[str], message: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise FieldErrors({field: message})
    return value


def tell_residents(report: Report, *, title: str, body: str = "") -> None:
    """An update the reporter and the followers read in the site (and by text, from the worker); a
    caller without an account gets it by text only."""
    users = {follower.user for follower in Follower.objects.filter(report=report).select_related("user")}
    if report.reporter is not None:
        users.add(report.reporter)
    elif report.reporter_phone:
        sms_send(
            phone=report.reporter_phone,
            text=f"{title}\n{body}" if body else title,
            valid_until=timezone.now() + TEXT_VALID_FOR,
        )
    for user in sorted(users, key=lambda user: user.pk):
        notification_send(user=user, title=title, body=body)


def report_title(report: Report, what: str) -> str:
    return _("Report %(number)s: %(what)s") % {"number": report.number, "what": what}
