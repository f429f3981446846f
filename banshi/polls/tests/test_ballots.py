"""Casting a secret ballot: the refusals (dates, roll, too many choices, unknown candidate, twice),
nothing shown while open, the count when closed, and the secrecy of the papers."""

import threading

import pytest
import time_machine
from django.apps import apps
from django.db import connection, models
from django.utils import translation

from banshi.audit.models import Event
from banshi.lib.errors import Conflict, FieldErrors
from banshi.polls import services
from banshi.polls.models import Ballot, Paper, VoterMark
from banshi.polls.selectors import Outcome, ballot_result, ballot_turnout
from banshi.polls.tests.conftest import AFTER, CLOSES, DURING, OPENS, make_ballot

pytestmark = pytest.mark.django_db


def vote(user, ballot, *choices):
    services.ballot_vote(actor=user, ballot_id=ballot.pk, choices=list(choices))


def assert_nothing_cast(ballot):
    assert not VoterMark.objects.filter(ballot=ballot).exists()
    assert not Paper.objects.filter(ballot=ballot).exists()
    assert not Event.objects.filter(event_type="polls.ballot_voted").exists()


@pytest.mark.parametrize("moment", [OPENS.replace(hour=8, minute=59), CLOSES])
def test_a_vote_outside_the_ballots_dates_is_refused(ballot, voters, moment):
    with time_machine.travel(moment, tick=False), pytest.raises(Conflict, match="not open"):
        vote(voters[0], ballot, "a")
    assert_nothing_cast(ballot)


def test_a_vote_after_the_ballot_is_closed_early_is_refused(ballot, voters):
    with time_machine.travel(DURING, tick=False):
        services.ballot_close(actor=None, ballot=ballot)
        with pytest.raises(Conflict):
            vote(voters[0], ballot, "a")
    assert_nothing_cast(ballot)


def test_a_voter_not_on_the_roll_is_refused(ballot, outsider_voter):
    with time_machine.travel(DURING, tick=False), pytest.raises(Conflict, match="roll"):
        vote(outsider_voter, ballot, "a")
    assert_nothing_cast(ballot)


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        (["a", "b", "c"], "chooses 3 candidates; at most 2 may be chosen"),
        (["a", "zzz"], "names a candidate who is not on this ballot"),
        (["a", "a"], "names a candidate more than once"),
    ],
)
def test_a_bad_paper_is_refused_with_nothing_written(ballot, voters, choices, message):
    with time_machine.travel(DURING, tick=False), pytest.raises(FieldErrors) as refused:
        vote(voters[0], ballot, *choices)
    assert refused.value.errors == {"choices": message}
    assert_nothing_cast(ballot)


def test_a_second_vote_is_refused_and_not_counted(ballot, voters):
    with time_machine.travel(DURING, tick=False):
        vote(voters[0], ballot, "a")
        with pytest.raises(Conflict, match="already voted"):
            vote(voters[0], ballot, "b")
    assert Paper.objects.filter(ballot=ballot).count() == 1
    assert VoterMark.objects.filter(ballot=ballot).count() == 1


def test_nothing_is_counted_while_open_and_everything_once_closed(ballot, voters):
    with time_machine.travel(DURING, tick=False):
        for voter, choices in zip(voters, [["a", "b"], ["a"], ["a", "c"], ["b"], []], strict=True):
            vote(voter, ballot, *choices)
        assert ballot_result(ballot) is None
        assert ballot_turnout(ballot) == (5, 5)
    with time_machine.travel(AFTER, tick=False):
        result = ballot_result(ballot)
    assert result is not None
    assert result.present == 5 and result.needed == 3
    assert [(row.key, row.votes, row.outcome) for row in result.rows] == [
        ("a", 3, Outcome.CHOSEN),
        ("b", 2, Outcome.FAILED),
        ("c", 1, Outcome.FAILED),
    ]


def test_the_tables_hold_no_column_that_joins_a_paper_to_a_voter(ballot, voters):
    paper_fields = {field.name: field for field in Paper._meta.get_fields()}
    assert set(paper_fields) == {"id", "ballot", "choices"}
    assert isinstance(paper_fields["id"], models.UUIDField)
    # No model anywhere points at a paper, and the marks hold neither a time nor a choice.
    for model in apps.get_models():
        for field in model._meta.get_fields():
            assert getattr(field, "related_model", None) is not Paper or model is Ballot, model
    mark_fields = {field.name for field in VoterMark._meta.get_fields()}
    assert mark_fields == {"id", "ballot", "voter"}
    with connection.cursor() as cursor:
        paper_columns = {
            c.name for c in connection.introspection.get_table_description(cursor, "polls_paper")
        }
        mark_columns = {
            c.name for c in connection.introspection.get_table_description(cursor, "polls_votermark")
        }
    assert paper_columns == {"id", "ballot_id", "choices"}
    assert mark_columns == {"id", "ballot_id", "voter_id"}
    with time_machine.travel(DURING, tick=False):
        vote(voters[0], ballot, "a", "b")
        vote(voters[1], ballot, "c")
    cast_ids = {str(pk) for pk in Paper.objects.values_list("id", flat=True)}
    with time_machine.travel(AFTER, tick=False):
        services.ballot_close(actor=None, ballot=ballot)
    # The papers are written again in a random order under new keys when the ballot closes.
    assert cast_ids.isdisjoint({str(pk) for pk in Paper.objects.values_list("id", flat=True)})
    assert sorted(Paper.objects.values_list("choices", flat=True)) == [["a", "b"], ["c"]]
    # No audit event names a paper or what was chosen.
    for event in Event.objects.all():
        assert event.subject_type != "polls.paper"
        text = f"{event.subject_id} {event.reason} {event.extra} {event.old_state} {event.new_state}"
        assert not any(pk in text for pk in cast_ids)
        assert "candidate" not in str(event.extra.get("choices", ""))
    voted = Event.objects.filter(event_type="polls.ballot_voted")
    assert [(e.subject_type, e.subject_id, e.extra) for e in voted] == [
        ("polls.ballot", str(ballot.pk), {})
    ] * 2


def test_a_ballot_needs_at_least_as_many_candidates_as_places(voters):
    with pytest.raises(FieldErrors) as refused:
        make_ballot(voters, places=3, candidates=("a", "b"))
    assert refused.value.errors == {"candidates": "must be at least as many as the places"}
    assert not Ballot.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_votes_by_one_voter_at_the_same_moment_count_once(voters):
    ballot = make_ballot(voters)
    barrier = threading.Barrier(2)
    done, refused, failures = [], [], []

    def cast(choices):
        try:
            # A thread starts in the default language; the messages are asserted in English.
            with time_machine.travel(DURING, tick=False), translation.override("en"):
                barrier.wait()
                vote(voters[0], ballot, *choices)
                done.append(choices)
        except Conflict as exc:
            refused.append(str(exc))
        except BaseException as exc:  # reported below: a thread's exception would otherwise vanish
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=(choices,)) for choices in (["a"], ["b"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(done) == 1 and refused == ["You have already voted in this ballot."]
    assert VoterMark.objects.filter(ballot=ballot).count() == 1
    assert Paper.objects.filter(ballot=ballot).count() == 1


def test_no_log_line_of_a_vote_names_the_paper_or_the_choice(ballot, voters, caplog):
    import logging

    with caplog.at_level(logging.DEBUG), time_machine.travel(DURING, tick=False):
        vote(voters[0], ballot, "a", "c")
    paper = Paper.objects.get()
    for record in caplog.records:
        message = record.getMessage()
        assert str(paper.id) not in message and str(paper.id.hex) not in message
        assert '"a", "c"' not in message and "['a', 'c']" not in message
