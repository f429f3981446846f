from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from banshi.settings import env_office_hours
from banshi.worktime.calendar import Calendar, Overrides
from banshi.worktime.hours import (
    hours_per_working_day,
    working_days_deadline,
    working_deadline,
    working_span,
)
from banshi.worktime.models import CalendarOverride

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NO_OVERRIDES = Calendar(Overrides(working={}, years=frozenset()))


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "day",
    ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
)
def test_the_make_up_working_days_of_2026_have_office_hours(day):
    assert Calendar().day(date.fromisoformat(day)) == (True, False)


@pytest.mark.parametrize("day", ["2026-10-01", "2026-10-04", "2026-10-07", "2026-10-11"])
def test_the_national_day_week_and_an_ordinary_sunday_have_none(day):
    assert Calendar().day(date.fromisoformat(day)) == (False, False)


def test_a_task_made_ready_the_afternoon_before_national_day_is_due_after_the_golden_week():
    # 16:30-17:30 on 30 September, then the week off, then one hour on Thursday 8 October.
    assert working_deadline(at(2026, 9, 30, 16, 30), timedelta(hours=2)) == (at(2026, 10, 8, 10, 0), False)


def test_with_offices_closing_at_five_the_same_task_is_due_half_an_hour_later(settings):
    settings.OFFICE_HOURS = ((time(9), time(12)), (time(13, 30), time(17)))
    assert working_deadline(at(2026, 9, 30, 16, 30), timedelta(hours=2)) == (at(2026, 10, 8, 10, 30), False)
    assert hours_per_working_day() == 6.5


def test_a_task_made_ready_late_on_friday_9_october_is_due_on_the_working_saturday():
    assert working_deadline(at(2026, 10, 9, 17, 0), timedelta(hours=2)).at == at(2026, 10, 10, 10, 30)


def test_the_lunch_break_and_the_night_do_not_count():
    assert working_deadline(at(2026, 11, 26, 11, 0), timedelta(hours=2)).at == at(2026, 11, 26, 14, 30)
    assert working_deadline(at(2026, 11, 26, 20, 0), timedelta(hours=1)).at == at(2026, 11, 27, 10, 0)
    assert working_span(at(2026, 11, 26, 11, 0), at(2026, 11, 26, 14, 30)).duration == timedelta(hours=2)


def test_a_deadline_counted_into_2027_assumes_monday_to_friday_and_says_it_is_an_estimate():
    # Five working days of seven hours from Monday 28 December: 1 January 2027 is assumed a working day,
    # because no calendar knows 2027 yet; the result is flagged rather than refused.
    assert working_deadline(at(2026, 12, 28, 9, 0), timedelta(hours=5 * 7)) == (at(2027, 1, 1, 17, 30), True)
    assert working_days_deadline(at(2026, 12, 28, 9, 0), 5) == (at(2027, 1, 4, 17, 30), True)
    assert working_span(at(2026, 12, 31, 9, 0), at(2027, 1, 4, 9, 0)) == (timedelta(hours=14), True)


def test_a_deadline_that_stays_in_a_known_year_is_not_an_estimate():
    assert working_days_deadline(at(2026, 12, 24, 9, 0), 5) == (at(2026, 12, 31, 17, 30), False)


def test_once_a_year_is_entered_in_the_admin_its_deadlines_are_no_longer_estimates():
    CalendarOverride.objects.create(date=date(2027, 1, 1), kind="holiday", name="元旦")
    assert working_deadline(at(2026, 12, 28, 9, 0), timedelta(hours=5 * 7)) == (at(2027, 1, 4, 17, 30), False)


def test_an_override_beats_the_package():
    CalendarOverride.objects.create(date=date(2026, 10, 8), kind="holiday", name="local closure")
    CalendarOverride.objects.create(date=date(2026, 10, 3), kind="workday", name="emergency opening")
    assert Calendar().day(date(2026, 10, 8)) == (False, False)
    assert working_deadline(at(2026, 9, 30, 16, 30), timedelta(hours=2)).at == at(2026, 10, 3, 10, 0)
    CalendarOverride.objects.filter(date=date(2026, 10, 3)).delete()
    assert working_deadline(at(2026, 9, 30, 16, 30), timedelta(hours=2)).at == at(2026, 10, 9, 10, 0)


def test_a_promise_of_one_working_day_ends_with_the_next_working_days_office_hours():
    # The day a period begins is not counted, whatever the hour.
    assert working_days_deadline(at(2026, 11, 26, 8, 0), 1).at == at(2026, 11, 27, 17, 30)
    assert working_days_deadline(at(2026, 11, 26, 17, 29), 1).at == at(2026, 11, 27, 17, 30)
    assert working_days_deadline(at(2026, 9, 30, 10, 0), 1).at == at(2026, 10, 8, 17, 30)
    assert working_days_deadline(at(2026, 10, 9, 10, 0), 1).at == at(2026, 10, 10, 17, 30)


def test_a_negative_duration_counts_back_in_office_time():
    assert working_deadline(at(2026, 10, 8, 10, 0), -timedelta(hours=2)) == (at(2026, 9, 30, 16, 30), False)
    assert working_span(at(2026, 10, 8, 10, 0), at(2026, 9, 30, 16, 30)).duration == -timedelta(hours=2)


def test_the_overrides_are_read_once_and_not_once_per_day(django_assert_num_queries):
    CalendarOverride.objects.create(date=date(2026, 10, 8), kind="holiday")
    with django_assert_num_queries(1):
        working_days_deadline(at(2026, 1, 5, 9, 0), 200)
        working_span(at(2026, 1, 5, 9, 0), at(2026, 12, 31, 9, 0))
    with django_assert_num_queries(0):
        working_deadline(at(2026, 1, 5, 9, 0), timedelta(hours=1000))


def test_saving_an_override_takes_effect_at_once_in_this_process():
    assert Calendar().day(date(2026, 11, 30)) == (True, False)
    override = CalendarOverride.objects.create(date=date(2026, 11, 30), kind="holiday")
    assert Calendar().day(date(2026, 11, 30)) == (False, False)
    override.delete()
    assert Calendar().day(date(2026, 11, 30)) == (True, False)


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    # Hypothesis takes naive bounds; the test puts each example in Shanghai's zone.
    start=st.datetimes(min_value=datetime(2025, 12, 1), max_value=datetime(2026, 12, 31)),  # noqa: DTZ001
    minutes=st.integers(min_value=0, max_value=60 * 7 * 30),
)
def test_the_office_time_up_to_a_deadline_is_the_time_allowed(start, minutes):
    start = start.replace(tzinfo=SHANGHAI)
    duration = timedelta(minutes=minutes)
    deadline = working_deadline(start, duration, NO_OVERRIDES)
    assert deadline.at >= start
    assert working_span(start, deadline.at, NO_OVERRIDES).duration == duration
    back = working_deadline(deadline.at, -duration, NO_OVERRIDES).at
    assert working_span(back, deadline.at, NO_OVERRIDES).duration == duration
    assert working_span(start, back, NO_OVERRIDES).duration == timedelta(0)


@pytest.mark.parametrize(
    "raw", ["9-12", "09:00-12:00;13:30-17:30", "12:00-09:00", "09:00-12:00,11:00-17:00", "", "09:00"]
)
def test_malformed_office_hours_fail_loudly_at_start_up(monkeypatch, raw):
    monkeypatch.setenv("OFFICE_HOURS", raw)
    with pytest.raises(ImproperlyConfigured, match="OFFICE_HOURS"):
        env_office_hours("OFFICE_HOURS", "09:00-12:00")


def test_office_hours_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("OFFICE_HOURS", "08:30-12:00, 14:00-18:00")
    assert env_office_hours("OFFICE_HOURS", "09:00-12:00") == (
        (time(8, 30), time(12)),
        (time(14), time(18)),
    )
