from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from banshi.problems.models import Tier
from banshi.problems.tests.conftest import JIANGBEI, file_web
from banshi.worktime.models import CalendarOverride

pytestmark = pytest.mark.django_db
CHINA = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def filed(world, moment: str, category: str):
    with time_machine.travel(at(moment), tick=False):
        return file_web(world, category=category, district=JIANGBEI)


def test_the_default_tiers_carry_the_limits_of_the_12345_standard():
    limits = {
        tier.code: (tier.clock, tier.first_contact_hours, tier.closing_hours) for tier in Tier.objects.all()
    }
    assert limits == {
        "emergency": ("calendar", 2, 2),
        "utilities": ("working", 24, 24),
        "general": ("working", 168, 168),
        "complex": ("working", 360, 360),
    }


def test_an_emergency_filed_at_night_is_due_two_calendar_hours_later_on_a_saturday(world):
    report = filed(world, "2026-12-05 23:30", "gas_leak")
    assert report.first_contact_due == report.closing_due == at("2026-12-06 01:30")
    assert not report.deadline_estimated


def test_an_emergency_on_a_holiday_counts_the_holiday_hours(world):
    report = filed(world, "2026-10-01 09:00", "gas_leak")
    assert report.closing_due == at("2026-10-01 11:00")


def test_a_utilities_report_on_a_friday_afternoon_is_due_on_monday_at_the_same_office_hour(world):
    # 24 h on the working calendar is one working day of office hours: 1.5 h on Friday, 5.5 on Monday.
    report = filed(world, "2026-12-04 16:00", "water")
    assert report.first_contact_due == report.closing_due == at("2026-12-07 16:00")


def test_a_utilities_report_filed_at_night_gets_the_whole_next_working_day(world):
    report = filed(world, "2026-12-05 23:30", "water")
    assert report.closing_due == at("2026-12-07 17:30")


def test_a_utilities_report_before_national_day_is_due_after_the_holiday_week(world):
    report = filed(world, "2026-09-30 16:00", "water")
    assert report.closing_due == at("2026-10-08 16:00")


def test_a_general_report_is_due_seven_working_days_later(world):
    report = filed(world, "2026-12-07 10:00", "noise")
    assert report.closing_due == at("2026-12-16 10:00")


def test_a_general_report_skips_the_mid_autumn_holiday_and_counts_the_make_up_saturday(world):
    # 2026-09-25 (Friday) is the Mid-Autumn Festival, 1–7 October the National Day holiday, and
    # Saturday 10 October a working day: 28, 29, 30 September, 8, 9, 10 and 12 October.
    report = filed(world, "2026-09-24 10:00", "noise")
    assert report.closing_due == at("2026-10-12 10:00")


def test_an_administrators_closure_day_moves_a_working_calendar_deadline(world):
    CalendarOverride.objects.create(date=at("2026-12-07 00:00").date(), kind=CalendarOverride.Kind.HOLIDAY)
    report = filed(world, "2026-12-04 16:00", "water")
    assert report.closing_due == at("2026-12-08 16:00")


def test_a_tier_changed_in_the_admin_applies_to_reports_filed_after(world):
    Tier.objects.filter(code="general").update(first_contact_hours=24)
    report = filed(world, "2026-12-07 10:00", "noise")
    assert report.first_contact_due == at("2026-12-08 10:00")
    assert report.closing_due == at("2026-12-16 10:00")
