"""The people and dates of the participation tests: a round of Banan's (巴南区) organised by its housing
commission, the commission's officer and the city's supervisor (who run it), an officer of another unit
and residents (who do not), and five deputies."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from banshi.conftest import _user
from banshi.directory.models import Agency, Area, Membership
from banshi.projects.models import Candidate, Round
from banshi.projects.services import rounds

CHINA = ZoneInfo("Asia/Shanghai")
BANAN = "500113"
CREATED = datetime(2026, 9, 1, 9, 0, tzinfo=CHINA)
PROPOSALS_CLOSE = datetime(2026, 9, 30, 18, 0, tzinfo=CHINA)
SURVEY_OPENS = datetime(2026, 10, 8, 9, 0, tzinfo=CHINA)
SURVEY_CLOSES = datetime(2026, 10, 31, 18, 0, tzinfo=CHINA)
VOTE_OPENS = datetime(2026, 11, 10, 9, 0, tzinfo=CHINA)
VOTE_CLOSES = datetime(2026, 11, 10, 12, 0, tzinfo=CHINA)
IN_PROPOSALS = datetime(2026, 9, 10, 10, 0, tzinfo=CHINA)
IN_SHORTLISTING = datetime(2026, 10, 2, 10, 0, tzinfo=CHINA)
IN_SURVEY = datetime(2026, 10, 15, 10, 0, tzinfo=CHINA)
IN_VOTE = datetime(2026, 11, 10, 10, 0, tzinfo=CHINA)
AFTER_VOTE = datetime(2026, 11, 10, 12, 30, tzinfo=CHINA)


@pytest.fixture
def banan_housing(catalog):
    agency, _created = Agency.objects.get_or_create(
        code="banan_housing",
        defaults={
            "name_zh": "巴南区住房和城乡建设委员会",
            "name_en": "Banan Housing",
            "area": Area.objects.get(code=BANAN),
        },
    )
    return agency


@pytest.fixture
def round_officer(banan_housing):
    user = _user("banan_officer")
    Membership.objects.create(user=user, role=Membership.Role.OFFICER, agency=banan_housing)
    return user


@pytest.fixture
def city_supervisor(catalog):
    user = _user("city_supervisor")
    Membership.objects.create(user=user, role=Membership.Role.SUPERVISOR)
    return user


@pytest.fixture
def other_officer(catalog):
    user = _user("health_person")
    Membership.objects.create(
        user=user, role=Membership.Role.OFFICER, agency=Agency.objects.get(code="health_commission")
    )
    return user


@pytest.fixture
def residents(catalog):
    return [_user(f"1390000000{n}", phone=f"1390000000{n}") for n in range(1, 4)]


@pytest.fixture
def deputies(catalog):
    users = [_user(f"deputy{n}") for n in range(1, 6)]
    for user in users:
        rounds.deputy_add(actor=None, user=user)
    return users


def make_round(officer, *, places: int = 2, **kwargs) -> Round:
    with time_machine.travel(CREATED, tick=False):
        return rounds.round_create(
            actor=officer,
            title="2027年巴南区民生实事票决",
            level="district",
            area=Area.objects.get(code=BANAN),
            year=2027,
            organiser=Agency.objects.get(code="banan_housing"),
            places=places,
            proposals_close_at=PROPOSALS_CLOSE,
            survey_opens_at=SURVEY_OPENS,
            survey_closes_at=SURVEY_CLOSES,
            vote_opens_at=VOTE_OPENS,
            vote_closes_at=VOTE_CLOSES,
            **kwargs,
        )


@pytest.fixture
def a_round(round_officer):
    return make_round(round_officer)


def shortlist(
    officer, round_: Round, names=("加装电梯", "社区食堂", "停车位改造"), proposal=None
) -> list[Candidate]:
    made = []
    for index, name in enumerate(names):
        made.append(
            rounds.candidate_shortlist(
                actor=officer,
                round_id=round_.pk,
                name=name,
                description=f"{name}的说明",
                cost=f"{(index + 1) * 1000000}",
                completion_date=date(2027, 12, 31),
                proposal_id=proposal.pk if proposal is not None and index == 0 else None,
            )
        )
    return made


@pytest.fixture
def in_vote(a_round, round_officer, deputies):
    """The round in its vote, with three candidates (the survey done)."""
    with time_machine.travel(IN_SHORTLISTING, tick=False):
        rounds.round_advance(actor=round_officer, round_id=a_round.pk, to=Round.Phase.SHORTLISTING)
        candidates = shortlist(round_officer, a_round)
        rounds.round_advance(actor=round_officer, round_id=a_round.pk, to=Round.Phase.SURVEY)
    with time_machine.travel(SURVEY_CLOSES + timedelta(hours=1), tick=False):
        rounds.round_advance(actor=round_officer, round_id=a_round.pk, to=Round.Phase.VOTE)
    a_round.refresh_from_db()
    return a_round, candidates
