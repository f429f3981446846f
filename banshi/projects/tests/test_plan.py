"""The owner's plan of a project, in a page: milestones planned and taken out again (one reached stays),
and the progress promised for each year of a project of several years. Bad input is named beside its
field and writes nothing; another project's owner, a resident and a visitor change nothing; every change
is on the project's timeline."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from banshi.audit.models import Event
from banshi.lib.errors import FieldErrors
from banshi.projects.events import EventType
from banshi.projects.models import Milestone, StageTarget
from banshi.projects.selectors import timeline
from banshi.projects.services.register import milestone_add, milestone_remove, stage_set

pytestmark = [pytest.mark.django_db]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel("2026-06-01 10:00 +08:00", tick=False):
        yield


def _timeline(project) -> list:
    from django.utils import translation

    with translation.override("en"):
        return timeline(project)


def plan_url(project) -> str:
    return reverse("projects:plan", args=[project.pk])


def test_the_owner_plans_a_milestone_and_it_is_on_the_page_and_the_timeline(reg, client):
    client.force_login(reg.owner)
    detail = client.get(reverse("projects:detail", args=[reg.parent.pk]), **EN).content.decode()
    assert plan_url(reg.parent) in detail
    response = client.post(
        plan_url(reg.parent),
        {
            "action": "milestone",
            "milestone-title": "First 20 communities done",
            "milestone-due": "2026-09-30",
        },
        **EN,
    )
    assert response.status_code == 302 and response["Location"] == plan_url(reg.parent)
    milestone = Milestone.objects.get(project=reg.parent)
    assert (milestone.title, milestone.due, milestone.done_at) == (
        "First 20 communities done",
        date(2026, 9, 30),
        None,
    )
    page = client.get(reverse("projects:detail", args=[reg.parent.pk]), **EN).content.decode()
    assert "First 20 communities done" in page
    texts = [entry.text for entry in _timeline(reg.parent)]
    assert "Milestone planned: First 20 communities done, due 2026-09-30" in texts


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"milestone-title": "", "milestone-due": "2026-09-30"}, "title", "is required"),
        ({"milestone-title": "Done", "milestone-due": "30/09/2026"}, "due", "must be a day like 2026-12-31"),
        ({"milestone-title": "Done", "milestone-due": ""}, "due", "is required"),
        ({"milestone-title": "Bad\x00text", "milestone-due": "2026-09-30"}, "title", ""),
    ],
)
def test_a_bad_milestone_is_named_and_nothing_is_written(reg, client, data, field, message):
    client.force_login(reg.owner)
    events = Event.objects.count()
    response = client.post(plan_url(reg.parent), {"action": "milestone", **data}, **EN)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'href="#id_milestone-{field}"' in body
    assert message in body
    assert not Milestone.objects.filter(project=reg.parent).exists()
    assert Event.objects.count() == events


def test_the_same_milestone_twice_is_refused(reg):
    milestone_add(actor=reg.owner, project_id=reg.parent.pk, title="Done", due="2026-09-30")
    with pytest.raises(FieldErrors) as refused:
        milestone_add(actor=reg.owner, project_id=reg.parent.pk, title="Done", due=date(2026, 9, 30))
    assert set(refused.value.errors) == {"title"}
    assert Milestone.objects.filter(project=reg.parent).count() == 1


def test_a_milestone_planned_by_mistake_is_taken_out_but_one_reached_stays(reg, client):
    client.force_login(reg.owner)
    mistake = milestone_add(actor=reg.owner, project_id=reg.parent.pk, title="Wrong", due="2026-07-01")
    response = client.post(plan_url(reg.parent), {"action": "remove", "milestone": str(mistake.pk)}, **EN)
    assert response.status_code == 302
    assert not Milestone.objects.filter(pk=mistake.pk).exists()
    assert Event.objects.filter(
        event_type=EventType.PROJECT_MILESTONE_REMOVED, extra__milestone="Wrong"
    ).exists()
    reached = Milestone.objects.get(project=reg.first)
    reached.done_at = timezone.now()
    reached.save()
    with pytest.raises(FieldErrors):
        milestone_remove(actor=reg.owner, milestone_id=reached.pk)
    assert Milestone.objects.filter(pk=reached.pk).exists()
    # Another project's milestone cannot be taken out through this project's page.
    other = milestone_add(actor=reg.other_owner, project_id=reg.city.pk, title="Theirs", due="2026-08-01")
    response = client.post(plan_url(reg.parent), {"action": "remove", "milestone": str(other.pk)}, **EN)
    assert response.status_code == 404
    assert Milestone.objects.filter(pk=other.pk).exists()


def test_the_owner_sets_a_years_target_and_setting_it_again_changes_it(reg, client):
    client.force_login(reg.owner)
    data = {"action": "stage", "stage-year": "2026", "stage-target_progress": "50", "stage-due": ""}
    assert client.post(plan_url(reg.parent), data, **EN).status_code == 302
    stage = StageTarget.objects.get(project=reg.parent)
    assert (stage.year, stage.target_progress, stage.due) == (2026, Decimal(50), date(2026, 12, 31))
    data |= {
        "stage-target_progress": "65.5",
        "stage-due": "2026-11-30",
        "stage-description": "63 communities",
    }
    assert client.post(plan_url(reg.parent), data, **EN).status_code == 302
    stage.refresh_from_db()
    assert (stage.target_progress, stage.due, stage.description) == (
        Decimal("65.5"),
        date(2026, 11, 30),
        "63 communities",
    )
    assert StageTarget.objects.filter(project=reg.parent).count() == 1
    texts = [entry.text for entry in _timeline(reg.parent)]
    assert "Target for 2026: 50% by 2026-12-31" in texts
    assert "Target for 2026: 65.5% by 2026-11-30" in texts


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"stage-year": "2026", "stage-target_progress": "101"}, "target_progress"),
        ({"stage-year": "2026", "stage-target_progress": "-1"}, "target_progress"),
        ({"stage-year": "2026", "stage-target_progress": "abc"}, "target_progress"),
        ({"stage-year": "1999", "stage-target_progress": "50"}, "year"),
        ({"stage-year": "2026", "stage-target_progress": "50", "stage-due": "2027-01-15"}, "due"),
    ],
)
def test_a_bad_years_target_is_named_and_nothing_is_written(reg, client, data, field):
    client.force_login(reg.owner)
    events = Event.objects.count()
    response = client.post(plan_url(reg.parent), {"action": "stage", **data}, **EN)
    assert response.status_code == 400
    assert f'href="#id_stage-{field}"' in response.content.decode()
    assert not StageTarget.objects.exists()
    assert Event.objects.count() == events


def test_the_service_refuses_a_due_day_outside_its_year_and_non_numbers(reg):
    with pytest.raises(FieldErrors) as refused:
        stage_set(actor=reg.owner, project_id=reg.parent.pk, year="twenty", target_progress="x", due="soon")
    assert set(refused.value.errors) == {"year", "target_progress", "due"}
    with pytest.raises(FieldErrors) as refused:
        stage_set(
            actor=reg.owner, project_id=reg.parent.pk, year=2026, target_progress=10, due=date(2025, 12, 1)
        )
    assert set(refused.value.errors) == {"due"}
    assert not StageTarget.objects.exists()


@pytest.mark.parametrize("who", ["other_owner", "resident", "supervisor"])
def test_nobody_but_the_projects_owners_changes_its_plan(reg, client, who):
    client.force_login(getattr(reg, who))
    assert client.get(plan_url(reg.parent)).status_code == 403
    response = client.post(
        plan_url(reg.parent), {"action": "milestone", "milestone-title": "X", "milestone-due": "2026-09-30"}
    )
    assert response.status_code == 403
    assert not Milestone.objects.filter(project=reg.parent).exists()
    detail = client.get(reverse("projects:detail", args=[reg.parent.pk])).content.decode()
    assert plan_url(reg.parent) not in detail


def test_a_visitor_is_asked_to_sign_in_and_an_unknown_action_is_not_found(reg, client):
    response = client.get(plan_url(reg.parent))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client.force_login(reg.owner)
    assert client.post(plan_url(reg.parent), {"action": "explode"}).status_code == 404
    assert client.get(reverse("projects:plan", args=[999999])).status_code == 404
