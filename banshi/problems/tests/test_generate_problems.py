import io

import time_machine
from django.core.management import call_command

from banshi.audit.models import Event
from banshi.problems.models import Report
from banshi.problems.stats import period_range, problems_stats

NOW = "2026-12-07 10:00 +08:00"


def test_generate_problems_fills_the_reports_with_their_events_and_the_statistics_read_them(db):
    with time_machine.travel(NOW, tick=False):
        call_command(
            "generate_problems", count=300, batch=70, months=3, stdout=io.StringIO(), stderr=io.StringIO()
        )
        reports = Report.objects.all()
        assert reports.count() == 300
        statuses = set(reports.values_list("status", flat=True))
        assert {Report.Status.CALLED_BACK, Report.Status.CLOSED, Report.Status.DISPATCHED} <= statuses
        filed = Event.objects.filter(subject_type="problems.report", event_type="problem.filed")
        assert filed.count() == 300
        assert not Event.objects.filter(
            created_at__gt=reports.order_by("-updated_at").first().updated_at
        ).exists()
        duplicates = reports.filter(status=Report.Status.DUPLICATE)
        assert all(report.duplicate_of_id is not None for report in duplicates)
        oldest = min(reports.values_list("filed_at", flat=True))
        stats = problems_stats(period_range(oldest.date(), oldest.date().replace(year=oldest.year + 1)))
    assert stats.total.received == 300 - duplicates.count()
    assert stats.total.called_back > 0 and stats.total.contacted > 0
    assert stats.solved_counter <= stats.total.called_back
