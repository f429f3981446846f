"""The public dashboard, the downloads agreeing with it, bad parameters, the supervisors' drill-down with
its audited exports, and the home page's counter."""

import csv
import io
import json

import openpyxl  # type: ignore[import-untyped]
import pytest

from banshi.audit.models import Event
from banshi.stats.events import EventType

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_public_dashboard_shows_every_section_masked(client, numbers):
    response = client.get("/numbers/", {"month": "2026-10"}, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    for section in ("one-go", "zero-trips", "problems"):
        assert f'id="section-{section}"' in page
    assert "&lt; 5" in page
    assert "张三丰" not in page and "秘密" not in page
    assert "numbers-drill" not in page
    assert "<script>" not in page  # data blocks only (type="application/json"), no inline code


def test_the_page_speaks_chinese_by_default(client, numbers):
    page = client.get("/numbers/", {"month": "2026-10"}).content.decode()
    assert 'lang="zh-hans"' in page


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_the_downloads_agree_with_the_page(client, numbers, fmt):
    url = f"/api/v1/numbers/applications.{fmt}"
    response = client.get(url, {"month": "2026-10"}, **EN)
    assert response.status_code == 200
    if fmt == "json":
        body = response.json()
        rows = [[row[c["key"]] for c in body["columns"]] for row in body["rows"]]
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    total = rows[-1]
    assert [str(v) for v in total[1:3]] == ["7", "7"]
    assert str(total[6]) == "< 5"
    page = client.get("/numbers/", {"month": "2026-10"}, **EN).content.decode()
    assert "85.7%" in page  # 6 of 7 within the promise
    assert abs(float(total[3]) - 6 / 7) < 1e-3


def test_the_downloads_refuse_bad_parameters_naming_them(client, numbers):
    for params, name in (
        ({"month": "2026-13"}, "month"),
        ({"from": "2026-11-30", "to": "2026-11-01"}, "to"),
        ({"from": "2019-01-01", "to": "2026-11-01"}, "to"),
        ({"area": "123456"}, "area"),
        ({"bundle": "nope"}, "bundle"),
    ):
        response = client.get("/api/v1/numbers/applications.csv", params, **EN)
        assert response.status_code == 400, params
        assert name in [error["field"] for error in response.json()["errors"]]
    assert client.get("/api/v1/numbers/no-such-figure.json").status_code == 404


def test_the_page_explains_a_bad_period(client, numbers):
    response = client.get("/numbers/", {"from": "2026-11-30", "to": "2026-11-01"}, **EN)
    assert response.status_code == 400
    assert "is before the first day of the range" in response.content.decode()
    response = client.get("/numbers/", {"area": "999999"}, **EN)
    assert response.status_code == 400
    assert "is not a district of the city" in response.content.decode()


def test_an_empty_period_says_so(client, numbers):
    response = client.get("/numbers/", {"month": "2026-06"}, **EN)
    assert response.status_code == 200
    assert 'id="numbers-empty"' in response.content.decode()


def test_the_supervisor_sees_real_counts_and_drills_down(client, numbers, supervisor):
    assert client.get("/numbers/supervise/").status_code == 302
    client.force_login(supervisor)
    page = client.get("/numbers/supervise/", {"month": "2026-10"}, **EN).content.decode()
    assert "numbers-drill" in page
    assert 'href="/numbers/supervise/"' in page  # in the staff menu
    response = client.get(
        "/numbers/supervise/lists/late-tasks/", {"month": "2026-10", "key": "health_commission"}, **EN
    )
    body = response.content.decode()
    assert numbers["A7"].number in body
    assert numbers["A1"].number not in body  # on time
    assert f"/supervise/applications/{numbers['A7'].number}/" in body
    assert "张三丰" not in body


def test_a_list_export_is_audited(client, numbers, supervisor):
    client.force_login(supervisor)
    response = client.get(
        "/numbers/supervise/lists/late-tasks/", {"month": "2026-11", "key": "", "format": "csv"}, **EN
    )
    assert response.status_code == 200
    assert numbers["B3"].number in response.content.decode("utf-8-sig")
    event = Event.objects.get(event_type=EventType.LIST_EXPORTED)
    assert event.actor == supervisor
    assert event.extra["list"] == "late-tasks" and event.extra["rows"] == 1


def test_others_cannot_drill_down(client, numbers, django_user_model):
    user = django_user_model.objects.create_user(username="someone", password="x")
    client.force_login(user)
    assert client.get("/numbers/supervise/lists/late-tasks/", {"month": "2026-10"}).status_code == 403
    assert not Event.objects.filter(event_type=EventType.LIST_EXPORTED).exists()


def test_the_home_page_loads_the_counter(client, numbers):
    home = client.get("/", **EN).content.decode()
    assert 'hx-get="/numbers/counter/"' in home
    counter = client.get("/numbers/counter/", **EN)
    assert counter.status_code == 200
    assert "Problems solved this year" in counter.content.decode()


def test_the_json_download_names_the_figure_and_its_definition(client, numbers):
    body = json.loads(client.get("/api/v1/numbers/video-calls.json", {"month": "2026-11"}, **EN).content)
    assert body["figure"] == "video-calls"
    assert "connected" in body["definition"]
    assert body["rows"][-1]["calls"] == 6


def test_the_case_behind_a_drilled_number_opens_for_the_supervisor(client, numbers, supervisor):
    client.force_login(supervisor)
    response = client.get(f"/supervise/applications/{numbers['A7'].number}/", **EN)
    assert response.status_code == 200


def test_the_counter_counts_the_problems_solved_this_year(client, numbers):
    from banshi.stats.tests.conftest import at

    def answered(report_id: int, moment) -> None:
        Event.objects.create(
            created_at=moment,
            subject_type="problems.report",
            subject_id=str(report_id),
            event_type="problem.called_back",
            extra={"solved": True, "satisfaction": "satisfied", "unit": "yz-street"},
        )

    for report_id in range(6):
        answered(3000 + report_id, at(11, 20))
    answered(4000, at(11, 20).replace(year=2025))
    body = client.get("/numbers/counter/", **EN).content.decode()
    assert ">6<" in body.replace(" ", "").replace("\n", "")
    from banshi.stats.figures.problems import solved_this_year

    assert solved_this_year(today=at(12, 2).date()) == 6


def test_the_workers_round_counts_the_counters_fixed_part_before_anyone_asks(numbers):
    from django.core.cache import cache
    from django.core.management import call_command

    from banshi.problems.rollup import stats_rollup_refresh
    from banshi.stats.tests.conftest import at

    for report_id in range(3):
        Event.objects.create(
            created_at=at(11, 20).replace(year=2025),
            subject_type="problems.report",
            subject_id=str(5000 + report_id),
            event_type="problem.called_back",
            extra={"solved": True, "satisfaction": "satisfied", "unit": "yz-street"},
        )
    stats_rollup_refresh()
    cache.clear()
    call_command("refresh_numbers", stdout=io.StringIO())
    assert cache.get("stats:solved-before:2026") == 3
    # Solved last year: in the running counter, not in this year's.
    from banshi.stats.figures.problems import solved_this_year

    assert solved_this_year(today=at(12, 2).date()) == 0


def test_a_list_with_nothing_behind_it_says_so_and_a_bad_period_is_explained(client, numbers, supervisor):
    client.force_login(supervisor)
    response = client.get(
        "/numbers/supervise/lists/unsatisfied-callbacks/", {"month": "2026-10", "key": "yz-street"}, **EN
    )
    assert response.status_code == 200
    assert 'id="drill-empty"' in response.content.decode()
    response = client.get("/numbers/supervise/lists/late-tasks/", {"month": "2026-99"}, **EN)
    assert response.status_code == 400
    assert "must be a month like 2026-11" in response.content.decode()
    assert client.get("/numbers/supervise/lists/no-such-list/").status_code == 404


def test_the_projects_and_outreach_sections_show_their_figures(
    client, indicators, rounds, verdicts, lectures, videos
):
    page = client.get("/numbers/", {"from": "2026-10-01", "to": "2026-11-30"}, **EN).content.decode()
    for section in ("projects", "outreach"):
        assert f'id="section-{section}"' in page
    for code in (
        "projects-indicators",
        "projects-rounds",
        "projects-verdicts",
        "outreach-quotas",
        "outreach-venues",
        "outreach-attendance",
        "outreach-videos",
    ):
        assert f'id="table-{code}"' in page and f'data-chart="chart-data-{code}"' in page, code
        assert f"/api/v1/numbers/{code}.csv" in page, code
    assert "deputy0" not in page and "13900000" not in page  # no voter, no phone number


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_the_attendance_download_agrees_with_the_page(client, lectures, fmt):
    params = {"from": "2026-10-01", "to": "2026-11-30"}
    response = client.get(f"/api/v1/numbers/outreach-attendance.{fmt}", params, **EN)
    assert response.status_code == 200
    if fmt == "json":
        body = response.json()
        rows = [[row[c["key"]] for c in body["columns"]] for row in body["rows"]]
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [str(value) for value in rows[-1][1:]] == ["< 5", "11", "14", "25"]
    assert [str(value) for value in rows[0]] == ["江北宣讲团 · 江北", "< 5", "5", "0", "5"]
    assert [str(value) for value in rows[1][1:]] == ["< 5", "6", "14", "20"]
    page = client.get("/numbers/", params, **EN).content.decode()
    table = page[page.index('id="table-outreach-attendance"') :]
    assert "<td>江北宣讲团 · 江北</td>" in table[: table.index("</table>")]
