import io

import pytest
from django.core.management import CommandError, call_command

from banshi.audit.models import Event
from banshi.projects.models import Indicator, Milestone, Project


def test_it_fills_projects_under_parents_with_indicators_milestones_and_events(db, capsys):
    call_command("generate_projects", count=250, batch=100, stdout=io.StringIO())
    assert Project.objects.count() == 250
    parents = Project.objects.filter(parent__isnull=True)
    assert parents.count() == 3  # one for every hundred
    assert Project.objects.filter(parent__isnull=False).count() == 247
    assert Indicator.objects.count() == 500 and Milestone.objects.count() == 500
    assert Event.objects.filter(subject_type="projects.project", event_type="project.created").count() == 250
    assert not Project.objects.filter(progress__gt=100).exists()
    assert "250/250 projects (100%)" in capsys.readouterr().err


def test_a_second_run_with_another_seed_adds_to_the_register(db):
    call_command("generate_projects", count=10, seed=1, stdout=io.StringIO(), stderr=io.StringIO())
    call_command("generate_projects", count=10, seed=11, stdout=io.StringIO(), stderr=io.StringIO())
    assert Project.objects.count() == 20


def test_a_count_below_one_is_refused(db):
    with pytest.raises(CommandError):
        call_command("generate_projects", count=0, stdout=io.StringIO())
