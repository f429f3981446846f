from datetime import datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from banshi.conftest import _user
from banshi.polls import services

CHINA = ZoneInfo("Asia/Shanghai")
OPENS = datetime(2026, 11, 2, 9, 0, tzinfo=CHINA)
CLOSES = OPENS + timedelta(days=2)
DURING = OPENS + timedelta(hours=3)
AFTER = CLOSES + timedelta(minutes=1)


@pytest.fixture
def voters(db):
    return [_user(f"voter{n}") for n in range(1, 6)]


@pytest.fixture
def outsider_voter(db):
    return _user("not-on-the-roll")


def make_ballot(voters, *, places=2, candidates=("a", "b", "c"), threshold=Fraction(1, 2)):
    roll = services.roll_draw(actor=None, name="roll", users=voters, at=OPENS - timedelta(days=1))
    return services.ballot_create(
        actor=None,
        title="Which projects?",
        subject=("tests.round", "1", "a round"),
        places=places,
        candidates=[(key, f"candidate {key}") for key in candidates],
        roll=roll,
        opens_at=OPENS,
        closes_at=CLOSES,
        threshold=threshold,
    )


@pytest.fixture
def ballot(voters):
    return make_ballot(voters)
