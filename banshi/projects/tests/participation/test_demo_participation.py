"""The demo's rounds, consultation and session: open at the moment it runs, and a second run changes
nothing."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from banshi.accounts import demo as accounts_demo
from banshi.directory import demo as directory_demo
from banshi.polls import services as polls
from banshi.problems import demo as problems_demo
from banshi.projects import demo as register_demo
from banshi.projects import demo_participation
from banshi.projects.models import (
    Candidate,
    Comment,
    Consultation,
    Deputy,
    OnSiteSession,
    Proposal,
    Round,
    Verdict,
)
from banshi.projects.participation_access import may_run
from banshi.projects.services.consultations import consultation_is_open

pytestmark = pytest.mark.django_db
# A winter evening: the demo's dates are reckoned from whatever moment it runs.
SEEDED = datetime(2026, 12, 31, 21, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def seed_all():
    users = accounts_demo.seed()
    directory_demo.seed(users=users)
    problems_demo.seed(users=users)
    register_demo.seed(users=users)
    demo_participation.seed(users=users)
    return users


def counts():
    return [
        model.objects.count()
        for model in (Round, Proposal, Candidate, Consultation, Comment, OnSiteSession, Deputy, Verdict)
    ]


def test_the_demo_round_is_in_its_vote_open_now_and_a_second_run_changes_nothing(catalog):
    with time_machine.travel(SEEDED, tick=False):
        users = seed_all()
        first = counts()
        seed_all()
        assert counts() == first
        district = Round.objects.get(title=demo_participation.DISTRICT_ROUND)
        assert district.phase == Round.Phase.VOTE and district.ballot is not None
        assert polls.ballot_is_open(district.ballot, timezone.now())
        assert polls.may_vote(district.ballot, users["deputy1"]) and not polls.has_voted(
            district.ballot, users["deputy1"]
        )
        assert district.candidates.count() == 5 and district.places == 3
        street = Round.objects.get(title=demo_participation.STREET_ROUND)
        assert street.phase == Round.Phase.PROPOSALS
        consultation = Consultation.objects.get()
        assert consultation_is_open(consultation, timezone.now())
    assert sorted(Deputy.objects.values_list("user__username", flat=True)) == [
        f"deputy{n}" for n in range(1, 6)
    ]
    assert may_run(users["supervisor"], district.organiser) and not may_run(
        users["13800000000"], district.organiser
    )
