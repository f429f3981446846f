"""A report that says again what another already says becomes its duplicate: it follows the original's
outcome, its reporter follows the original, and it counts once, as the original."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.lib.errors import FieldErrors
from banshi.problems.models import Follower, Report
from banshi.problems.services.common import locked_report, report_move, require_handler

if TYPE_CHECKING:
    from banshi.accounts.models import User


def report_mark_duplicate(*, actor: User, report_id: int, original_id: Any) -> Report:
    """Staff who handle the report (its unit, its coordinator, a dispatcher) mark it a duplicate of
    `original_id`; a duplicate of a duplicate points at the first original, and the report's own
    duplicates and followers move there with it."""
    with transaction.atomic():
        now = timezone.now()
        report = locked_report(report_id)
        require_handler(report, actor)
        original = (
            Report.objects.select_for_update().filter(pk=original_id).first()
            if isinstance(original_id, int) and not isinstance(original_id, bool)
            else None
        )
        if original is not None and original.duplicate_of_id is not None:
            original = Report.objects.select_for_update().get(pk=original.duplicate_of_id)
        if original is None:
            raise FieldErrors({"original": _("is not a report")})
        if original.pk == report.pk:
            raise FieldErrors({"original": _("is this report itself")})
        report.duplicate_of = original
        report_move(
            report,
            new=Report.Status.DUPLICATE,
            actor=actor,
            now=now,
            fields=["duplicate_of"],
            extra={"original": original.number},
        )
        Report.objects.filter(duplicate_of=report).update(duplicate_of=original, updated_at=now)
        users = set(Follower.objects.filter(report=report).values_list("user_id", flat=True))
        if report.reporter_id is not None:
            users.add(report.reporter_id)
        users -= set(Follower.objects.filter(report=original).values_list("user_id", flat=True))
        users.discard(original.reporter_id)
        Follower.objects.bulk_create(
            Follower(report=original, user_id=user, created_at=now) for user in sorted(users)
        )
    return report
