"""Answering a survey: once per person (also when two answers arrive at once), only within its dates,
only by the people it asks (a roll, an area), every question answered with one of its choices; counts
only once closed."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import translation

from banshi.audit.models import Event
from banshi.conftest import _user
from banshi.directory.models import Area
from banshi.lib.errors import Conflict, FieldErrors
from banshi.polls import services
from banshi.polls.models import Residence, Response
from banshi.polls.selectors import survey_result
from banshi.polls.services import QuestionSpec
from banshi.polls.tests.conftest import AFTER, CLOSES, DURING, OPENS

pytestmark = pytest.mark.django_db

SUPPORT = [("support", "Support"), ("neutral", "No view"), ("oppose", "Oppose")]


def make_survey(**kwargs):
    return services.survey_create(
        actor=None,
        title="Which matters most?",
        subject=("tests.round", "1", "a round"),
        opens_at=OPENS,
        closes_at=CLOSES,
        questions=[
            QuestionSpec("Lifts?", SUPPORT, key="lifts"),
            QuestionSpec("Parking?", SUPPORT, key="parking"),
        ],
        **kwargs,
    )


def answers(survey, *keys):
    return {str(q.pk): key for q, key in zip(survey.questions.all(), keys, strict=True)}


def answer(user, survey, *keys):
    return services.survey_answer(actor=user, survey_id=survey.pk, answers=answers(survey, *keys))


def test_an_answer_is_counted_once_the_survey_closes_and_not_before(voters):
    survey = make_survey()
    with time_machine.travel(DURING, tick=False):
        answer(voters[0], survey, "support", "oppose")
        answer(voters[1], survey, "support", "support")
        assert survey_result(survey) is None
    with time_machine.travel(AFTER, tick=False):
        result = survey_result(survey)
    assert result is not None and result.responses == 2
    assert [row.choices for row in result.questions] == [
        [("support", "Support", 2), ("neutral", "No view", 0), ("oppose", "Oppose", 0)],
        [("support", "Support", 1), ("neutral", "No view", 0), ("oppose", "Oppose", 1)],
    ]


def test_a_second_answer_is_refused_and_the_first_kept(voters):
    survey = make_survey()
    with time_machine.travel(DURING, tick=False):
        answer(voters[0], survey, "support", "oppose")
        with pytest.raises(Conflict, match="already answered"):
            answer(voters[0], survey, "oppose", "oppose")
    assert Response.objects.count() == 1
    assert Event.objects.filter(event_type="polls.survey_answered").count() == 1


@pytest.mark.parametrize("moment", [OPENS - timedelta(seconds=1), CLOSES])
def test_an_answer_outside_the_dates_is_refused(voters, moment):
    survey = make_survey()
    with time_machine.travel(moment, tick=False), pytest.raises(Conflict, match="not open"):
        answer(voters[0], survey, "support", "oppose")
    assert not Response.objects.exists()


def test_a_missing_or_unknown_answer_is_refused_with_nothing_written(voters):
    survey = make_survey()
    first, second = survey.questions.all()
    with time_machine.travel(DURING, tick=False):
        with pytest.raises(FieldErrors) as refused:
            services.survey_answer(actor=voters[0], survey_id=survey.pk, answers={str(first.pk): "maybe"})
    assert refused.value.errors == {
        f"q{first.pk}": "is not one of the choices",
        f"q{second.pk}": "choose an answer",
    }
    assert not Response.objects.exists()


def test_a_survey_for_a_roll_asks_only_its_voters(voters, outsider_voter):
    roll = services.roll_draw(actor=None, name="roll", users=voters[:1])
    survey = make_survey(roll=roll)
    with time_machine.travel(DURING, tick=False):
        with pytest.raises(Conflict, match="not for you"):
            answer(outsider_voter, survey, "support", "support")
        answer(voters[0], survey, "support", "support")
    assert Response.objects.count() == 1


def test_a_survey_for_an_area_asks_only_the_people_living_in_it_or_below_it(catalog):
    banan = Area.objects.get(code="500113")
    street = Area.objects.filter(parent=banan).first() or banan
    inside, elsewhere, unknown = _user("inside"), _user("elsewhere"), _user("unknown")
    Residence.objects.create(user=inside, area=street)
    Residence.objects.create(user=elsewhere, area=Area.objects.get(code="500103"))
    survey = make_survey(area=banan)
    with time_machine.travel(DURING, tick=False):
        for user in (elsewhere, unknown):
            with pytest.raises(Conflict):
                answer(user, survey, "support", "support")
        answer(inside, survey, "support", "support")
    assert list(Response.objects.values_list("respondent__username", flat=True)) == ["inside"]


@pytest.mark.django_db(transaction=True)
def test_two_answers_by_one_person_at_the_same_moment_count_once(voters):
    survey = make_survey()
    barrier = threading.Barrier(2)
    done, refused, failures = [], [], []

    def send(keys):
        try:
            # A thread starts in the default language; the messages are asserted in English.
            with time_machine.travel(DURING, tick=False), translation.override("en"):
                barrier.wait()
                answer(voters[0], survey, *keys)
                done.append(keys)
        except Conflict as exc:
            refused.append(str(exc))
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=send, args=(keys,)) for keys in (("support", "support"), ("oppose", "oppose"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(done) == 1 and refused == ["You have already answered this survey."]
    assert Response.objects.count() == 1
