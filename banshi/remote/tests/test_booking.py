"""Booking a time with a video window: slots cut from the hours on the working calendar, booking,
cancelling and rescheduling, the refusals, and two residents racing for the last place."""

import threading
from datetime import date, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone, translation

from banshi.audit.models import Event
from banshi.conftest import _user
from banshi.directory.models import Area, Window
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.remote import services
from banshi.remote.models import Appointment, Slot, VideoHours
from banshi.remote.selectors import day_slots, local_day, slots_upcoming
from banshi.remote.tests.fixtures import (  # noqa: F401 (fixtures)
    future_slot,
    local,
    other_window_fixture,
    video_window_with_hours,
    window_fixture,
)
from banshi.worktime.calendar import Calendar
from banshi.worktime.models import CalendarOverride

pytestmark = pytest.mark.django_db
# Five minutes into the first slot of Monday 2 November 2026.
BEGUN_FIVE_MINUTES_AGO = local(2026, 11, 2, 9, 5)


def book(user, window, slot, **kwargs) -> Appointment:
    return services.appointment_book(actor=user, window_id=window.pk, starts_at=slot.starts_at, **kwargs)


# --- slots --------------------------------------------------------------------------------------------


def test_slots_are_cut_from_the_hours_of_a_working_day(window):
    slots = day_slots(window=window, day=date(2026, 11, 30))  # a Monday
    assert len(slots) == 12 + 16  # 09:00-12:00 and 13:30-17:30 in quarters of an hour
    assert slots[0].starts_at == local(2026, 11, 30, 9) and slots[0].ends_at == local(2026, 11, 30, 9, 15)
    assert slots[-1].starts_at == local(2026, 11, 30, 17, 15)
    starts = {slot.starts_at for slot in slots}
    assert local(2026, 11, 30, 13, 30) in starts
    assert local(2026, 11, 30, 12) not in starts and local(2026, 11, 30, 13, 15) not in starts
    assert {slot.capacity for slot in slots} == {2} and {slot.left for slot in slots} == {2}


def test_a_public_holiday_has_no_slots(window):
    assert day_slots(window=window, day=date(2026, 10, 1)) == []  # National Day, a Thursday
    assert day_slots(window=window, day=date(2026, 10, 5)) == []  # a Monday of the Golden Week


def test_an_ordinary_weekend_has_no_slots(window):
    assert day_slots(window=window, day=date(2026, 11, 28)) == []
    assert day_slots(window=window, day=date(2026, 11, 29)) == []


def test_a_make_up_working_saturday_takes_mondays_hours(window):
    VideoHours.objects.filter(window=window, weekday=0, opens=time(13, 30)).delete()  # Monday mornings only
    make_up = day_slots(window=window, day=date(2026, 10, 10))  # a make-up working Saturday
    monday = day_slots(window=window, day=date(2026, 10, 12))
    friday = day_slots(window=window, day=date(2026, 10, 9))
    assert [slot.starts_at.time() for slot in make_up] == [slot.starts_at.time() for slot in monday]
    assert len(make_up) == 12 and len(friday) == 28


def test_the_listing_covers_the_next_ten_working_days_with_the_places_left(window, resident):
    days = slots_upcoming(window=window)
    calendar = Calendar()
    assert len(days) == 10
    assert all(calendar.day(day)[0] for day, _slots in days)
    assert [day for day, _slots in days] == sorted({day for day, _slots in days})
    slot = future_slot(window)
    book(resident, window, slot)
    listed = {s.starts_at: s for _day, slots in slots_upcoming(window=window) for s in slots}
    assert listed[slot.starts_at].left == 1 and listed[slot.starts_at].booked == 1


def test_an_administrators_closure_takes_the_day_out_of_the_listing_and_refuses_it(window, resident):
    slot = future_slot(window)
    closed = local_day(slot.starts_at)
    CalendarOverride.objects.create(date=closed, kind=CalendarOverride.Kind.HOLIDAY, name="closure")
    days = [day for day, _slots in slots_upcoming(window=window)]
    assert closed not in days and len(days) == 10
    with pytest.raises(FieldErrors) as refused:
        book(resident, window, slot)
    assert refused.value.errors == {"starts_at": "is not a time this window takes video calls"}
    assert not Appointment.objects.exists()


# --- booking ------------------------------------------------------------------------------------------


def test_booking_takes_a_place_and_records_it(window, resident):
    slot = future_slot(window)
    appointment = book(resident, window, slot, bundle_code="newborn")
    assert appointment.status == Appointment.Status.BOOKED and appointment.bundle_code == "newborn"
    stored = Slot.objects.get(window=window, starts_at=slot.starts_at)
    assert (stored.booked, stored.capacity, stored.ends_at) == (1, 2, slot.ends_at)
    event = Event.objects.get(event_type="appointment.booked")
    assert event.actor == resident and event.subject_id == str(appointment.pk)
    assert event.extra == {"window": window.pk, "slot": stored.pk, "bundle": "newborn"}


def test_a_slot_posted_as_local_text_books_the_same_place(window, resident):
    slot = future_slot(window)
    appointment = services.appointment_book(
        actor=resident, window_id=window.pk, starts_at=slot.starts_at.strftime("%Y-%m-%dT%H:%M")
    )
    assert appointment.slot.starts_at == slot.starts_at


def test_a_full_slot_is_refused_and_nothing_is_written(catalog, resident, other_resident):
    small = video_window_with_hours("小视频窗口", capacity=1)
    slot = future_slot(small)
    book(resident, small, slot)
    events = Event.objects.count()
    with pytest.raises(FieldErrors) as refused:
        book(other_resident, small, slot)
    assert refused.value.errors == {"starts_at": "is fully booked: choose another time"}
    assert Appointment.objects.count() == 1 and Event.objects.count() == events
    assert Slot.objects.get().booked == 1


@time_machine.travel(BEGUN_FIVE_MINUTES_AGO, tick=False)
def test_a_slot_that_has_begun_is_refused(window, resident):
    with pytest.raises(FieldErrors) as refused:
        services.appointment_book(actor=resident, window_id=window.pk, starts_at=local(2026, 11, 2, 9))
    assert refused.value.errors == {"starts_at": "has already begun: choose a later time"}
    assert not Slot.objects.exists() and not Appointment.objects.exists()


@pytest.mark.parametrize("hour, minute", [(12, 0), (9, 7), (8, 45), (17, 30)])
def test_a_time_outside_the_hours_or_between_slots_is_refused(window, resident, hour, minute):
    day = local_day(future_slot(window).starts_at)
    with pytest.raises(FieldErrors) as refused:
        services.appointment_book(
            actor=resident, window_id=window.pk, starts_at=local(day.year, day.month, day.day, hour, minute)
        )
    assert refused.value.errors == {"starts_at": "is not a time this window takes video calls"}


def test_a_missing_time_is_refused(window, resident):
    with pytest.raises(FieldErrors) as refused:
        services.appointment_book(actor=resident, window_id=window.pk, starts_at="")
    assert refused.value.errors == {"starts_at": "is required: choose a time"}


def test_a_physical_window_cannot_be_booked(window, resident):
    physical = Window.objects.create(name="综合窗口", area=Area.objects.get(code="500103"))
    slot = future_slot(window)
    with pytest.raises(NotFound):
        services.appointment_book(actor=resident, window_id=physical.pk, starts_at=slot.starts_at)


def test_an_unknown_matter_is_refused(window, resident):
    with pytest.raises(FieldErrors) as refused:
        book(resident, window, future_slot(window), bundle_code="nonsense")
    assert set(refused.value.errors) == {"bundle_code"}


def test_a_resident_holds_one_upcoming_appointment_per_window(window, resident):
    book(resident, window, future_slot(window))
    with pytest.raises(FieldErrors) as refused:
        book(resident, window, future_slot(window, slot_index=3))
    assert "already have an appointment" in refused.value.errors["starts_at"]
    assert Appointment.objects.count() == 1


# --- cancelling and rescheduling --------------------------------------------------------------------


def test_cancelling_gives_the_place_back(window, resident):
    appointment = book(resident, window, future_slot(window))
    services.appointment_cancel(actor=resident, appointment_id=appointment.pk)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED and appointment.cancelled_at is not None
    assert appointment.slot.booked == 0
    event = Event.objects.get(event_type="appointment.cancelled")
    assert (event.old_state, event.new_state, event.actor) == ("booked", "cancelled", resident)


def test_nobody_but_the_resident_who_booked_can_cancel(window, resident, other_resident, outsider):
    appointment = book(resident, window, future_slot(window))
    for stranger in (other_resident, outsider):
        with pytest.raises(NotFound):
            services.appointment_cancel(actor=stranger, appointment_id=appointment.pk)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED and appointment.slot.booked == 1


def test_a_cancelled_appointment_cannot_be_cancelled_or_moved_again(window, resident):
    appointment = book(resident, window, future_slot(window))
    services.appointment_cancel(actor=resident, appointment_id=appointment.pk)
    with pytest.raises(Conflict):
        services.appointment_cancel(actor=resident, appointment_id=appointment.pk)
    with pytest.raises(Conflict):
        services.appointment_reschedule(
            actor=resident,
            appointment_id=appointment.pk,
            starts_at=future_slot(window, slot_index=2).starts_at,
        )
    assert Slot.objects.get().booked == 0
    assert Appointment.objects.count() == 1


@time_machine.travel(BEGUN_FIVE_MINUTES_AGO, tick=False)
def test_an_appointment_that_has_begun_cannot_be_cancelled(window, resident):
    appointment = book(resident, window, future_slot(window))
    Slot.objects.filter(pk=appointment.slot_id).update(starts_at=local(2026, 11, 2, 9))
    with pytest.raises(Conflict):
        services.appointment_cancel(actor=resident, appointment_id=appointment.pk)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_rescheduling_takes_the_new_place_and_gives_back_the_old_one(window, resident):
    old_slot, new_slot = future_slot(window), future_slot(window, day_index=2, slot_index=5)
    old = book(resident, window, old_slot, bundle_code="newborn")
    new = services.appointment_reschedule(actor=resident, appointment_id=old.pk, starts_at=new_slot.starts_at)
    old.refresh_from_db()
    assert old.status == Appointment.Status.CANCELLED
    assert new.status == Appointment.Status.BOOKED and new.bundle_code == "newborn"
    assert new.slot.starts_at == new_slot.starts_at
    booked = dict(Slot.objects.values_list("starts_at", "booked"))
    assert booked == {old_slot.starts_at: 0, new_slot.starts_at: 1}
    event = Event.objects.get(event_type="appointment.rescheduled")
    assert event.extra["new"] == new.pk


def test_rescheduling_to_a_full_slot_keeps_the_old_appointment(catalog, resident, other_resident):
    small = video_window_with_hours("小视频窗口", capacity=1)
    mine, taken = future_slot(small), future_slot(small, slot_index=1)
    appointment = book(resident, small, mine)
    book(other_resident, small, taken)
    with pytest.raises(FieldErrors) as refused:
        services.appointment_reschedule(
            actor=resident, appointment_id=appointment.pk, starts_at=taken.starts_at
        )
    assert refused.value.errors == {"starts_at": "is fully booked: choose another time"}
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    assert dict(Slot.objects.values_list("starts_at", "booked")) == {mine.starts_at: 1, taken.starts_at: 1}


def test_rescheduling_to_the_same_time_is_refused(window, resident):
    slot = future_slot(window)
    appointment = book(resident, window, slot)
    with pytest.raises(FieldErrors):
        services.appointment_reschedule(
            actor=resident, appointment_id=appointment.pk, starts_at=slot.starts_at
        )
    assert Slot.objects.get().booked == 1


# --- the race -----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_residents_racing_for_the_last_place_get_one_place_between_them(catalog):
    small = video_window_with_hours("小视频窗口", capacity=1)
    slot = future_slot(small)
    residents = [_user("13700000011", phone="13700000011"), _user("13700000012", phone="13700000012")]
    barrier = threading.Barrier(2)
    booked, refused, failures = [], [], []

    def book_now(user):
        translation.activate("en")  # the language is per thread
        try:
            barrier.wait()
            booked.append(book(user, small, slot))
        except FieldErrors as exc:
            refused.append(exc.errors)
        except BaseException as exc:  # reported below: a thread's exception would otherwise vanish
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=book_now, args=(user,)) for user in residents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(booked) == 1
    assert refused == [{"starts_at": "is fully booked: choose another time"}]
    assert Slot.objects.get().booked == 1
    assert Appointment.objects.count() == 1


# --- one booking per window and day ------------------------------------------------------------------

MONDAY = date(2026, 12, 7)  # an ordinary working Monday


def test_the_database_holds_a_resident_to_one_booking_per_window_and_day(window, other_window, resident):
    from django.db import IntegrityError, transaction

    def slot(window, hour: int, day: date = MONDAY) -> Slot:
        starts = local(day.year, day.month, day.day, hour)
        return Slot.objects.create(
            window=window, starts_at=starts, ends_at=starts + timedelta(minutes=15), capacity=2
        )

    first = Appointment.objects.create(slot=slot(window, 9), resident=resident, created_at=timezone.now())
    assert (first.window, first.day) == (window, MONDAY)
    afternoon = slot(window, 15)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(slot=afternoon, resident=resident, created_at=timezone.now())
    # Another window, another day, or once the first is no longer booked: allowed.
    Appointment.objects.create(slot=slot(other_window, 15), resident=resident, created_at=timezone.now())
    next_day = MONDAY + timedelta(days=1)
    Appointment.objects.create(slot=slot(window, 9, next_day), resident=resident, created_at=timezone.now())
    Appointment.objects.filter(pk=first.pk).update(status=Appointment.Status.CANCELLED)
    Appointment.objects.create(slot=afternoon, resident=resident, created_at=timezone.now())
    assert Appointment.objects.filter(status=Appointment.Status.BOOKED).count() == 3


def test_a_booking_that_ended_without_a_call_still_counts_for_its_day(window, resident):
    with time_machine.travel(local(2026, 12, 7, 8), tick=False):
        morning = services.appointment_book(
            actor=resident, window_id=window.pk, starts_at=local(2026, 12, 7, 9)
        )
    with time_machine.travel(local(2026, 12, 7, 10), tick=False):
        events = Event.objects.count()
        with pytest.raises(FieldErrors) as refused:
            services.appointment_book(actor=resident, window_id=window.pk, starts_at=local(2026, 12, 7, 15))
        assert refused.value.errors == {
            "starts_at": "you already had an appointment with this window that day: choose another day"
        }
        assert list(Appointment.objects.all()) == [morning] and Event.objects.count() == events
        assert Slot.objects.get().booked == 1
        tomorrow = services.appointment_book(
            actor=resident, window_id=window.pk, starts_at=local(2026, 12, 8, 9)
        )
    assert tomorrow.day == date(2026, 12, 8) and tomorrow.window == window


def test_rescheduling_to_another_time_of_the_same_day_is_one_booking_of_that_day(window, resident):
    with time_machine.travel(local(2026, 12, 7, 8), tick=False):
        old = services.appointment_book(actor=resident, window_id=window.pk, starts_at=local(2026, 12, 7, 9))
        new = services.appointment_reschedule(
            actor=resident, appointment_id=old.pk, starts_at=local(2026, 12, 7, 15)
        )
    old.refresh_from_db()
    assert old.status == Appointment.Status.CANCELLED and new.status == Appointment.Status.BOOKED
    assert new.day == old.day == MONDAY
    assert dict(Slot.objects.values_list("starts_at", "booked")) == {
        local(2026, 12, 7, 9): 0,
        local(2026, 12, 7, 15): 1,
    }
    assert Event.objects.get(event_type="appointment.rescheduled").extra["new"] == new.pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("slot_indexes", [(0, 0), (0, 5)], ids=["same slot", "two slots of one day"])
def test_one_resident_booking_twice_at_once_gets_one_booking(catalog, slot_indexes):
    window = video_window_with_hours("渝中区视频窗口")
    resident = _user("13700000021", phone="13700000021")
    slots = [future_slot(window, slot_index=index) for index in slot_indexes]
    barrier = threading.Barrier(2)
    booked, refused, failures = [], [], []

    def book_now(slot):
        translation.activate("en")  # the language is per thread
        try:
            barrier.wait()
            booked.append(book(resident, window, slot))
        except FieldErrors as exc:
            refused.append(exc.errors)
        except BaseException as exc:  # reported below: a thread's exception would otherwise vanish
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=book_now, args=(slot,)) for slot in slots]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(booked) == 1
    assert refused == [
        {"starts_at": "you already have an appointment with this window: change that one instead"}
    ]
    assert Appointment.objects.filter(status=Appointment.Status.BOOKED).count() == 1
    assert sum(Slot.objects.values_list("booked", flat=True)) == 1
    assert Event.objects.filter(event_type="appointment.booked").count() == 1
