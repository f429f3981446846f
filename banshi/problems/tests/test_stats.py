"""The three rates on a hand-computed fixture: 30 reports over October and November 2026, each moved by
the real services at chosen moments. Every tier is set to calendar hours (first contact within 4 h,
closing within 48 h) so the deadlines are plain to compute by hand.

October, the street office (roads in Yuzhong), filed at 10:00 on the day of their number:
  R1–R10   contact +2 h, close +24 h, callback +30 h: solved, satisfied
  R11–R14  contact +6 h (late), close +60 h (late), callback +70 h: not solved; R11, R12 fairly
           satisfied, R13, R14 dissatisfied
  R15, R16 as R1
  R17      as R1, reopened at +48 h, contacted again +51 h (3 h into the new round), closed +60 h (12 h),
           called back +70 h: solved, satisfied — its first answer does not count as solved
  R18      contact +2 h, close +24 h, never answered: not reached
  R19      a duplicate of R1 an hour after filing: counted nowhere
  R20      as R18, answered by phone on 2 November: not reached in October, solved in November
  R21      contact +2 h only
October, the water company, filed on the 5th to the 8th:
  W1 contact +1 h, close +5 h, callback +6 h: solved, satisfied
  W2 contact +5 h (late), close +50 h (late), callback +52 h: solved, fairly satisfied
  W3 contact +3 h, close +20 h, callback +21 h: not solved, dissatisfied
  W4 dispatched only
November, Jiangbei's fallback unit, filed on the 3rd to the 5th:
  J1, J2 contact +1 h, close +10 h, callback +11 h: solved, satisfied
  J3     contact +8 h (late), close +10 h, never answered: not reached
  S1     Shapingba (no rule) on the 10th: waits for the dispatcher
  S2     Shapingba on the 11th, routed to Jiangbei's fallback at +1 h, contacted at +3 h
"""

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from banshi.lib.errors import FieldErrors
from banshi.problems.models import Report, Tier
from banshi.problems.services import (
    report_callback,
    report_close,
    report_contact,
    report_file,
    report_mark_duplicate,
    report_reopen,
    report_route,
    report_sign,
)
from banshi.problems.stats import (
    Figures,
    period_from_query,
    period_month,
    period_quarter,
    period_range,
    period_year,
    problems_solved,
    problems_stats,
)
from banshi.problems.tests.conftest import JIANGBEI, SHAPINGBA, YUZHONG

CHINA = ZoneInfo("Asia/Shanghai")
AFTER_BOTH_MONTHS = datetime(2026, 12, 2, 10, 0, tzinfo=CHINA)


def _on(month: int, day: int, hours: float = 0) -> datetime:
    return datetime(2026, month, day, 10, 0, tzinfo=CHINA) + timedelta(hours=hours)


def _at(moment: datetime, call, **kwargs):
    with time_machine.travel(moment, tick=False):
        return call(**kwargs)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@dataclass
class Fixture:
    reports: dict[str, Report]


def _file(world, moment: datetime, *, category: str, district: str) -> Report:
    return _at(
        moment,
        report_file,
        actor=world.resident,
        channel=Report.Channel.WEB,
        category=category,
        description="路灯坏了",
        district=district,
        address="某路 1 号",
    )


def _handle(world, officer, report: Report, start: datetime, *, contact=None, close=None, answer=None):
    """Sign and contact at start + `contact` hours, close at + `close`, and answer the callback at
    `answer` = (hours, solved, satisfaction) as the resident."""
    if contact is not None:
        _at(start + timedelta(hours=contact), report_sign, actor=officer, report_id=report.pk)
        _at(
            start + timedelta(hours=contact), report_contact, actor=officer, report_id=report.pk, kind="phone"
        )
    if close is not None:
        _at(start + timedelta(hours=close), report_close, actor=officer, report_id=report.pk, text="修好了")
    if answer is not None:
        hours, solved, satisfaction = answer
        _at(
            start + timedelta(hours=hours),
            report_callback,
            actor=world.resident,
            report_id=report.pk,
            solved=solved,
            satisfaction=satisfaction,
        )


@pytest.fixture
def two_months(world) -> Fixture:
    Tier.objects.update(clock=Tier.Clock.CALENDAR, first_contact_hours=4, closing_hours=48)
    reports: dict[str, Report] = {}
    street = world.street_officer
    for number in range(1, 22):
        start = _on(10, number)
        report = reports[f"R{number}"] = _file(world, start, category="roads", district=YUZHONG)
        if number <= 10 or number in (15, 16, 17):
            _handle(world, street, report, start, contact=2, close=24, answer=(30, True, "satisfied"))
        elif number <= 14:
            satisfaction = "fairly_satisfied" if number <= 12 else "dissatisfied"
            _handle(world, street, report, start, contact=6, close=60, answer=(70, False, satisfaction))
        elif number in (18, 20):
            _handle(world, street, report, start, contact=2, close=24)
        elif number == 19:
            _at(
                start + timedelta(hours=1),
                report_mark_duplicate,
                actor=street,
                report_id=report.pk,
                original_id=reports["R1"].pk,
            )
        elif number == 21:
            _handle(world, street, report, start, contact=2)
        if number == 17:
            _at(
                start + timedelta(hours=48),
                report_reopen,
                actor=world.resident,
                report_id=report.pk,
                reason="又坏了",
            )
            _handle(world, street, report, start, contact=51, close=60, answer=(70, True, "satisfied"))
    _at(
        _on(11, 2),
        report_callback,
        actor=world.dispatcher,
        report_id=reports["R20"].pk,
        solved=True,
        satisfaction="satisfied",
    )
    water = world.water_officer
    plans = {
        "W1": dict(contact=1, close=5, answer=(6, True, "satisfied")),
        "W2": dict(contact=5, close=50, answer=(52, True, "fairly_satisfied")),
        "W3": dict(contact=3, close=20, answer=(21, False, "dissatisfied")),
        "W4": {},
    }
    for day, (name, plan) in enumerate(plans.items(), start=5):
        start = _on(10, day)
        reports[name] = _file(world, start, category="water", district=YUZHONG)
        _handle(world, water, reports[name], start, **plan)
    jiangbei = world.jiangbei_officer
    plans = {
        "J1": dict(contact=1, close=10, answer=(11, True, "satisfied")),
        "J2": dict(contact=1, close=10, answer=(11, True, "satisfied")),
        "J3": dict(contact=8, close=10),
    }
    for day, (name, plan) in enumerate(plans.items(), start=3):
        start = _on(11, day)
        reports[name] = _file(world, start, category="roads", district=JIANGBEI)
        _handle(world, jiangbei, reports[name], start, **plan)
    reports["S1"] = _file(world, _on(11, 10), category="roads", district=SHAPINGBA)
    start = _on(11, 11)
    reports["S2"] = _file(world, start, category="roads", district=SHAPINGBA)
    _at(
        start + timedelta(hours=1),
        report_route,
        actor=world.dispatcher,
        report_id=reports["S2"].pk,
        unit="jiangbei_gov",
    )
    _handle(world, jiangbei, reports["S2"], start, contact=3)
    assert len(reports) == 30
    return Fixture(reports=reports)


def _row(stats, code: str) -> Figures:
    return next(row for row in stats.units if row.code == code)


def _counts(figures: Figures) -> dict:
    found = asdict(figures)
    for key in ("code", "name", "rank"):
        found.pop(key)
    return found


def test_october_figures_of_each_unit_and_of_the_city_are_those_computed_by_hand(two_months):
    with time_machine.travel(AFTER_BOTH_MONTHS, tick=False):
        stats = problems_stats(period_month(2026, 10))
    street = _row(stats, "jiefangbei")
    assert _counts(street) == {
        "received": 20,
        "dispatched": 20,
        "contacted": 21,
        "contacted_on_time": 17,
        "closed": 20,
        "closed_on_time": 16,
        "called_back": 18,
        "solved": 13,
        "satisfied": 14,
        "fairly_satisfied": 2,
        "dissatisfied": 2,
        "not_reached": 2,
        "median_contact_minutes": 120.0,
        "median_close_minutes": 1440.0,
    }
    assert street.response_rate == pytest.approx(17 / 21)
    assert street.on_time_closure_rate == pytest.approx(16 / 20)
    assert street.solved_rate == pytest.approx(13 / 18)
    assert street.satisfied_rate == pytest.approx(16 / 18)
    water = _row(stats, "cq_water")
    assert _counts(water) == {
        "received": 4,
        "dispatched": 4,
        "contacted": 3,
        "contacted_on_time": 2,
        "closed": 3,
        "closed_on_time": 2,
        "called_back": 3,
        "solved": 2,
        "satisfied": 1,
        "fairly_satisfied": 1,
        "dissatisfied": 1,
        "not_reached": 0,
        "median_contact_minutes": 180.0,
        "median_close_minutes": 1200.0,
    }
    assert _counts(stats.total) == {
        "received": 24,
        "dispatched": 24,
        "contacted": 24,
        "contacted_on_time": 19,
        "closed": 23,
        "closed_on_time": 18,
        "called_back": 21,
        "solved": 15,
        "satisfied": 15,
        "fairly_satisfied": 3,
        "dissatisfied": 3,
        "not_reached": 2,
        "median_contact_minutes": 120.0,
        "median_close_minutes": 1440.0,
    }
    assert {row.code for row in stats.units} == {"jiefangbei", "cq_water"}


def test_november_figures_count_the_late_callback_and_the_report_the_dispatcher_routed(two_months):
    with time_machine.travel(AFTER_BOTH_MONTHS, tick=False):
        stats = problems_stats(period_month(2026, 11))
    assert _counts(_row(stats, "jiangbei_gov")) == {
        "received": 4,
        "dispatched": 4,
        "contacted": 4,
        "contacted_on_time": 3,
        "closed": 3,
        "closed_on_time": 3,
        "called_back": 2,
        "solved": 2,
        "satisfied": 2,
        "fairly_satisfied": 0,
        "dissatisfied": 0,
        "not_reached": 1,
        "median_contact_minutes": 120.0,
        "median_close_minutes": 600.0,
    }
    street = _row(stats, "jiefangbei")
    assert (street.received, street.contacted, street.closed) == (0, 0, 0)
    assert (street.called_back, street.solved, street.satisfied) == (1, 1, 1)
    total = stats.total
    # S1 was filed and waits for the dispatcher: received, not dispatched.
    assert (total.received, total.dispatched) == (5, 4)
    assert (total.called_back, total.solved, total.not_reached) == (3, 3, 1)


def test_only_a_unit_with_twenty_reports_in_the_period_is_ranked(two_months):
    with time_machine.travel(AFTER_BOTH_MONTHS, tick=False):
        october = problems_stats(period_month(2026, 10))
        november = problems_stats(period_month(2026, 11))
    assert _row(october, "jiefangbei").rank == 1
    assert _row(october, "cq_water").rank is None
    assert [row.code for row in october.units] == ["jiefangbei", "cq_water"]
    assert all(row.rank is None for row in november.units)
    assert Figures(code="x", name="x", received=19).ranked is False
    assert Figures(code="x", name="x", received=20).ranked is True


def test_a_duplicate_counts_once_as_its_original(two_months):
    with time_machine.travel(AFTER_BOTH_MONTHS, tick=False):
        stats = problems_stats(period_month(2026, 10))
    # 21 filed by the street office's residents, one of them R1 again.
    assert Report.objects.filter(filed_at__month=10, unit__code="jiefangbei").count() == 21
    assert _row(stats, "jiefangbei").received == 20


def test_a_reopened_report_does_not_count_as_solved(two_months, world):
    with time_machine.travel(AFTER_BOTH_MONTHS, tick=False):
        # R1–R10, R15, R16, R17 (its second answer), W1, W2, J1, J2, R20: R17's reopened answer never.
        assert problems_solved() == 18
    _at(
        _on(11, 14),
        report_reopen,
        actor=world.resident,
        report_id=two_months.reports["R15"].pk,
        reason="没修好",
    )
    with time_machine.travel(AFTER_BOTH_MONTHS, tick=False):
        assert problems_solved() == 17
        november = problems_stats(period_month(2026, 11))
    # The reopening is November's: the answers recorded in November are R20's only, solved.
    assert (_row(november, "jiefangbei").called_back, _row(november, "jiefangbei").solved) == (1, 1)


def test_a_past_period_gives_the_same_figures_after_later_events(two_months, world):
    with time_machine.travel(_on(11, 12), tick=False):
        before = problems_stats(period_month(2026, 10))
    _at(
        _on(11, 13),
        report_reopen,
        actor=world.resident,
        report_id=two_months.reports["R15"].pk,
        reason="没修好",
    )
    _at(
        _on(11, 13),
        report_callback,
        actor=world.dispatcher,
        report_id=two_months.reports["R18"].pk,
        solved=True,
        satisfaction="satisfied",
    )
    _at(
        _on(11, 13, 1),
        report_mark_duplicate,
        actor=world.street_officer,
        report_id=two_months.reports["R21"].pk,
        original_id=two_months.reports["R2"].pk,
    )
    with time_machine.travel(AFTER_BOTH_MONTHS, tick=False):
        after = problems_stats(period_month(2026, 10))
    assert [asdict(row) for row in after.units] == [asdict(row) for row in before.units]
    assert asdict(after.total) == asdict(before.total)
    # The report rows did change: R15 is open again and R21 a duplicate.
    assert Report.objects.get(pk=two_months.reports["R15"].pk).status == Report.Status.REOPENED
    assert Report.objects.get(pk=two_months.reports["R21"].pk).status == Report.Status.DUPLICATE


def test_the_quarter_the_year_and_a_range_add_up_the_months(two_months):
    with time_machine.travel(AFTER_BOTH_MONTHS, tick=False):
        quarter = problems_stats(period_quarter(2026, 4))
        year = problems_stats(period_year(2026))
        both = problems_stats(period_range(date(2026, 10, 1), date(2026, 11, 30)))
        first_week = problems_stats(period_range(date(2026, 10, 1), date(2026, 10, 7)))
    assert quarter.total.received == year.total.received == both.total.received == 29
    assert quarter.total.called_back == 24
    # 1–7 October: R1–R7 and W1–W3 filed (W4 on the 8th).
    assert first_week.total.received == 10


def test_a_bad_period_is_named(db):
    with time_machine.travel(AFTER_BOTH_MONTHS, tick=False):
        cases = [
            ({"month": "2026-13"}, "month"),
            ({"quarter": "2026-Q5"}, "quarter"),
            ({"year": "twenty"}, "year"),
            ({"from": "2026-11-30", "to": "2026-11-01"}, "to"),
            ({"from": "2026-11-01"}, "to"),
            ({"from": "2026-02-30", "to": "2026-03-01"}, "from"),
            ({"month": "2026-11", "year": "2026"}, "period"),
            ({"year": "2027"}, "year"),
            ({"from": "1990-01-01", "to": "2026-01-01"}, "to"),
        ]
        for params, field in cases:
            with pytest.raises(FieldErrors) as problem:
                period_from_query(params)
            assert field in problem.value.errors, params
        assert period_from_query({}).label == "2026-12"
        assert period_from_query({"quarter": "2026-q3"}).label == "2026-Q3"


# --- the page ---------------------------------------------------------------------------------------------


def _page(client, **params):
    return client.get("/problems/stats/", params, HTTP_ACCEPT_LANGUAGE="en")


def test_the_page_shows_a_month_a_quarter_a_year_and_a_range_without_a_login(two_months, client):
    with time_machine.travel(AFTER_BOTH_MONTHS, tick=False):
        pages = {
            "2026-10": _page(client, month="2026-10"),
            "2026-Q4": _page(client, quarter="2026-Q4"),
            "2026": _page(client, year="2026"),
            "2026-10-01 – 2026-10-07": _page(client, **{"from": "2026-10-01", "to": "2026-10-07"}),
        }
    for label, response in pages.items():
        assert response.status_code == 200, label
        text = response.content.decode()
        assert f"Figures for {label}" in text
        assert 'id="stats-table"' in text
        assert "the resident's callback said it is solved" in text
        assert "Not reached: closings with no callback answer 7 days after closing" in text
    october = pages["2026-10"].content.decode()
    assert 'data-unit="jiefangbei"' in october and 'data-unit="cq_water"' in october
    assert "(17/21)" in october and "(13/18)" in october and "14 / 2 / 2" in october
    assert 'id="stats-counter"' in october and ">18<" in october
    # Nobody's name or phone on a public page.
    assert "13800000001" not in october and "张丽" not in october


def test_a_bad_period_on_the_page_is_named_and_answers_400(db, client):
    with time_machine.travel(AFTER_BOTH_MONTHS, tick=False):
        bad = _page(client, **{"from": "2026-11-30", "to": "2026-11-01"})
        malformed = _page(client, month="November")
    assert bad.status_code == 400 and malformed.status_code == 400
    assert "is before the first day of the range" in bad.content.decode()
    assert "<strong>month</strong>: must be a month like 2026-11" in malformed.content.decode()
    assert 'id="stats-table"' not in bad.content.decode()


def test_the_page_takes_the_same_queries_whatever_the_number_of_reports(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Tier.objects.update(clock=Tier.Clock.CALENDAR, first_contact_hours=4, closing_hours=48)
    counts = []
    for batch in (1, 6):
        for number in range(batch):
            start = _on(10, 1 + len(counts) * 10 + number)
            report = _file(world, start, category="roads" if number % 2 else "water", district=YUZHONG)
            officer = world.water_officer if report.unit.code == "cq_water" else world.street_officer
            _handle(world, officer, report, start, contact=2, close=24, answer=(30, True, "satisfied"))
        with time_machine.travel(AFTER_BOTH_MONTHS, tick=False), CaptureQueriesContext(connection) as queries:
            assert _page(client, quarter="2026-Q4").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 12


def test_the_counter_on_the_page_moves_with_a_callback_and_a_past_month_stays_as_it_was(
    two_months, world, client
):
    with time_machine.travel(AFTER_BOTH_MONTHS, tick=False):
        before = _page(client, month="2026-10").content.decode()
        report_callback(
            actor=world.dispatcher,
            report_id=two_months.reports["J3"].pk,
            solved=True,
            satisfaction="satisfied",
        )
        after = _page(client, month="2026-10").content.decode()
        november = _page(client, month="2026-11").content.decode()
    assert '<p class="stats-counter">18</p>' in before
    assert '<p class="stats-counter">19</p>' in after
    assert "(13/18)" in after and "(13/18)" in before
    # December's answer is no November figure: J3 stays not reached there.
    assert "(2/2)" in november
