"""The participation pages: nothing counted while the vote is open, the counts once closed, the forms'
refusals shown beside the fields (nothing written), the similar proposals fragment, and a resident who
cannot moderate, shortlist or move a round from the pages either."""

from datetime import date

import pytest
import time_machine
from django.template import Context, Template
from django.test import RequestFactory

from banshi.polls.models import Paper, VoterMark
from banshi.projects.models import Candidate, Project, Proposal, Round, Verdict
from banshi.projects.services import rounds
from banshi.projects.tests.participation.conftest import (
    AFTER_VOTE,
    IN_PROPOSALS,
    IN_SHORTLISTING,
    IN_SURVEY,
    IN_VOTE,
    make_round,
    shortlist,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_round_page_shows_the_turnout_but_no_count_while_the_vote_is_open(client, in_vote, deputies):
    round_, (lift, canteen, _parking) = in_vote
    with time_machine.travel(IN_VOTE, tick=False):
        rounds.round_vote(actor=deputies[0], round_id=round_.pk, choices=[lift.pk, canteen.pk])
        page = client.get(f"/projects/rounds/{round_.pk}/", **EN)
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 of 5 deputies have voted" in text
    assert 'id="ballot-result"' not in text and "Votes" not in text


def test_the_counts_are_public_once_the_vote_closes(client, in_vote, deputies, round_officer):
    round_, (lift, canteen, parking) = in_vote
    with time_machine.travel(IN_VOTE, tick=False):
        for deputy in deputies:
            rounds.round_vote(actor=deputy, round_id=round_.pk, choices=[lift.pk])
    with time_machine.travel(AFTER_VOTE, tick=False):
        rounds.round_advance(actor=round_officer, round_id=round_.pk, to=Round.Phase.CLOSED)
        page = client.get(f"/projects/rounds/{round_.pk}/", **EN)
    text = page.content.decode()
    assert 'id="ballot-result"' in text
    assert "5 of 5 deputies voted" in text and "at least 3 votes" in text
    lift.refresh_from_db()
    assert f'href="/projects/{lift.project_id}/"' in text


def test_a_deputy_s_ballot_with_too_many_choices_is_shown_again_with_the_problem(client, in_vote, deputies):
    round_, candidates = in_vote
    client.force_login(deputies[0])
    with time_machine.travel(IN_VOTE, tick=False):
        form = client.get(f"/projects/rounds/{round_.pk}/ballot/", **EN)
        assert 'id="cast"' in form.content.decode()
        page = client.post(
            f"/projects/rounds/{round_.pk}/ballot/", {"choices": [str(c.pk) for c in candidates]}, **EN
        )
    assert page.status_code == 400
    assert "Your choices chooses 3 candidates; at most 2 may be chosen" in page.content.decode()
    assert not VoterMark.objects.exists() and not Paper.objects.exists()


def test_a_deputy_votes_once_from_the_page(client, in_vote, deputies):
    round_, (lift, _canteen, _parking) = in_vote
    client.force_login(deputies[0])
    with time_machine.travel(IN_VOTE, tick=False):
        done = client.post(f"/projects/rounds/{round_.pk}/ballot/", {"choices": [str(lift.pk)]}, **EN)
        again = client.post(
            f"/projects/rounds/{round_.pk}/ballot/", {"choices": [str(lift.pk)]}, follow=True, **EN
        )
    assert done.status_code == 302
    assert "You have already voted in this ballot." in again.content.decode()
    assert VoterMark.objects.count() == 1 and Paper.objects.count() == 1


def test_a_resident_cannot_moderate_shortlist_or_move_a_round_from_the_pages(client, a_round, residents):
    with time_machine.travel(IN_PROPOSALS, tick=False):
        proposal = rounds.proposal_submit(
            actor=residents[1], round_id=a_round.pk, title="路灯", text="路灯坏了"
        )
        client.force_login(residents[0])
        page = client.get(f"/projects/rounds/{a_round.pk}/")
        assert 'id="staff"' not in page.content.decode() and "路灯坏了" not in page.content.decode()
        moderate = client.post(
            f"/projects/rounds/{a_round.pk}/proposals/{proposal.pk}/moderate/", {"decision": "accept"}
        )
        advance = client.post(f"/projects/rounds/{a_round.pk}/advance/", {"to": "shortlisting"})
        shortlist = client.post(
            f"/projects/rounds/{a_round.pk}/candidates/new/",
            {"name": "x", "description": "y", "cost": "1", "completion_date": "2027-12-31"},
        )
    assert (moderate.status_code, advance.status_code, shortlist.status_code) == (404, 404, 404)
    assert Proposal.objects.get().status == Proposal.Status.PENDING
    assert Round.objects.get().phase == Round.Phase.PROPOSALS and not Candidate.objects.exists()


def test_a_proposal_form_with_an_empty_text_names_the_field_and_writes_nothing(client, a_round, residents):
    client.force_login(residents[0])
    with time_machine.travel(IN_PROPOSALS, tick=False):
        page = client.post(f"/projects/rounds/{a_round.pk}/propose/", {"title": "加装电梯", "text": ""}, **EN)
    assert page.status_code == 400
    assert "What should be done, and why is required" in page.content.decode()
    assert not Proposal.objects.exists()


def test_the_similar_earlier_proposals_are_offered_while_typing(client, a_round, residents, round_officer):
    with time_machine.travel(IN_PROPOSALS, tick=False):
        earlier = rounds.proposal_submit(
            actor=residents[1], round_id=a_round.pk, title="老旧小区加装电梯", text="老人上下楼难"
        )
        rounds.proposal_submit(
            actor=residents[2], round_id=a_round.pk, title="加装电梯（未审核）", text="未审核的不显示"
        )
        rounds.proposal_moderate(actor=round_officer, proposal_id=earlier.pk, accept=True)
        form = client.get(f"/projects/rounds/{a_round.pk}/propose/", follow=True)
        fragment = client.get(
            f"/projects/rounds/{a_round.pk}/similar/", {"title": "电梯"}, HTTP_HX_REQUEST="true"
        )
        nothing = client.get(f"/projects/rounds/{a_round.pk}/similar/", {"title": "公园"})
    assert form.status_code == 200
    text = fragment.content.decode()
    assert "老旧小区加装电梯" in text and "未审核" not in text
    assert "老旧小区加装电梯" not in nothing.content.decode()


def test_the_proposal_form_loads_htmx_from_static_files_without_inline_script(client, a_round, residents):
    client.force_login(residents[0])
    with time_machine.travel(IN_PROPOSALS, tick=False):
        page = client.get(f"/projects/rounds/{a_round.pk}/propose/")
    text = page.content.decode()
    assert 'hx-get="/projects/rounds/' in text and "htmx.min.js" in text
    assert "<script>" not in text


def test_the_project_panel_shows_its_origin_and_the_public_verdict(
    in_vote, deputies, residents, round_officer
):
    round_, (lift, _canteen, _parking) = in_vote
    with time_machine.travel(IN_VOTE, tick=False):
        for deputy in deputies:
            rounds.round_vote(actor=deputy, round_id=round_.pk, choices=[lift.pk])
    with time_machine.travel(AFTER_VOTE, tick=False):
        rounds.round_advance(actor=round_officer, round_id=round_.pk, to=Round.Phase.CLOSED)
    project = Project.objects.get()
    project.status = Project.Status.COMPLETED
    project.save(update_fields=["status"])
    Verdict.objects.create(
        project=project, rater=residents[0], rated_as="resident", rating="satisfied", created_at=AFTER_VOTE
    )
    request = RequestFactory().get(f"/projects/{project.pk}/")
    request.user = residents[1]
    from django.utils import translation

    with translation.override("en"):
        html = Template('{% include "projects/participation/_project_panel.html" %}').render(
            Context({"project": project, "request": request, "user": residents[1]})
        )
    assert "Chosen by the deputies’ vote" in html or "Chosen by the deputies' vote" in html
    assert round_.title in html
    assert 'class="verdict-satisfied"><td>Satisfied</td><td>1</td><td>0</td>' in html
    assert 'id="verdict-form"' in html


def test_a_verdict_from_the_page_is_recorded_once(client, residents):
    project = Project.objects.create(
        name="步道", level="city", year=2026, status=Project.Status.COMPLETED, end_date=date(2026, 6, 30)
    )
    client.force_login(residents[0])
    first = client.post(
        f"/projects/{project.pk}/verdict/", {"rating": "satisfied", "next": "/projects/verdicts/"}
    )
    second = client.post(f"/projects/{project.pk}/verdict/", {"rating": "abstain"}, follow=True, **EN)
    assert first.status_code == 302 and first["Location"] == "/projects/verdicts/"
    assert "You have already rated this project." in second.content.decode()
    assert list(Verdict.objects.values_list("rating", flat=True)) == ["satisfied"]
    page = client.get("/projects/verdicts/", **EN)
    assert 'class="verdict-satisfied"><td>Satisfied</td><td>1</td><td>0</td>' in page.content.decode()


def test_a_deputy_lands_on_the_selection_rounds(client, deputies):
    from banshi.directory.roles import provided_places

    assert [place.page for place in provided_places(user=deputies[0])] == ["projects:round_list"]


def test_a_resident_says_where_they_live_to_answer_a_survey_for_the_area_s_residents(
    client, round_officer, residents
):
    from banshi.audit.models import Event
    from banshi.polls.models import Residence

    round_ = make_round(round_officer, survey_residents_only=True)
    with time_machine.travel(IN_SHORTLISTING, tick=False):
        rounds.round_advance(actor=round_officer, round_id=round_.pk, to=Round.Phase.SHORTLISTING)
        candidates = shortlist(round_officer, round_)
        rounds.round_advance(actor=round_officer, round_id=round_.pk, to=Round.Phase.SURVEY)
    client.force_login(residents[0])
    answers = {f"c{candidate.pk}": "support" for candidate in candidates}
    with time_machine.travel(IN_SURVEY, tick=False):
        asked = client.get(f"/projects/rounds/{round_.pk}/survey/", **EN)
        assert (
            'id="declare-residence"' in asked.content.decode()
            and 'id="send-survey"' not in asked.content.decode()
        )
        refused = client.post(f"/projects/rounds/{round_.pk}/survey/", answers, follow=True, **EN)
        assert "This survey is not for you" in refused.content.decode()
        elsewhere = client.post(
            f"/projects/rounds/{round_.pk}/residence/", {"area": "nowhere"}, follow=True, **EN
        )
        assert "is not an area of the city" in elsewhere.content.decode()
        client.post(f"/projects/rounds/{round_.pk}/residence/", {"area": "500113"})
        answered = client.post(f"/projects/rounds/{round_.pk}/survey/", answers)
    assert answered.status_code == 302
    assert Residence.objects.get(user=residents[0]).area.code == "500113"
    assert Event.objects.filter(event_type="polls.residence_declared").count() == 1
    from banshi.polls.models import Response

    assert Response.objects.filter(respondent=residents[0]).count() == 1
