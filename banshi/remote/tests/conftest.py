"""The video call tests' set-up: a video window with its clerk, a call of theirs with the resident,
another call of another clerk with another resident."""

import pytest
import time_machine

from banshi.conftest import _user
from banshi.directory.models import Area, Membership, Window
from banshi.remote import services
from banshi.remote.tests.fixtures import IN_VIDEO_HOURS, serving_around_the_clock


@pytest.fixture
def in_video_hours():
    """The clock starts on a working morning inside the test windows' video hours, and runs on: the
    queue takes numbers (a test that travels itself goes from there)."""
    with time_machine.travel(IN_VIDEO_HOURS, tick=True):
        yield


@pytest.fixture
def call_window(catalog):
    """A video window that takes calls whenever the test runs (its servers keep the real clock)."""
    return serving_around_the_clock(
        Window.objects.create(
            name="渝中区政务服务中心视频窗口", kind=Window.Kind.VIDEO, area=Area.objects.get(code="500103")
        )
    )


@pytest.fixture
def call_clerk(call_window):
    user = _user("video-clerk")
    Membership.objects.create(user=user, role=Membership.Role.CLERK, window=call_window)
    return user


@pytest.fixture
def call_session(call_window, call_clerk, resident):
    """The resident took a number for the newborn bundle and the clerk called them."""
    services.ticket_take(actor=resident, window_id=call_window.pk, bundle_code="newborn")
    return services.call_start(actor=call_clerk)


@pytest.fixture
def other_call_session(call_session, call_window, other_resident):
    """Another clerk of the same window calls another resident."""
    clerk = _user("video-clerk-2")
    Membership.objects.create(user=clerk, role=Membership.Role.CLERK, window=call_window)
    services.ticket_take(actor=other_resident, window_id=call_window.pk)
    return services.call_start(actor=clerk)
