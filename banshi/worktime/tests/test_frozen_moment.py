"""`BANSHI_FROZEN_AT` (`make test-clock`): a session can be run from a chosen moment, China time unless
the value says otherwise, and a test that fixes its own clock keeps it."""

import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from banshi.conftest import frozen_moment

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_moment_is_read_in_china_time_unless_it_gives_its_offset():
    assert frozen_moment("2026-12-02T02:00") == datetime(2026, 12, 2, 2, 0, tzinfo=SHANGHAI)
    assert frozen_moment("2026-12-31T23:30+00:00") == datetime(2026, 12, 31, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize("value", ["tomorrow", "2026-13-01T00:00", "02:00"])
def test_a_malformed_moment_stops_the_run_naming_the_variable(value):
    with pytest.raises(pytest.UsageError, match="BANSHI_FROZEN_AT must be an ISO date and time"):
        frozen_moment(value)


def test_the_session_runs_from_the_moment_given_and_a_test_s_own_clock_wins():
    value = os.environ.get("BANSHI_FROZEN_AT", "")
    start = frozen_moment(value) if value else None
    now = timezone.now()
    # Without the variable the clock is the real one; with it, the session began at that moment (and
    # runs on: the whole of `make test-clock`'s run takes minutes, not hours).
    assert start is None or start <= now < start + timedelta(hours=1)
    own = datetime(2026, 10, 1, 8, 0, tzinfo=SHANGHAI)
    with time_machine.travel(own, tick=False):
        assert timezone.now() == own
    assert timezone.now() >= now
