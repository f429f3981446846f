"""The live queue (取号): numbers per window and day, one open ticket per resident, appointment
holders first, leaving, and what the queue shows (numbers and waits, never a person); numbers only
while the window serves (its video hours on a working day of the calendar), and what the pages say
when it does not."""

import json
from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from banshi.audit.models import Event
from banshi.lib.errors import Conflict, NotFound
from banshi.remote import realtime, services
from banshi.remote.models import Appointment, CallSession, QueueTicket, Slot
from banshi.remote.selectors import (
    local_day,
    next_opening,
    queue_state,
    serving_until,
    ticket_position,
    whole_minutes,
    window_opening,
)
from banshi.remote.tests.fixtures import (  # noqa: F401 (fixtures)
    clerk_fixture,
    client_of,
    local,
    other_clerk_fixture,
    other_window_fixture,
    window_fixture,
)
from banshi.sequences.models import Counter
from banshi.worktime.models import CalendarOverride

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_video_hours")]
T = QueueTicket.Status


def take(user, window, **kwargs) -> QueueTicket:
    return services.ticket_take(actor=user, window_id=window.pk, **kwargs)


@pytest.fixture
def watched(monkeypatch):
    """The windows whose watchers were told the queue changed."""
    told: list[int] = []
    monkeypatch.setattr(realtime, "queue_changed", told.append)
    return told


def ended_call(window, clerk, resident, *, minutes: float, ago: float = 0) -> CallSession:
    ended = timezone.now() - timedelta(minutes=ago)
    return CallSession.objects.create(
        window=window,
        clerk=clerk,
        resident=resident,
        status=CallSession.Status.ENDED,
        outcome=CallSession.Outcome.SERVED,
        created_at=ended - timedelta(minutes=minutes + 1),
        connected_at=ended - timedelta(minutes=minutes),
        ended_at=ended,
    )


def appointment_now(window, resident, *, starts_in: timedelta) -> Appointment:
    """An appointment whose slot starts `starts_in` from now (the slot row made directly)."""
    starts = timezone.now() + starts_in
    slot = Slot.objects.create(
        window=window, starts_at=starts, ends_at=starts + timedelta(minutes=15), capacity=2, booked=1
    )
    return Appointment.objects.create(slot=slot, resident=resident, created_at=timezone.now())


def test_numbers_run_from_a001_per_window_and_day(window, other_window, resident, other_resident, outsider):
    assert take(resident, window).number == "A001"
    assert take(other_resident, window).number == "A002"
    assert take(outsider, other_window).number == "A001"
    today = local_day(timezone.now())
    assert Counter.objects.get(key=f"ticket:{window.pk}:{today:%Y%m%d}").value == 2


def test_taking_a_number_is_recorded_and_the_watchers_are_told(
    window, resident, watched, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = take(resident, window, bundle_code="newborn")
    assert watched == [window.pk]
    assert ticket.status == T.WAITING and ticket.bundle_code == "newborn" and ticket.appointment is None
    event = Event.objects.get(event_type="ticket.taken")
    assert event.actor == resident and event.new_state == T.WAITING
    assert event.extra == {"window": window.pk, "number": "A001", "appointment": False}


def test_a_resident_holds_one_open_ticket_per_window(window, resident, other_resident):
    first = take(resident, window)
    assert take(resident, window) == first
    assert QueueTicket.objects.count() == 1
    assert take(other_resident, window).number == "A002"  # the second take used no number


def test_a_resident_may_wait_at_two_windows(window, other_window, resident):
    take(resident, window)
    take(resident, other_window)
    assert QueueTicket.objects.filter(resident=resident, status=T.WAITING).count() == 2


def test_after_leaving_the_resident_can_take_a_new_number(window, resident):
    first = take(resident, window)
    services.ticket_leave(actor=resident, ticket_id=first.pk)
    second = take(resident, window)
    assert second != first and second.number == "A002"


def test_an_unknown_or_physical_window_has_no_queue(window_clerk, resident):
    from banshi.directory.models import Window

    physical = Window.objects.get(name="渝中区政务服务中心综合窗口")
    for window_id in (physical.pk, 999999):
        with pytest.raises(NotFound):
            services.ticket_take(actor=resident, window_id=window_id)
    assert not QueueTicket.objects.exists()


def test_an_appointment_holder_checking_in_goes_before_walk_ins(window, clerk, resident, other_resident):
    walk_in = take(other_resident, window)
    appointment = appointment_now(window, resident, starts_in=timedelta(minutes=10))
    holder = take(resident, window)
    assert holder.appointment == appointment
    assert [row["id"] for row in queue_state(window_id=window.pk)["tickets"]] == [holder.pk, walk_in.pk]
    assert ticket_position(ticket=holder)[0] == 1 and ticket_position(ticket=walk_in)[0] == 2
    session = services.call_start(actor=clerk)
    assert session.ticket == holder and session.appointment == appointment


def test_an_appointment_far_from_now_gives_no_priority(window, resident, other_resident):
    walk_in = take(other_resident, window)
    appointment_now(window, resident, starts_in=timedelta(hours=3))
    later = take(resident, window)
    assert later.appointment is None
    assert [row["id"] for row in queue_state(window_id=window.pk)["tickets"]] == [walk_in.pk, later.pk]


def test_leaving_the_queue_is_recorded_and_the_watchers_are_told(
    window, resident, watched, django_capture_on_commit_callbacks
):
    ticket = take(resident, window)
    watched.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_leave(actor=resident, ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.status == T.LEFT and ticket.finished_at is not None
    assert watched == [window.pk]
    assert Event.objects.filter(event_type="ticket.left", old_state="waiting", new_state="left").count() == 1
    assert queue_state(window_id=window.pk)["waiting"] == 0


def test_nobody_else_can_take_a_resident_out_of_the_queue(window, clerk, resident, other_resident, outsider):
    ticket = take(resident, window)
    for stranger in (other_resident, outsider, clerk):
        with pytest.raises(NotFound):
            services.ticket_leave(actor=stranger, ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.status == T.WAITING


def test_a_called_ticket_cannot_leave_the_queue(window, clerk, resident):
    ticket = take(resident, window)
    services.call_start(actor=clerk)
    with pytest.raises(Conflict):
        services.ticket_leave(actor=resident, ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.status == T.CALLED


def test_a_ticket_that_left_cannot_leave_again_or_be_called(window, clerk, resident):
    ticket = take(resident, window)
    services.ticket_leave(actor=resident, ticket_id=ticket.pk)
    with pytest.raises(Conflict):
        services.ticket_leave(actor=resident, ticket_id=ticket.pk)
    with pytest.raises(Conflict):
        services.call_start(actor=clerk, ticket_id=ticket.pk)
    assert not CallSession.objects.exists()


def test_the_queue_shows_numbers_places_and_waits_and_nobody(window, resident, other_resident):
    first, second = take(resident, window), take(other_resident, window)
    state = queue_state(window_id=window.pk)
    assert state == {
        "window": window.pk,
        "waiting": 2,
        "now_serving": None,
        "average_minutes": 10.0,
        "tickets": [
            {"id": first.pk, "number": "A001", "position": 1, "estimated_wait_minutes": 10.0},
            {"id": second.pk, "number": "A002", "position": 2, "estimated_wait_minutes": 20.0},
        ],
    }
    text = json.dumps(state)
    for person in (resident, other_resident):
        assert person.phone not in text and person.display_name not in text


def test_the_wait_is_the_place_times_the_average_of_the_last_ten_calls(
    window, clerk, resident, other_resident
):
    ended_call(window, clerk, resident, minutes=100, ago=60)  # the eleventh most recent: not counted
    for _ in range(10):
        ended_call(window, clerk, resident, minutes=4)
    take(resident, window)
    second = take(other_resident, window)
    assert queue_state(window_id=window.pk)["average_minutes"] == 4.0
    assert ticket_position(ticket=second) == (2, 8.0)


def test_now_serving_is_the_number_last_called(window, clerk, resident, other_resident):
    take(resident, window)
    take(other_resident, window)
    services.call_start(actor=clerk)
    state = queue_state(window_id=window.pk)
    assert state["now_serving"] == "A001" and state["waiting"] == 1
    assert state["tickets"][0]["position"] == 1


def test_a_ticket_no_longer_waiting_has_no_place(window, clerk, resident):
    ticket = take(resident, window)
    services.call_start(actor=clerk)
    ticket.refresh_from_db()
    assert ticket_position(ticket=ticket) == (0, 0.0)


def test_yesterdays_tickets_are_not_in_todays_queue(window, resident):
    old = take(resident, window)
    QueueTicket.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1))
    assert queue_state(window_id=window.pk)["waiting"] == 0
    assert take(resident, window) != old


def test_the_queue_of_one_window_is_not_another_windows(window, other_window, resident, other_resident):
    take(resident, window)
    take(other_resident, other_window)
    assert queue_state(window_id=other_window.pk)["waiting"] == 1
    assert queue_state(window_id=window.pk)["tickets"][0]["number"] == "A001"


# --- the window's hours -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "moment, opens",
    [
        ((2026, 12, 2, 2, 28), (2026, 12, 2, 9, 0)),  # a working night: opens this morning
        ((2026, 12, 2, 12, 30), (2026, 12, 2, 13, 30)),  # the lunch break
        ((2026, 12, 2, 17, 30), (2026, 12, 3, 9, 0)),  # closing time: tomorrow
        ((2026, 12, 5, 10, 0), (2026, 12, 7, 9, 0)),  # a Saturday: Monday
        ((2026, 10, 1, 10, 0), (2026, 10, 8, 9, 0)),  # National Day: after the holiday week
        ((2026, 9, 30, 23, 30), (2026, 10, 8, 9, 0)),  # the eve of the holiday, at night
    ],
)
def test_no_number_is_given_while_the_window_is_closed(window, resident, moment, opens):
    with time_machine.travel(local(*moment), tick=False):
        assert serving_until(window=window) is None
        assert next_opening(window=window) == local(*opens)
        with pytest.raises(Conflict) as refused:
            take(resident, window)
    assert not QueueTicket.objects.exists()
    assert not Event.objects.filter(event_type="ticket.taken").exists()
    assert not Counter.objects.exists()  # no number used up either
    assert f"{opens[3]:02d}:{opens[4]:02d}" in str(refused.value)


@pytest.mark.parametrize(
    "moment, until",
    [
        ((2026, 12, 2, 9, 0), (2026, 12, 2, 12, 0)),  # the moment it opens
        ((2026, 12, 2, 17, 29), (2026, 12, 2, 17, 30)),
        ((2026, 10, 10, 10, 0), (2026, 10, 10, 12, 0)),  # a make-up working Saturday: Monday's hours
    ],
)
def test_a_number_is_given_while_the_window_serves(window, resident, moment, until):
    with time_machine.travel(local(*moment), tick=False):
        assert serving_until(window=window) == local(*until)
        assert take(resident, window).number == "A001"


def test_a_holiday_set_by_the_administrators_closes_the_queue(window, resident):
    CalendarOverride.objects.create(date=date(2026, 12, 2), kind=CalendarOverride.Kind.HOLIDAY)
    with time_machine.travel(local(2026, 12, 2, 10, 0), tick=False):
        assert window_opening(window=window) == {
            "serving": False,
            "until": None,
            "next_opening": local(2026, 12, 3, 9, 0),
        }
        with pytest.raises(Conflict):
            take(resident, window)
    assert not QueueTicket.objects.exists()


def test_an_appointment_holder_checks_in_before_the_window_opens(window, resident, other_resident):
    with time_machine.travel(local(2026, 12, 2, 8, 40), tick=False):
        appointment = appointment_now(window, resident, starts_in=timedelta(minutes=20))
        assert take(resident, window).appointment == appointment
        with pytest.raises(Conflict):  # a walk-in waits for the opening
            take(other_resident, window)


def test_a_window_without_hours_never_gives_a_number(catalog, resident):
    from banshi.directory.models import Area, Window

    bare = Window.objects.create(
        name="无时间窗口", kind=Window.Kind.VIDEO, area=Area.objects.get(code="500103")
    )
    with pytest.raises(Conflict):
        take(resident, bare)
    assert next_opening(window=bare) is None


def test_a_wait_is_never_about_zero_minutes():
    assert [whole_minutes(value) for value in (0.0, 0.2, 1.0, 1.01, 9.5)] == [1, 1, 1, 2, 10]


def test_at_night_the_pages_say_closed_show_the_opening_and_offer_to_book(window, resident):
    client = client_of(resident)
    with time_machine.travel(local(2026, 12, 2, 2, 28), tick=False):
        page = client.get(f"/video/windows/{window.pk}/queue/").content.decode()
        assert 'id="window-closed"' in page and "Dec. 2, 2026, 09:00" in page
        assert f'href="/video/windows/{window.pk}/book/"' in page
        assert 'id="take-number"' not in page and "minutes" not in page
        refused = client.post(f"/video/windows/{window.pk}/queue/", {"bundle_code": "newborn"}, follow=True)
        assert "The video window is closed now" in refused.content.decode()
        home = client.get("/video/").content.decode()
        assert "Closed now." in home and "Opens on Dec. 2, 2026 at 09:00." in home
        assert "Take a number now" not in home
    assert not QueueTicket.objects.exists()


def test_in_hours_the_pages_offer_a_number_and_never_a_wait_of_zero_minutes(window, clerk, resident):
    for _ in range(3):
        ended_call(window, clerk, resident, minutes=0.1)
    client = client_of(resident)
    with time_machine.travel(local(2026, 12, 2, 10, 0), tick=False):
        assert "Open now, until 12:00." in client.get("/video/").content.decode()
        page = client.get(f"/video/windows/{window.pk}/queue/").content.decode()
        assert 'id="take-number"' in page and 'id="window-closed"' not in page
        assert "A call takes about 1 minutes." in page and "Numbers are taken until 12:00." in page
        client.post(f"/video/windows/{window.pk}/queue/", {"bundle_code": "newborn"})
        page = client.get(f"/video/windows/{window.pk}/queue/").content.decode()
    assert 'id="ticket-wait">1<' in page
    assert QueueTicket.objects.get().number == "A001"


def test_the_queue_json_and_the_console_say_whether_the_window_serves(window, clerk, resident):
    with time_machine.travel(local(2026, 12, 5, 10, 0), tick=False):  # a Saturday
        data = client_of(resident).get(f"/video/windows/{window.pk}/queue.json").json()
        assert (data["serving"], data["serving_until"]) == (False, None)
        assert data["next_opening"] == "2026-12-07T09:00:00+08:00"
        console = client_of(clerk).get("/video/console/").content.decode()
        assert (
            'id="window-opening" data-open="no"' in console and "Opens on Dec. 7, 2026 at 09:00." in console
        )
    with time_machine.travel(local(2026, 12, 7, 14, 0), tick=False):
        data = client_of(resident).get(f"/video/windows/{window.pk}/queue.json").json()
        assert (data["serving"], data["serving_until"], data["next_opening"]) == (
            True,
            "2026-12-07T17:30:00+08:00",
            None,
        )
        assert 'data-open="yes"' in client_of(clerk).get("/video/console/").content.decode()
