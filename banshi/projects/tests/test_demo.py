from decimal import Decimal

import pytest

from banshi.accounts import demo as accounts_demo
from banshi.audit.models import Event
from banshi.projects import demo
from banshi.projects.models import Indicator, Milestone, Project, Update


@pytest.fixture
def users(db):
    return accounts_demo.seed()


def _counts():
    return tuple(model.objects.count() for model in (Project, Indicator, Milestone, Update, Event))


def test_the_demo_holds_the_city_projects_and_banans_126_communities_and_a_second_seed_changes_nothing(
    users,
):
    demo.seed(users=users)
    assert Project.objects.filter(level="city", year=2026).count() == 15
    parent = Project.objects.get(code=demo.BANAN_CODE)
    children = list(parent.children.select_related("area"))
    assert len(children) == 126
    assert all(child.area.code.startswith("500113") and child.area.kind == "community" for child in children)
    assert len({child.area_id for child in children}) == 126
    totals = {i.code: i.target for i in parent.indicators.all()}
    assert totals == {"communities": 126, "households": 41_000, "floor_area": 3_460_000}
    assert (
        sum(
            Indicator.objects.filter(project__parent=parent, code="households").values_list(
                "target", flat=True
            )
        )
        == 41_000
    )
    assert list(parent.owners.values_list("username", flat=True)) == ["project_owner"]
    assert Decimal(0) < parent.progress < Decimal(100)
    assert Update.objects.count() == 2
    before = _counts()
    demo.seed(users=users)
    assert _counts() == before
