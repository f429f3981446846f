from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banshi.directory.roles import provided_places
from banshi.projects.models import Milestone, Project, StageTarget
from banshi.projects.services.register import project_enter, update_post

from .conftest import jpeg

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _names(response) -> list[str]:
    return [project.name for project in response.context["page"].projects]


def test_the_register_filters_by_level_area_category_year_status_and_name(reg, client):
    assert len(_names(client.get(reverse("projects:register")))) == 4
    assert _names(client.get(reverse("projects:register"), {"level": "community"})) == [
        "Longzhouwan community",
        "Yudong community",
    ]
    # The latest year first, then by level's code and name.
    assert _names(client.get(reverse("projects:register"), {"area": "500113"})) == [
        "Longzhouwan community",
        "Yudong community",
        "Banan old communities",
    ]
    assert _names(client.get(reverse("projects:register"), {"year": "2025"})) == ["Lifts in old buildings"]
    assert _names(client.get(reverse("projects:register"), {"category": "lifts"})) == [
        "Lifts in old buildings"
    ]
    assert _names(client.get(reverse("projects:register"), {"status": "planned"})) == [
        "Lifts in old buildings"
    ]
    assert _names(client.get(reverse("projects:register"), {"q": "yudong"})) == ["Yudong community"]
    assert _names(client.get(reverse("projects:register"), {"parent": reg.parent.pk})) == [
        "Longzhouwan community",
        "Yudong community",
    ]


def test_a_bad_filter_is_named_and_left_out(reg, client):
    response = client.get(reverse("projects:register"), {"area": "abc", "level": "planet"}, **EN)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Area (region code) must be a region code of 2 to 12 digits" in text
    assert len(_names(response)) == 4


def test_the_register_pages_in_a_constant_number_of_queries(reg, client):
    for number in range(45):
        Project.objects.create(name=f"Park {number:02d}", level="community", year=2024, category="parks")
    client.get(reverse("projects:register"))  # the filters' choices are kept after the first page
    with CaptureQueriesContext(connection) as first:
        page = client.get(reverse("projects:register"), {"year": "2024"})
    assert page.context["page"].count == 45 and len(_names(page)) == 20
    with CaptureQueriesContext(connection) as last:
        page = client.get(reverse("projects:register"), {"year": "2024", "page": "3"})
    assert _names(page) == [f"Park {n}" for n in range(40, 45)]
    assert len(first) == len(last) <= 4
    assert (
        client.get(reverse("projects:register"), {"year": "2024", "page": "999"}).context["page"].number == 3
    )


def test_the_map_pins_keep_the_filters_and_link_to_the_page(reg, client):
    pins = client.get(reverse("projects:map_json"), {"area": "500113"}).json()
    assert pins == [
        {
            "title": "Banan old communities",
            "status": "in_progress",
            "lat": 29.4,
            "lng": 106.5,
            "url": reverse("projects:detail", args=[reg.parent.pk]),
        }
    ]
    assert client.get(reverse("projects:map_json"), {"year": "2025"}).json() == []


def test_a_projects_page_shows_everything_in_the_same_number_of_queries_however_many_updates(reg, client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("projects:detail", args=[reg.first.pk])).status_code == 200
        return len(captured)

    update_post(
        actor=reg.owner, project_id=reg.first.pk, text="One", photos=[jpeg()], actuals={"households": "10"}
    )
    before = queries()
    for number in range(3):
        update_post(actor=reg.owner, project_id=reg.first.pk, text=f"More {number}", photos=[jpeg(), jpeg()])
    assert queries() == before
    page = client.get(reverse("projects:detail", args=[reg.first.pk]), **EN).content.decode()
    for shown in (
        "Longzhouwan community",
        "Banan old communities",
        "Pipes replaced",
        "More 2",
        'id="progress-chart"',
    ):
        assert shown in page
    assert 'src="/static/vendor/echarts-5.6.0/dist/echarts.min.js"' in page
    assert "<script>" not in page  # the chart's data is a json_script, its code a static file
    assert client.get(reverse("projects:detail", args=[999999])).status_code == 404


def test_a_photo_of_an_update_is_served_as_a_jpeg(reg, client):
    posted = update_post(actor=reg.owner, project_id=reg.first.pk, text="One", photos=[jpeg()])
    response = client.get(reverse("projects:photo", args=[posted.update.photos.get().pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")


@time_machine.travel("2026-07-01 10:00 +0800", tick=False)
def test_the_supervisor_sees_the_projects_behind_their_milestones_or_stage_targets(reg, client):
    StageTarget.objects.create(
        project=reg.second, year=2026, target_progress=Decimal(80), due=date(2026, 6, 30)
    )
    StageTarget.objects.create(
        project=reg.city, year=2025, target_progress=Decimal(0), due=date(2025, 12, 31)
    )
    client.force_login(reg.supervisor)
    response = client.get(reverse("projects:behind"), **EN)
    rows = {project.name: reasons for project, reasons in response.context["rows"]}
    assert rows == {
        "Longzhouwan community": ["Pipes replaced (2026-05-31)"],
        "Yudong community": ["2026: 80.00%"],
    }
    Milestone.objects.update(done_at="2026-06-30T10:00+08:00")
    response = client.get(reverse("projects:behind"))
    assert [project.name for project, _reasons in response.context["rows"]] == ["Yudong community"]


def test_the_owner_and_the_supervisor_find_their_places_in_the_menu(reg, client):
    assert [place.role for place in provided_places(user=reg.owner)] == ["projects_owner"]
    assert "projects_behind" in [place.role for place in provided_places(user=reg.supervisor)]
    assert [place.role for place in provided_places(user=reg.resident)] == []
    client.force_login(reg.owner)
    page = client.get(reverse("projects:mine"), **EN)
    assert [p.name for p in page.context["projects"]] == ["Banan old communities"]
    assert "My projects" in page.content.decode()


def test_the_owner_of_a_parent_reports_on_its_children_but_not_on_another_project(reg, client):
    client.force_login(reg.owner)
    assert client.get(reverse("projects:update_new", args=[reg.second.pk])).status_code == 200
    assert client.get(reverse("projects:update_new", args=[reg.city.pk])).status_code == 403


def test_the_owner_links_a_public_problem_report_and_the_page_shows_its_public_information(reg, client):
    from banshi.problems.models import Category, Report, Tier

    tier = Tier.objects.first()
    category = Category.objects.create(code="lifts", name_zh="电梯", name_en="Lifts", tier=tier)
    now = "2026-05-01T10:00+08:00"
    report = Report.objects.create(
        number="SQ2026050100001",
        category=category,
        description="The lift is broken",
        channel="web",
        reporter=reg.resident,
        filed_at=now,
        clock_started_at=now,
        first_contact_due=now,
        closing_due=now,
        updated_at=now,
    )
    client.force_login(reg.owner)
    client.post(reverse("projects:link_report", args=[reg.first.pk]), {"number": report.number})
    client.post(reverse("projects:link_report", args=[reg.first.pk]), {"number": "SQ0000"})
    client.logout()
    page = client.get(reverse("projects:detail", args=[reg.first.pk]), **EN).content.decode()
    assert "SQ2026050100001" in page and "Lifts" in page
    assert "resident<" not in page and "13900000001" not in page
    assert "Residents&#x27; problem SQ2026050100001 linked" in page


@pytest.mark.parametrize("status", ["completed"])
def test_the_owner_moves_the_status_from_the_page_and_the_timeline_says_so(reg, client, status):
    client.force_login(reg.owner)
    client.post(reverse("projects:move", args=[reg.first.pk]), {"status": status, "reason": "All done"})
    reg.first.refresh_from_db()
    assert (reg.first.status, reg.first.progress) == (status, 100)
    page = client.get(reverse("projects:detail", args=[reg.first.pk]), **EN).content.decode()
    assert "Status: completed" in page


def test_a_project_entered_under_a_parent_rolls_it_up(reg):
    project_enter(
        actor=None,
        parent=reg.parent,
        name="Huaxi",
        level="community",
        year=2026,
        budget=Decimal(4_000_000),
        status="in_progress",
        progress=Decimal(90),
    )
    reg.parent.refresh_from_db()
    # (20*3 + 60*1 + 90*4) / 8
    assert reg.parent.progress == Decimal("60.00")
