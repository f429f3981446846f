"""The year-end verdict: residents and deputies rate a completed project once each (also when two
ratings arrive at once); the counts are public."""

import threading

import pytest
from django.db import connection
from django.utils import translation

from banshi.audit.models import Event
from banshi.conftest import _user
from banshi.lib.errors import Conflict, FieldErrors
from banshi.projects.models import Project, Verdict
from banshi.projects.participation_selectors import verdicts_of, verdicts_page
from banshi.projects.services import rounds
from banshi.projects.services.verdicts import verdict_give

pytestmark = pytest.mark.django_db


def project(status=Project.Status.COMPLETED, name="巴南区老旧小区改造"):
    return Project.objects.create(name=name, level="district", year=2026, status=status)


def test_residents_and_deputies_rate_a_completed_project_and_the_counts_are_public(residents, deputies):
    done = project()
    verdict_give(actor=residents[0], project_id=done.pk, rating="satisfied")
    verdict_give(actor=residents[1], project_id=done.pk, rating="fairly_satisfied")
    verdict_give(actor=residents[2], project_id=done.pk, rating="abstain")
    verdict_give(actor=deputies[0], project_id=done.pk, rating="dissatisfied")
    summary = verdicts_of(done)
    assert summary.total == 4
    assert [(key, r, d) for key, _label, r, d in summary.by_rating] == [
        ("satisfied", 1, 0),
        ("fairly_satisfied", 1, 0),
        ("dissatisfied", 0, 1),
        ("abstain", 1, 0),
    ]
    assert summary.satisfied_share == 67
    assert [row.project for row in verdicts_page()] == [done]
    assert list(
        Event.objects.filter(event_type="projects.verdict_given").values_list("extra", flat=True)
    ) == [
        {"rating": "satisfied", "as": "resident"},
        {"rating": "fairly_satisfied", "as": "resident"},
        {"rating": "abstain", "as": "resident"},
        {"rating": "dissatisfied", "as": "deputy"},
    ]


def test_a_project_not_yet_completed_cannot_be_rated(residents):
    planned = project(status=Project.Status.IN_PROGRESS)
    with pytest.raises(Conflict, match="completed"):
        verdict_give(actor=residents[0], project_id=planned.pk, rating="satisfied")
    assert not Verdict.objects.exists()


def test_a_second_rating_and_an_unknown_rating_are_refused(residents):
    done = project()
    verdict_give(actor=residents[0], project_id=done.pk, rating="satisfied")
    with pytest.raises(Conflict, match="already rated"):
        verdict_give(actor=residents[0], project_id=done.pk, rating="dissatisfied")
    with pytest.raises(FieldErrors) as refused:
        verdict_give(actor=residents[1], project_id=done.pk, rating="excellent")
    assert refused.value.errors == {"rating": "choose one of the ratings"}
    assert list(Verdict.objects.values_list("rating", flat=True)) == ["satisfied"]


@pytest.mark.django_db(transaction=True)
def test_two_ratings_by_one_person_at_the_same_moment_count_once():
    done = project()
    person = _user("racer")
    rounds.deputy_add(actor=None, user=person)
    barrier = threading.Barrier(2)
    given, refused, failures = [], [], []

    def rate(rating):
        try:
            barrier.wait()
            # A thread starts in the default language; the message is asserted in English.
            with translation.override("en"):
                given.append(verdict_give(actor=person, project_id=done.pk, rating=rating))
        except Conflict as exc:
            refused.append(str(exc))
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=rate, args=(rating,)) for rating in ("satisfied", "dissatisfied")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(given) == 1 and refused == ["You have already rated this project."]
    assert Verdict.objects.filter(project=done).count() == 1
    assert Verdict.objects.get().rated_as == "deputy"
