"""A selection round from proposals to the register: the phases and their dates, who may run them, the
survey and the deputies' ballot through the polls, and the chosen candidates becoming projects."""

from datetime import date, timedelta

import pytest
import time_machine

from banshi.audit.models import Event
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.polls.models import Paper, Response, VoterMark
from banshi.polls.selectors import Outcome
from banshi.projects.models import Candidate, Project, Proposal, Round
from banshi.projects.participation_selectors import round_page
from banshi.projects.services import rounds
from banshi.projects.tests.participation.conftest import (
    AFTER_VOTE,
    IN_PROPOSALS,
    IN_SHORTLISTING,
    IN_SURVEY,
    IN_VOTE,
    PROPOSALS_CLOSE,
    SURVEY_CLOSES,
    VOTE_OPENS,
    make_round,
    shortlist,
)

pytestmark = pytest.mark.django_db


def events(kind):
    return list(Event.objects.filter(event_type=kind).values_list("old_state", "new_state"))


def vote_all(round_, deputies, papers):
    with time_machine.travel(IN_VOTE, tick=False):
        for deputy, choices in zip(deputies, papers, strict=False):
            rounds.round_vote(actor=deputy, round_id=round_.pk, choices=choices)


def test_a_round_goes_from_a_residents_proposal_to_a_planned_project_in_the_register(
    a_round, round_officer, residents, deputies
):
    resident = residents[0]
    with time_machine.travel(IN_PROPOSALS, tick=False):
        proposal = rounds.proposal_submit(
            actor=resident, round_id=a_round.pk, title="老旧小区加装电梯", text="五楼以上的老人下楼难。"
        )
        rounds.proposal_moderate(actor=round_officer, proposal_id=proposal.pk, accept=True)
    with time_machine.travel(IN_SHORTLISTING, tick=False):
        rounds.round_advance(actor=round_officer, round_id=a_round.pk, to=Round.Phase.SHORTLISTING)
        lift, canteen, parking = shortlist(round_officer, a_round, proposal=proposal)
        rounds.round_advance(actor=round_officer, round_id=a_round.pk, to=Round.Phase.SURVEY)
    with time_machine.travel(IN_SURVEY, tick=False):
        for person in residents:
            rounds.round_answer_survey(
                actor=person,
                round_id=a_round.pk,
                answers={str(lift.pk): "support", str(canteen.pk): "neutral", str(parking.pk): "oppose"},
            )
        assert (
            round_page(Round.objects.get(pk=a_round.pk), user=resident, now=IN_SURVEY).survey_result is None
        )
    with time_machine.travel(SURVEY_CLOSES + timedelta(days=1), tick=False):
        rounds.round_advance(actor=round_officer, round_id=a_round.pk, to=Round.Phase.VOTE)
    papers = [
        [lift.pk, canteen.pk],
        [lift.pk, canteen.pk],
        [lift.pk, parking.pk],
        [lift.pk],
        [canteen.pk, parking.pk],
    ]
    vote_all(a_round, deputies, papers)
    with time_machine.travel(IN_VOTE, tick=False):
        page = round_page(Round.objects.get(pk=a_round.pk), user=resident, now=IN_VOTE)
        assert page.ballot_result is None and page.turnout == (5, 5)
    with time_machine.travel(AFTER_VOTE, tick=False):
        rounds.round_advance(actor=round_officer, round_id=a_round.pk, to=Round.Phase.CLOSED)
        page = round_page(Round.objects.get(pk=a_round.pk), user=resident, now=AFTER_VOTE)

    assert page.survey_result is not None and page.survey_result.responses == 3
    assert page.support[str(lift.pk)] == {"support": 3, "neutral": 0, "oppose": 0}
    assert page.ballot_result is not None
    assert [(row.key, row.votes, row.outcome) for row in page.ballot_result.rows] == [
        (str(lift.pk), 4, Outcome.CHOSEN),
        (str(canteen.pk), 3, Outcome.CHOSEN),
        (str(parking.pk), 2, Outcome.FAILED),
    ]
    lift.refresh_from_db()
    canteen.refresh_from_db()
    parking.refresh_from_db()
    assert parking.project is None
    project = lift.project
    assert project is not None and lift.proposal == proposal
    assert (project.name, project.level, project.area.code, project.year, project.budget, project.status) == (
        "加装电梯",
        "district",
        "500113",
        2027,
        lift.cost,
        Project.Status.PLANNED,
    )
    assert project.owner_unit.code == "banan_housing" and project.end_date == date(2027, 12, 31)
    assert project.description == lift.description
    assert Project.objects.count() == 2
    assert events("projects.round_moved") == [
        ("proposals", "shortlisting"),
        ("shortlisting", "survey"),
        ("survey", "vote"),
        ("vote", "closed"),
    ]
    assert events("projects.proposal_accepted") == [("pending", "accepted")]
    assert Event.objects.filter(event_type="projects.candidate_shortlisted").count() == 3
    assert Event.objects.filter(event_type="projects.candidate_chosen").count() == 2
    assert Event.objects.filter(event_type="polls.ballot_closed").count() == 1
    assert Event.objects.filter(event_type="polls.survey_closed").count() == 1


def test_the_round_moves_only_forward_one_phase_at_a_time(a_round, round_officer, deputies):
    with time_machine.travel(IN_SHORTLISTING, tick=False):
        for skipped in (Round.Phase.SURVEY, Round.Phase.VOTE, Round.Phase.CLOSED):
            with pytest.raises(Conflict):
                rounds.round_advance(actor=round_officer, round_id=a_round.pk, to=skipped)
        rounds.round_advance(actor=round_officer, round_id=a_round.pk, to=Round.Phase.SHORTLISTING)
        with pytest.raises(Conflict):
            rounds.round_advance(actor=round_officer, round_id=a_round.pk, to=Round.Phase.PROPOSALS)
    assert Round.objects.get(pk=a_round.pk).phase == Round.Phase.SHORTLISTING
    assert len(events("projects.round_moved")) == 1


def test_every_arrow_of_the_table_is_a_move_the_service_makes(in_vote, round_officer):
    round_, _candidates = in_vote
    with time_machine.travel(AFTER_VOTE, tick=False):
        rounds.round_advance(actor=round_officer, round_id=round_.pk, to=Round.Phase.CLOSED)
    moves = events("projects.round_moved")
    assert set(moves) == {(old, new) for old, news in Round.TRANSITIONS.items() for new in news}
    with pytest.raises(Conflict):
        rounds.round_advance(actor=round_officer, round_id=round_.pk, to=Round.Phase.PROPOSALS)


def test_the_survey_needs_more_candidates_than_places(a_round, round_officer):
    with time_machine.travel(IN_SHORTLISTING, tick=False):
        rounds.round_advance(actor=round_officer, round_id=a_round.pk, to=Round.Phase.SHORTLISTING)
        shortlist(round_officer, a_round, names=("加装电梯", "社区食堂"))
        with pytest.raises(Conflict, match="more candidates than places"):
            rounds.round_advance(actor=round_officer, round_id=a_round.pk, to=Round.Phase.SURVEY)
    a_round.refresh_from_db()
    assert a_round.phase == Round.Phase.SHORTLISTING and a_round.survey is None


def test_a_proposal_after_the_proposals_close_is_refused(a_round, residents):
    with time_machine.travel(PROPOSALS_CLOSE, tick=False), pytest.raises(Conflict, match="no longer takes"):
        rounds.proposal_submit(actor=residents[0], round_id=a_round.pk, title="电梯", text="要电梯")
    assert not Proposal.objects.exists()


def test_a_proposal_with_bad_text_is_refused_naming_each_field(a_round, residents):
    with time_machine.travel(IN_PROPOSALS, tick=False), pytest.raises(FieldErrors) as refused:
        rounds.proposal_submit(actor=residents[0], round_id=a_round.pk, title="电梯\x00", text="  ")
    assert refused.value.errors == {
        "title": "contains an invisible control character (U+0000): remove it",
        "text": "is required",
    }
    assert not Proposal.objects.exists()
    assert not Event.objects.filter(event_type="projects.proposal_submitted").exists()


@pytest.mark.parametrize("moment", [VOTE_OPENS - timedelta(minutes=1), AFTER_VOTE])
def test_a_vote_outside_the_vote_s_dates_is_refused(in_vote, deputies, moment):
    round_, candidates = in_vote
    with time_machine.travel(moment, tick=False), pytest.raises(Conflict, match="not open"):
        rounds.round_vote(actor=deputies[0], round_id=round_.pk, choices=[candidates[0].pk])
    assert not VoterMark.objects.exists() and not Paper.objects.exists()


def test_a_survey_answer_outside_the_survey_phase_is_refused(in_vote, residents):
    round_, candidates = in_vote
    with time_machine.travel(IN_VOTE, tick=False), pytest.raises(Conflict, match="not in its opinion survey"):
        rounds.round_answer_survey(
            actor=residents[0], round_id=round_.pk, answers={str(c.pk): "support" for c in candidates}
        )
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ("three", "chooses 3 candidates; at most 2 may be chosen"),
        ("unknown", "names a candidate who is not on this ballot"),
    ],
)
def test_a_ballot_with_too_many_choices_or_an_unknown_candidate_is_refused(
    in_vote, deputies, choices, message
):
    round_, candidates = in_vote
    sent = [c.pk for c in candidates] if choices == "three" else [candidates[0].pk, 999999]
    with time_machine.travel(IN_VOTE, tick=False), pytest.raises(FieldErrors) as refused:
        rounds.round_vote(actor=deputies[0], round_id=round_.pk, choices=sent)
    assert refused.value.errors == {"choices": message}
    assert not VoterMark.objects.exists() and not Paper.objects.exists()


def test_a_resident_cannot_vote_in_the_deputies_ballot(in_vote, residents):
    round_, candidates = in_vote
    with time_machine.travel(IN_VOTE, tick=False), pytest.raises(Conflict, match="roll"):
        rounds.round_vote(actor=residents[0], round_id=round_.pk, choices=[candidates[0].pk])
    assert not VoterMark.objects.exists()


def test_a_tie_for_the_last_place_makes_no_project_of_the_tied(in_vote, round_officer, deputies):
    round_, (a, b, c) = in_vote
    vote_all(round_, deputies, [[a.pk, b.pk], [a.pk, b.pk], [a.pk, c.pk], [a.pk, c.pk], [b.pk, c.pk]])
    with time_machine.travel(AFTER_VOTE, tick=False):
        rounds.round_advance(actor=round_officer, round_id=round_.pk, to=Round.Phase.CLOSED)
        page = round_page(Round.objects.get(pk=round_.pk), user=deputies[0], now=AFTER_VOTE)
    assert page.ballot_result is not None
    assert page.ballot_result.tied == [str(b.pk), str(c.pk)]
    assert list(Project.objects.values_list("name", flat=True)) == [a.name]
    assert Candidate.objects.filter(project__isnull=False).get() == a


@pytest.mark.parametrize("who", ["resident", "deputy", "other_officer"])
def test_only_the_round_s_staff_moderate_shortlist_and_move_it(
    a_round, residents, deputies, other_officer, who
):
    person = {"resident": residents[0], "deputy": deputies[0], "other_officer": other_officer}[who]
    with time_machine.travel(IN_PROPOSALS, tick=False):
        proposal = rounds.proposal_submit(
            actor=residents[1], round_id=a_round.pk, title="路灯", text="路灯坏了"
        )
        with pytest.raises(NotFound):
            rounds.proposal_moderate(actor=person, proposal_id=proposal.pk, accept=True)
        with pytest.raises(NotFound):
            rounds.round_advance(actor=person, round_id=a_round.pk, to=Round.Phase.SHORTLISTING)
        with pytest.raises(NotFound):
            make_round(person)
    assert Proposal.objects.get().status == Proposal.Status.PENDING
    assert Round.objects.get().phase == Round.Phase.PROPOSALS
    assert not Event.objects.filter(
        event_type__in=["projects.proposal_accepted", "projects.round_moved"]
    ).exists()


def test_the_city_s_supervisor_runs_any_round(a_round, city_supervisor):
    with time_machine.travel(IN_SHORTLISTING, tick=False):
        rounds.round_advance(actor=city_supervisor, round_id=a_round.pk, to=Round.Phase.SHORTLISTING)
        shortlist(city_supervisor, a_round, names=("口袋公园",))
    assert Candidate.objects.get().name == "口袋公园"


def test_a_candidate_with_a_negative_cost_or_no_date_is_refused(a_round, round_officer):
    with time_machine.travel(IN_SHORTLISTING, tick=False):
        rounds.round_advance(actor=round_officer, round_id=a_round.pk, to=Round.Phase.SHORTLISTING)
        with pytest.raises(FieldErrors) as refused:
            rounds.candidate_shortlist(
                actor=round_officer,
                round_id=a_round.pk,
                name="电梯",
                description="说明",
                cost="-5",
                completion_date=None,
            )
    assert refused.value.errors == {
        "cost": "must be a number of yuan, not negative",
        "completion_date": "is required",
    }
    assert not Candidate.objects.exists()


def test_a_round_whose_dates_are_out_of_order_is_refused(round_officer):
    from banshi.directory.models import Agency

    with pytest.raises(FieldErrors) as refused:
        rounds.round_create(
            actor=round_officer,
            title="乱序",
            level="district",
            area=None,
            year=2027,
            organiser=Agency.objects.get(code="banan_housing"),
            places=1,
            proposals_close_at=SURVEY_CLOSES,
            survey_opens_at=IN_SURVEY,
            survey_closes_at=SURVEY_CLOSES,
            vote_opens_at=IN_VOTE,
            vote_closes_at=IN_VOTE,
        )
    assert refused.value.errors == {
        "survey_opens_at": "must come after the phase before it",
        "vote_closes_at": "must come after the phase before it",
    }
    assert not Round.objects.exists()
