"""The livelihood projects' section on a hand-computed register: in Yuzhong a district project in
progress (2026) with milestones due 10 October (done on the 10th, on time) and 20 November (done on the
21st, late) and a community project completed in 2025; in Jiangbei a street project planned for 2026 with a
milestone due 5 November, not done; a proposal (left out).

Indicators: the road (2026, Yuzhong) serves households 300 of 400 and paves 1.5 of 2 km; the lamps
(2026, Jiangbei) serve households 100 of 600; the 2025 lifts serve 50 of 50 households. A city parent
project of 2026 totals the households of its children (1,000): counted through the children only.

Rounds: a Yuzhong district round whose vote closed on 10 November (survey: 6 responses; roll of 7
deputies, 6 voted); a Jiangbei round whose vote closed on 3 October (closed_at; survey: 2 responses; roll
of 3, 2 voted); a round whose vote closes on 10 December (after today: left out).

Verdicts in November: on the lifts (Yuzhong) 3 residents satisfied, 2 residents fairly satisfied, 1 deputy
dissatisfied; on the lamps (Jiangbei) 1 deputy abstaining; one in October (a resident satisfied)."""

import pytest

from banshi.stats import registry
from banshi.stats.registry import MASK, query_from_params
from banshi.stats.tests.conftest import JIANGBEI, YUZHONG

pytestmark = pytest.mark.django_db


def _rows(code: str, masked: bool = False, **params):
    found = registry.figure(code)
    assert found is not None
    table = registry.table(found, query_from_params(params, masked=masked))
    return {raw["_key"]: row for raw, row in zip(table.rows, table.values(), strict=True)}


def test_projects_by_level_and_status(register):
    rows = _rows("projects-status", year="2026")
    assert rows["district"]["in_progress"] == 1 and rows["street"]["planned"] == 1
    assert rows["community"]["projects"] == 0  # ended in 2025
    assert rows[""]["projects"] == 2  # the proposal left out
    assert _rows("projects-status", year="2025")[""]["projects"] == 1
    assert _rows("projects-status", year="2026", area=JIANGBEI)[""]["projects"] == 1
    assert _rows("projects-status", masked=True, year="2026")[""]["projects"] == MASK


def test_milestones_on_time(register):
    rows = _rows("projects-milestones", **{"from": "2026-10-01", "to": "2026-11-30"})
    assert (rows[""]["due"], rows[""]["on_time"]) == (3, 1)
    assert (rows["district"]["due"], rows["district"]["on_time"]) == (2, 1)
    assert _rows("projects-milestones", month="2026-10")[""]["share"] == 1.0


def test_indicator_completion_sums_the_period_years_projects(indicators):
    rows = _rows("projects-indicators", year="2026")
    households = rows["households:户"]
    # The road and the lamps; the parent's total and the 2025 lifts left out.
    assert (households["projects"], households["target"], households["actual"]) == (2, 1000, 400)
    assert households["share"] == 0.4
    assert (rows["road:公里"]["target"], rows["road:公里"]["actual"], rows["road:公里"]["share"]) == (
        2,
        1.5,
        0.75,
    )
    assert _rows("projects-indicators", year="2025")["households:户"]["actual"] == 50
    jiangbei = _rows("projects-indicators", year="2026", area=JIANGBEI)
    assert set(jiangbei) == {"households:户"} and jiangbei["households:户"]["actual"] == 100
    public = _rows("projects-indicators", masked=True, year="2026")["households:户"]
    assert public["projects"] == MASK and public["actual"] == 400  # the sums are not counts of people


def test_selection_rounds_and_their_turnout(rounds):
    rows = _rows("projects-rounds", **{"from": "2026-10-01", "to": "2026-12-31"})
    assert len(rows) == 3  # two rounds and the total: the December vote is not over
    assert (rows[""]["responses"], rows[""]["voted"], rows[""]["roll"]) == (8, 8, 10)
    assert rows[""]["turnout"] == 0.8
    november = _rows("projects-rounds", month="2026-11")
    (yuzhong,) = [row for key, row in november.items() if key]
    assert (yuzhong["responses"], yuzhong["voted"], yuzhong["roll"]) == (6, 6, 7)
    october = _rows("projects-rounds", masked=True, month="2026-10")[""]
    assert (october["responses"], october["voted"], october["turnout"]) == (MASK, MASK, MASK)
    assert _rows("projects-rounds", month="2026-10", area=YUZHONG)[""]["voted"] == 0


def test_the_rounds_give_counts_only(rounds):
    found = registry.figure("projects-rounds")
    assert found is not None
    keys = {column.key for column in found.columns}
    assert keys == {"round", "level", "responses", "voted", "roll", "turnout"}
    for row in _rows("projects-rounds", year="2026").values():
        assert not any(str(value).startswith("deputy") for value in row.values())


def test_year_end_verdicts_by_residents_and_deputies(verdicts):
    rows = _rows("projects-verdicts", month="2026-11")
    assert (rows["satisfied"]["residents"], rows["satisfied"]["deputies"]) == (3, 0)
    assert rows["fairly_satisfied"]["residents"] == 2
    assert rows["dissatisfied"]["deputies"] == 1 and rows["abstain"]["deputies"] == 1
    assert (rows[""]["residents"], rows[""]["deputies"], rows[""]["all"]) == (5, 2, 7)
    assert _rows("projects-verdicts", month="2026-10")[""]["all"] == 1
    assert _rows("projects-verdicts", month="2026-11", area=JIANGBEI)[""]["all"] == 1
    public = _rows("projects-verdicts", masked=True, month="2026-11")
    assert public[""]["residents"] == 5 and public["satisfied"]["residents"] == MASK


def test_the_new_figures_are_zeros_in_an_empty_period(indicators, rounds, verdicts):
    for code in ("projects-rounds", "projects-verdicts"):
        found = registry.figure(code)
        assert found is not None
        table = registry.table(found, query_from_params({"month": "2026-06"}))
        assert table.empty and all(row.get("voted", 0) == 0 for row in table.rows)
        assert all(value in (0, None) for series in table.chart()["series"] for value in series["data"])
    assert _rows("projects-indicators", year="2024") == {}
