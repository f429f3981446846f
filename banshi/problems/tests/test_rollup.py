"""The daily roll-up gives the very figures that `problems_stats` computes from the audit events alone:
on the hand-computed fixture of test_stats, for months, a quarter, a year and ranges crossing the
roll-up's last day, right after a refresh, with events recorded since (not yet rolled up), and after
the next refresh."""

from dataclasses import asdict
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from banshi.audit.models import Event
from banshi.problems.models import Report, StatsDay, StatsMinutes, StatsRollup, Tier
from banshi.problems.rollup import (
    bucket_of,
    bucket_range,
    problems_solved_rolled,
    problems_stats_rolled,
    stats_rollup_check,
    stats_rollup_refresh,
)
from banshi.problems.services import report_callback, report_mark_duplicate, report_reopen
from banshi.problems.stats import (
    period_month,
    period_quarter,
    period_range,
    period_year,
    problems_solved,
    problems_stats,
)
from banshi.problems.tasks import refresh_problem_stats_task
from banshi.problems.tests import test_stats as hand
from banshi.problems.tests.conftest import YUZHONG
from banshi.problems.tests.test_stats import AFTER_BOTH_MONTHS, CHINA, _at, _file, _handle, _page

# The hand-computed fixture of test_stats, and its empty cache around each test.
two_months = hand.two_months
_empty_cache = hand._empty_cache

PERIODS = [
    period_month(2026, 10),
    period_month(2026, 11),
    period_month(2026, 12),  # the current month
    period_quarter(2026, 4),
    period_year(2026),
    period_range(date(2026, 10, 1), date(2026, 10, 7)),
    period_range(date(2026, 10, 20), date(2026, 11, 3)),  # across the months, R20's late answer
    period_range(date(2026, 11, 25), date(2026, 12, 2)),  # into today
    period_range(date(2026, 12, 2), date(2026, 12, 2)),  # today alone
    period_range(date(2026, 9, 20), date(2026, 11, 15)),  # a whole month and days on both sides
]


def _same(now: datetime, periods=PERIODS) -> None:
    with time_machine.travel(now, tick=False):
        for period in periods:
            live, rolled = problems_stats(period, counter=False), problems_stats_rolled(period)
            assert asdict(rolled) == asdict(live), period.label
        assert problems_solved_rolled() == problems_solved()


def test_the_rollup_gives_the_fixtures_figures_for_every_period(two_months):
    with time_machine.travel(AFTER_BOTH_MONTHS, tick=False):
        result = stats_rollup_refresh()
    assert result["rebuilt"] is True
    assert result["last_event_id"] == Event.objects.order_by("-id").values_list("id", flat=True).first()
    assert StatsDay.objects.exists() and StatsMinutes.objects.exists()
    _same(AFTER_BOTH_MONTHS)
    with time_machine.travel(AFTER_BOTH_MONTHS, tick=False):
        october = problems_stats_rolled(period_month(2026, 10))
    street = next(row for row in october.units if row.code == "jiefangbei")
    # The hand-computed October figures of test_stats, from the roll-up.
    assert (street.received, street.contacted, street.contacted_on_time) == (20, 21, 17)
    assert (street.called_back, street.solved, street.not_reached) == (18, 13, 2)
    assert (street.median_contact_minutes, street.median_close_minutes) == (120.0, 1440.0)
    assert october.total.median_close_minutes == 1440.0


def test_events_since_the_refresh_count_at_once_and_the_next_refresh_keeps_the_figures(two_months, world):
    with time_machine.travel(AFTER_BOTH_MONTHS, tick=False):
        stats_rollup_refresh()
    reports = two_months.reports
    today = AFTER_BOTH_MONTHS
    # Today: J3's closing of 5 November answered, S2 marked a duplicate, J1's solved answer reopened.
    _at(
        today + timedelta(hours=1),
        report_callback,
        actor=world.dispatcher,
        report_id=reports["J3"].pk,
        solved=True,
        satisfaction="satisfied",
    )
    _at(
        today + timedelta(hours=2),
        report_mark_duplicate,
        actor=world.jiangbei_officer,
        report_id=reports["S2"].pk,
        original_id=reports["J1"].pk,
    )
    _at(
        today + timedelta(hours=3),
        report_reopen,
        actor=world.resident,
        report_id=reports["J1"].pk,
        reason="又坏了",
    )
    later = today + timedelta(hours=4)
    with time_machine.travel(later, tick=False):
        december = problems_stats_rolled(period_month(2026, 12))
        rows_before = StatsDay.objects.count()
    # The current month sees today's events at once, without a refresh.
    assert december.total.called_back == 1
    _same(later)
    with time_machine.travel(later, tick=False):
        result = stats_rollup_refresh()
    assert result["rebuilt"] is False and result["reports_corrected"] == 3
    # The corrections are added up with the rows they correct.
    assert StatsDay.objects.count() <= rows_before + 6
    _same(later)
    # The next day: yesterday is rolled up by the next refresh, and the figures stay.
    tomorrow = today + timedelta(days=1)
    _same(tomorrow, [*PERIODS, period_range(date(2026, 12, 1), date(2026, 12, 3))])
    with time_machine.travel(tomorrow, tick=False):
        assert stats_rollup_refresh()["reports_corrected"] == 0
    _same(tomorrow, [*PERIODS, period_range(date(2026, 12, 1), date(2026, 12, 3))])


def test_a_closing_counts_as_not_reached_in_the_current_month_7_days_after_it_to_the_minute(world):
    Tier.objects.update(clock=Tier.Clock.CALENDAR, first_contact_hours=4, closing_hours=48)
    start = datetime(2026, 11, 20, 10, 0, tzinfo=CHINA)
    report = _file(world, start, category="roads", district=YUZHONG)
    _handle(world, world.street_officer, report, start, contact=2, close=24)  # closed 21 Nov, 10:00
    with time_machine.travel(datetime(2026, 11, 28, 8, 0, tzinfo=CHINA), tick=False):
        stats_rollup_refresh()
    november = period_month(2026, 11)
    for moment, expected in (
        (datetime(2026, 11, 28, 9, 59, tzinfo=CHINA), 0),
        (datetime(2026, 11, 28, 10, 0, tzinfo=CHINA), 1),
    ):
        with time_machine.travel(moment, tick=False):
            rolled = problems_stats_rolled(november)
            assert rolled.total.not_reached == expected
            assert asdict(rolled) == asdict(problems_stats(november, counter=False))
    # A past period judges it at its end: a week ending on the 27th has it not yet due, and never will.
    with time_machine.travel(datetime(2026, 12, 10, tzinfo=CHINA), tick=False):
        stats_rollup_refresh()
        week = period_range(date(2026, 11, 21), date(2026, 11, 27))
        assert problems_stats_rolled(week).total.not_reached == 0
        assert problems_stats_rolled(november).total.not_reached == 1
        assert stats_rollup_check([week, november]) == []


def test_the_page_reads_the_rollup(two_months, client):
    with time_machine.travel(AFTER_BOTH_MONTHS, tick=False):
        stats_rollup_refresh()
        row = StatsDay.objects.filter(kind=StatsDay.Kind.FILED, day=date(2026, 10, 1)).first()
        # A row altered by hand shows on the page: the page counts the roll-up, not the events.
        StatsDay.objects.create(
            day=row.day, kind=row.kind, unit=row.unit, later_day=row.later_day, count=1000
        )
        page = _page(client, month="2026-10").content.decode()
    assert "1024" in page
    assert problems_stats(period_month(2026, 10)).total.received == 24


def test_the_check_finds_no_difference_and_names_one(two_months):
    with time_machine.travel(AFTER_BOTH_MONTHS, tick=False):
        out = StringIO()
        call_command("problem_stats", "--refresh", stdout=out)
        assert "rolled up to event" in out.getvalue()
        call_command("problem_stats", "--check", stdout=out)
        assert "the roll-up agrees with the events for 9 periods" in out.getvalue()
        call_command("problem_stats", "--check", "--quarter", "2026-Q4", stdout=out)
        StatsDay.objects.filter(kind=StatsDay.Kind.CLOSED, day=date(2026, 10, 2)).delete()
        assert stats_rollup_check([period_month(2026, 11)]) == []
        assert len(stats_rollup_check([period_month(2026, 10)])) == 1
        with pytest.raises(CommandError, match="1 differences"):
            call_command("problem_stats", "--check", "--month", "2026-10", stdout=out, stderr=StringIO())
        with pytest.raises(CommandError, match="month"):
            call_command("problem_stats", "--check", "--month", "October", stdout=out)
        # --rebuild starts afresh and agrees again.
        call_command("problem_stats", "--rebuild", "--check", "--month", "2026-10", stdout=out)


def test_the_workers_task_refreshes_and_twice_changes_nothing(two_months):
    with time_machine.travel(AFTER_BOTH_MONTHS, tick=False):
        first = refresh_problem_stats_task.call()
        rows = sorted(StatsDay.objects.values_list("day", "kind", "unit", "later_day", "count"))
        second = refresh_problem_stats_task.call()
        assert sorted(StatsDay.objects.values_list("day", "kind", "unit", "later_day", "count")) == rows
    assert first["rebuilt"] is True and second == {
        "rebuilt": False,
        "days": 0,
        "reports_corrected": 0,
        "events_read": 0,
        "last_event_id": first["last_event_id"],
    }
    state = StatsRollup.objects.get()
    assert state.solved == 18


def test_without_a_rollup_the_figures_come_from_the_events(two_months):
    with time_machine.travel(AFTER_BOTH_MONTHS, tick=False):
        assert not StatsRollup.objects.exists()
        for period in PERIODS:
            assert asdict(problems_stats_rolled(period)) == asdict(problems_stats(period, counter=False))
        assert problems_solved_rolled() == 18
    assert Report.objects.count() == 30


def test_each_minute_lies_in_its_buckets_range():
    previous = -1
    for minutes in range(0, 70000):
        bucket = bucket_of(minutes)
        low, high = bucket_range(bucket)
        assert low <= minutes <= high, minutes
        assert bucket >= previous
        previous = bucket
    assert bucket_of(10**7) < 1300  # a bounded number of buckets, whatever the minutes
