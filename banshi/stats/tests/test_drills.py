"""Each list behind a number holds exactly the cases the number counts: for every figure with lists, every
row's count equals the length of its list, in each month, over the range and in each district; and the
lists show no personal data."""

import pytest

from banshi.stats import registry
from banshi.stats.drill import DRILLS
from banshi.stats.registry import query_from_params
from banshi.stats.tests.conftest import JIANGBEI, YUZHONG

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ASKED = [
    {"month": "2026-10"},
    {"month": "2026-11"},
    {"from": "2026-10-01", "to": "2026-11-30"},
    {"month": "2026-10", "area": YUZHONG},
    {"month": "2026-10", "area": JIANGBEI},
    {"month": "2026-11", "area": JIANGBEI},
    {"month": "2026-10", "bundle": "newborn"},
]


@pytest.mark.parametrize("params", ASKED)
def test_every_count_of_one_thing_one_go_equals_its_list(numbers, params):
    checked = 0
    for code in ("applications", "ratings", "late-tasks"):
        figure = registry.figure(code)
        assert figure is not None and figure.drills
        query = query_from_params(params, masked=False)
        table = registry.table(figure, query)
        for row in table.rows:
            for column, drill in figure.drills.items():
                listed = DRILLS[drill].rows(query_from_params(params, masked=False), row["_key"])
                assert len(listed) == row[column], (code, column, row["_key"], params)
                checked += row[column]
    assert checked > 0 or params.get("area") == JIANGBEI


def test_the_lists_name_the_cases_they_count(numbers):
    query = query_from_params({"month": "2026-10"}, masked=False)
    submitted = {row["number"] for row in DRILLS["applications-submitted"].rows(query, "newborn")}
    assert submitted == {numbers[f"A{i}"].number for i in range(1, 8)}
    completed = {row["number"]: row for row in DRILLS["applications-completed"].rows(query, "")}
    assert completed[numbers["A7"].number]["on_time"] == "no"
    assert completed[numbers["A1"].number]["on_time"] == "yes"
    returned = DRILLS["corrections"].rows(query, "")
    assert [row["number"] for row in returned] == [numbers["A1"].number]
    assert [row["number"] for row in DRILLS["ratings"].rows(query, "2")] == [numbers["A3"].number]
    assert DRILLS["ratings"].rows(query, "nonsense") == []
    assert DRILLS["applications-submitted"].rows(query, "no-such-bundle") == []
    november = query_from_params({"month": "2026-11"}, masked=False)
    assert {row["number"] for row in DRILLS["applications-submitted"].rows(november, "")} == {
        numbers[name].number for name in ("B1", "B2", "B3")
    }


def test_a_supervisor_goes_from_a_count_to_its_list_and_a_case(client, numbers, supervisor):
    client.force_login(supervisor)
    page = client.get("/numbers/supervise/", {"month": "2026-10"}, **EN).content.decode()
    for drill in ("applications-submitted", "applications-completed", "corrections", "ratings"):
        assert f"/numbers/supervise/lists/{drill}/" in page, drill
    response = client.get(
        "/numbers/supervise/lists/corrections/", {"month": "2026-10", "key": "newborn"}, **EN
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f"/supervise/applications/{numbers['A1'].number}/" in body
    assert '<span class="caption" id="drill-subject">Newborn' in body  # the bundle it lists
    # No names, no household details: the applicant masked, the application's values never shown.
    assert "张三丰" not in body and "张**" in body
    assert "秘密" not in body and "001001" not in body


def test_the_public_dashboard_links_to_no_list(client, numbers):
    page = client.get("/numbers/", {"month": "2026-10"}, **EN).content.decode()
    assert "/numbers/supervise/lists/" not in page


def test_each_list_names_what_its_key_picks(numbers):
    assert DRILLS["late-tasks"].subject("health_commission")
    assert DRILLS["applications-submitted"].subject("newborn")
    assert DRILLS["ratings"].subject("5")
    assert DRILLS["problems-filed-district"].subject(YUZHONG) == "渝中区"
    for drill in DRILLS.values():
        assert drill.subject("") is None
        assert drill.subject("no-such-thing") is None
