"""Each figure on the hand-computed fixture of conftest.py (October and November 2026, Yuzhong and
Jiangbei), the small-cell rule, and the roll-up equal to the live count."""

import io
from datetime import date

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from banshi.stats import registry
from banshi.stats.models import DailyCount, RolledUpDay
from banshi.stats.registry import MASK, Query, quantile, query_from_params
from banshi.stats.rollup import rollup_check, rollup_refresh, rollup_sweep
from banshi.stats.tests.conftest import JIANGBEI, YUZHONG, at

pytestmark = pytest.mark.django_db


def _rows(code: str, masked: bool = False, **params: str) -> dict[str, dict]:
    query = query_from_params(params, masked=masked)
    found = registry.figure(code)
    assert found is not None
    table = registry.table(found, query)
    return {raw.get("_key", ""): row for raw, row in zip(table.rows, table.values(), strict=True)}


def test_applications_per_bundle_in_october(numbers):
    total = _rows("applications", month="2026-10")[""]
    assert total["submitted"] == 7
    assert total["completed"] == 7
    assert total["on_time"] == pytest.approx(6 / 7, abs=1e-4)
    assert total["median_hours"] == 1.0
    assert total["p90_hours"] == 15.0
    assert total["returned"] == 1
    assert _rows("applications", month="2026-10")["newborn"]["submitted"] == 7


def test_applications_per_bundle_in_november_and_by_district(numbers):
    november = _rows("applications", month="2026-11")[""]
    assert (november["submitted"], november["completed"], november["median_hours"]) == (3, 1, 0.5)
    both = _rows("applications", **{"from": "2026-10-01", "to": "2026-11-30"})[""]
    assert (both["submitted"], both["completed"]) == (10, 8)
    jiangbei = _rows("applications", **{"from": "2026-10-01", "to": "2026-11-30", "area": JIANGBEI})[""]
    assert (jiangbei["submitted"], jiangbei["completed"], jiangbei["returned"]) == (3, 1, 0)
    yuzhong = _rows("applications", **{"from": "2026-10-01", "to": "2026-11-30", "area": YUZHONG})[""]
    assert (yuzhong["submitted"], yuzhong["completed"], yuzhong["returned"]) == (7, 7, 1)


def test_a_bundle_narrows_the_applications(numbers):
    assert _rows("applications", month="2026-10", bundle="newborn")[""]["submitted"] == 7
    assert _rows("applications", month="2026-10", bundle="after_death")[""]["submitted"] == 0
    assert _rows("late-tasks", month="2026-10", bundle="after_death")[""]["due"] == 2  # by agency


def test_channels_and_from_home(numbers):
    october = _rows("channels", month="2026-10")
    assert (
        october["online"]["submitted"],
        october["window"]["submitted"],
        october["video"]["submitted"],
    ) == (
        6,
        1,
        0,
    )
    november = _rows("from-home", month="2026-11")
    assert (november["home"]["submitted"], november["window"]["submitted"]) == (3, 0)
    assert november["home"]["share"] == 1.0


def test_ratings_and_late_tasks(numbers):
    ratings = _rows("ratings", month="2026-10")
    assert (ratings["5"]["ratings"], ratings["2"]["ratings"], ratings[""]["ratings"]) == (1, 1, 2)
    assert ratings[""]["share"] == 0.5
    october = _rows("late-tasks", month="2026-10")
    assert (october["health_commission"]["due"], october["health_commission"]["late"]) == (2, 1)
    november = _rows("late-tasks", month="2026-11")
    assert (november[""]["due"], november[""]["late"]) == (1, 1)


def test_video_calls_waits_and_lengths(numbers):
    calls = _rows("video-calls", month="2026-11")
    total = calls[""]
    assert (total["calls"], total["waits"], total["median_wait"], total["p90_wait"]) == (6, 6, 6, 9)
    assert (total["ended"], total["median_length"], total["p90_length"]) == (6, 15, 30)
    assert calls[JIANGBEI]["calls"] == 6
    assert _rows("video-calls", month="2026-10")[""]["calls"] == 0
    assert _rows("call-ratings", month="2026-11")["4"]["ratings"] == 1


def test_problems_by_district_and_category(numbers):
    october = _rows("problems-districts", month="2026-10")
    assert (october[YUZHONG]["filed"], october[JIANGBEI]["filed"]) == (7, 0)
    november = _rows("problems-categories", month="2026-11")
    assert november["water"]["filed"] == 2


def test_small_cells_are_masked_in_public_and_real_for_supervisors(numbers):
    public = _rows("applications", masked=True, month="2026-10")[""]
    assert public["submitted"] == 7  # 5 and more shown
    assert public["returned"] == MASK
    november = _rows("applications", masked=True, month="2026-11")[""]
    assert november["submitted"] == MASK
    assert november["median_hours"] == MASK  # from one completed application
    assert _rows("channels", masked=True, month="2026-10")["video"]["submitted"] == 0  # a zero stays
    assert _rows("applications", masked=False, month="2026-11")[""]["submitted"] == 3


def test_an_empty_period_is_all_zeros(numbers):
    query = query_from_params({"month": "2026-06"})
    for figure in registry.figures():
        table = registry.table(figure, query)
        assert table.empty, figure.code
        chart = table.chart()
        if chart is not None:
            assert chart["empty"] is True
            assert all(value in (0, None) for series in chart["series"] for value in series["data"])


def test_the_rollup_equals_the_live_count_and_the_check_says_so(numbers):
    rollup_sweep()
    assert rollup_check(first=date(2026, 10, 12), last=date(2026, 12, 1)) == []
    out = io.StringIO()
    call_command("check_numbers", "--from", "2026-10-12", stdout=out)
    assert "equals the live count" in out.getvalue()
    assert DailyCount.objects.filter(day=date(2026, 10, 12), measure="applications.submitted").exists()


def test_the_check_finds_a_fact_recorded_after_the_rollup(numbers):
    rollup_refresh(source="cases", first=date(2026, 10, 1), last=date(2026, 10, 31))
    rollup_refresh(source="remote", first=date(2026, 10, 1), last=date(2026, 10, 31))
    rollup_refresh(source="problems", first=date(2026, 10, 1), last=date(2026, 10, 31))
    numbers["A4"].__class__.objects.filter(pk=numbers["A4"].pk).update(submitted_at=at(10, 13))
    differences = rollup_check(first=date(2026, 10, 1), last=date(2026, 10, 31))
    assert {(d.day, d.cell.measure) for d in differences} >= {(date(2026, 10, 12), "applications.submitted")}
    with pytest.raises(CommandError):
        call_command("check_numbers", "--from", "2026-10-01", "--to", "2026-10-31", stdout=io.StringIO())


def test_a_page_rolls_up_the_past_days_it_needs_and_counts_today_live(numbers):
    query = query_from_params({"month": "2026-12"})
    assert query.total("applications.submitted") == 0
    assert RolledUpDay.objects.filter(day=date(2026, 12, 1)).count() == 3
    assert not RolledUpDay.objects.filter(day=date(2026, 12, 2)).exists()


def test_the_rollup_gives_the_same_figures_as_the_live_count(numbers):
    live = _rows("applications", month="2026-10")
    rollup_sweep()
    cache.clear()
    assert _rows("applications", month="2026-10") == live


def test_bad_periods_and_areas_are_refused_naming_the_parameter(numbers):
    for params, name in (
        ({"month": "2026-13"}, "month"),
        ({"from": "2026-11-30", "to": "2026-11-01"}, "to"),
        ({"from": "2020-01-01", "to": "2026-11-01"}, "to"),
        ({"from": "2026-11-xx", "to": "2026-11-30"}, "from"),
        ({"area": "999999"}, "area"),
        ({"area": "500103001"}, "area"),
        ({"bundle": "no-such-bundle"}, "bundle"),
    ):
        with pytest.raises(Exception) as caught:
            query_from_params(params)
        assert name in caught.value.errors, params


def test_quantiles_are_nearest_rank():
    assert quantile({}, 0.5) is None
    assert quantile({1: 1, 2: 1, 3: 1, 4: 1}, 0.5) == 2
    assert quantile({1: 9, 100: 1}, 0.9) == 1
    assert quantile({1: 9, 100: 1}, 0.91) == 100


def test_every_figure_has_a_code_a_definition_and_columns():
    codes = [figure.code for figure in registry.figures()]
    assert len(codes) == len(set(codes))
    for figure in registry.figures():
        assert str(figure.definition) and figure.columns
        if figure.chart:
            assert figure.column(figure.chart.category)
            for key in figure.chart.series:
                assert figure.column(key)
    assert isinstance(Query, type)
