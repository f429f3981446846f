"""A video window with opening hours and its clerks, for the tests of the domain and the pages.
Imported by the test modules that need them (pytest finds fixtures in a test module's namespace)."""

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from banshi.conftest import _user
from banshi.directory.models import Area, Membership, Window
from banshi.remote.models import CallSession, VideoHours
from banshi.remote.selectors import local_day, slots_upcoming
from banshi.worktime.models import CalendarOverride

HOURS = ((time(9), time(12)), (time(13, 30), time(17, 30)))
# A working Wednesday morning (China time), inside HOURS: the queue takes numbers.
IN_VIDEO_HOURS = "2026-12-02T10:00:00+08:00"


def serving_around_the_clock(window: Window) -> Window:
    """The window takes video calls all day every working day, and today and tomorrow are working
    days: for the tests whose servers keep the real clock (a test process cannot travel a server's)."""
    VideoHours.objects.bulk_create(
        VideoHours(window=window, weekday=weekday, opens=time(0), closes=time(23, 59, 59), capacity=2)
        for weekday in range(5)
    )
    today = local_day(timezone.now())
    for day in (today, today + timedelta(days=1)):
        CalendarOverride.objects.get_or_create(
            date=day, defaults={"kind": CalendarOverride.Kind.WORKDAY, "name": "video window test"}
        )
    return window


def video_window_with_hours(name: str, capacity: int = 2) -> Window:
    window = Window.objects.create(name=name, kind=Window.Kind.VIDEO, area=Area.objects.get(code="500103"))
    VideoHours.objects.bulk_create(
        VideoHours(
            window=window, weekday=weekday, opens=opens, closes=closes, slot_minutes=15, capacity=capacity
        )
        for weekday in range(5)
        for opens, closes in HOURS
    )
    return window


def video_clerk_of(username: str, window: Window):
    user = _user(username)
    Membership.objects.create(user=user, role=Membership.Role.CLERK, window=window)
    return user


@pytest.fixture(name="window")
def window_fixture(catalog):
    return video_window_with_hours("渝中区视频窗口")


@pytest.fixture(name="clerk")
def clerk_fixture(window):
    return video_clerk_of("vclerk", window)


@pytest.fixture(name="other_window")
def other_window_fixture(catalog):
    return video_window_with_hours("江北区视频窗口")


@pytest.fixture(name="other_clerk")
def other_clerk_fixture(other_window):
    return video_clerk_of("vclerk-jb", other_window)


@pytest.fixture(name="supervisor")
def supervisor_fixture(catalog):
    user = _user("supervisor")
    Membership.objects.create(user=user, role=Membership.Role.SUPERVISOR)
    return user


def client_of(user=None) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    if user is not None:
        client.force_login(user)
    return client


def future_slot(window, *, day_index: int = 1, slot_index: int = 0):
    """A slot on one of the listed working days after today (so that it has not begun)."""
    days = [(day, slots) for day, slots in slots_upcoming(window=window) if slots]
    day, slots = days[day_index]
    assert day > timezone.localdate()
    return slots[slot_index]


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


def finished_call(session: CallSession, *, minutes: float) -> None:
    """Pretend the call connected `minutes` before it ended."""
    ended = session.ended_at or timezone.now()
    CallSession.objects.filter(pk=session.pk).update(connected_at=ended - timedelta(minutes=minutes))
