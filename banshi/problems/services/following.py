"""No longer following a report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from banshi.audit.services import event_record
from banshi.lib.errors import NotFound
from banshi.problems.events import EventType
from banshi.problems.models import Follower, Report

if TYPE_CHECKING:
    from banshi.accounts.models import User


def report_unfollow(*, actor: User, report_id: int) -> bool:
    """Stop following a report; True when the actor was following it. Unfollowing twice writes once."""
    if actor is None or not actor.is_authenticated:
        raise NotFound()
    if not isinstance(report_id, int) or isinstance(report_id, bool):
        raise NotFound()
    report = Report.objects.filter(pk=report_id).first()
    if report is None or (report.private and report.reporter_id != actor.pk):
        raise NotFound()
    with transaction.atomic():
        deleted, _rows = Follower.objects.filter(report=report, user=actor).delete()
        if deleted:
            event_record(
                actor=actor, subject=report, event_type=EventType.REPORT_UNFOLLOWED, at=timezone.now()
            )
    return bool(deleted)
