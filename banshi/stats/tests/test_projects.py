"""The livelihood projects' section on a hand-computed register: in Yuzhong a district project in
progress (2026) with milestones due 10 October (done on the 10th, on time) and 20 November (done on the
21st, late) and a community project completed in 2025; in Jiangbei a street project planned for 2026 with a
milestone due 5 November, not done; a proposal (left out)."""

from datetime import date

import pytest

from banshi.directory.models import Area
from banshi.projects.models import Milestone, Project
from banshi.stats import registry
from banshi.stats.registry import MASK, query_from_params
from banshi.stats.tests.conftest import JIANGBEI, YUZHONG, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(catalog):
    def project(name, level, status, area, start, end):
        return Project.objects.create(
            name=name,
            level=level,
            status=status,
            area=Area.objects.get(code=area),
            year=start.year,
            start_date=start,
            end_date=end,
        )

    road = project("道路改造", "district", "in_progress", YUZHONG, date(2026, 1, 1), date(2026, 12, 31))
    project("加装电梯", "community", "completed", YUZHONG, date(2025, 3, 1), date(2025, 12, 31))
    lamps = project("路灯", "street", "planned", JIANGBEI, date(2026, 6, 1), date(2026, 12, 31))
    project("新提议", "city", "proposed", JIANGBEI, date(2026, 1, 1), date(2026, 12, 31))
    Milestone.objects.create(project=road, title="一期", due=date(2026, 10, 10), done_at=at(10, 10, 16))
    Milestone.objects.create(project=road, title="二期", due=date(2026, 11, 20), done_at=at(11, 21, 9))
    Milestone.objects.create(project=lamps, title="招标", due=date(2026, 11, 5))


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
