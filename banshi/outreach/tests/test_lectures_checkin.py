"""Check-in: only from 30 minutes before the start to the end, once per person (by account or by
number), signed in with one tap, by number with a texted code, or by the organiser from the list."""

from datetime import timedelta

import pytest
import time_machine

from banshi.audit.models import Event
from banshi.conftest import run_queued_texts
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.outreach.models import CheckIn, CheckInCode, Lecture
from banshi.outreach.services import lectures as services
from banshi.outreach.tests.lectures_world import china

STARTS = china(2026, 5, 10, 9)  # to 10:30


@pytest.fixture
def lecture(lw) -> Lecture:
    return lw.schedule(starts_at=STARTS, now=china(2026, 5, 1, 9))


@pytest.fixture
def at_start():
    """The clock at the lecture's start: the worker sends a text only while its code is valid."""
    with time_machine.travel(STARTS, tick=False):
        yield


@pytest.mark.parametrize(
    "moment",
    [STARTS - timedelta(minutes=30), STARTS, STARTS + timedelta(minutes=89), STARTS + timedelta(minutes=90)],
)
def test_check_in_is_open_from_30_minutes_before_the_start_to_the_end(lw, lecture, moment):
    checkin = services.checkin_signed_in(user=lw.resident, token=lecture.checkin_token, now=moment)
    assert (checkin.user, checkin.phone, checkin.method) == (
        lw.resident,
        "13800000001",
        CheckIn.Method.SIGNED_IN,
    )


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (STARTS - timedelta(minutes=31), "Check-in opens at 2026-05-10 08:30"),
        (STARTS + timedelta(minutes=90, seconds=1), "Check-in closed"),
    ],
)
def test_check_in_outside_the_window_is_refused_and_writes_nothing(lw, lecture, moment, message):
    with pytest.raises(Conflict, match=message):
        services.checkin_signed_in(user=lw.resident, token=lecture.checkin_token, now=moment)
    assert not CheckIn.objects.exists()
    lecture.refresh_from_db()
    assert lecture.status == Lecture.Status.SCHEDULED


def test_the_first_check_in_marks_the_lecture_held_and_a_second_by_the_same_person_is_refused(lw, lecture):
    services.checkin_signed_in(user=lw.resident, token=lecture.checkin_token, now=STARTS)
    lecture.refresh_from_db()
    assert lecture.status == Lecture.Status.HELD
    with pytest.raises(Conflict, match="Already checked in"):
        services.checkin_signed_in(user=lw.resident, token=lecture.checkin_token, now=STARTS)
    # Nor by the texted code to the same number.
    with pytest.raises(Conflict, match="Already checked in"):
        services.checkin_code_send(token=lecture.checkin_token, phone="13800000001", now=STARTS)
    assert CheckIn.objects.count() == 1
    assert [e.event_type for e in Event.objects.filter(subject_type="outreach.lecture").order_by("id")] == [
        "outreach.lecture_scheduled",
        "outreach.lecture_held",
    ]


def test_a_resident_without_an_account_checks_in_with_the_code_texted_to_their_number(
    lw, lecture, sms_outbox, at_start
):
    services.checkin_code_send(token=lecture.checkin_token, phone="13900001234", now=STARTS)
    run_queued_texts()
    [(recipient, text)] = sms_outbox
    code = text.split("is ")[1][:6]
    assert recipient == "13900001234"

    with pytest.raises(FieldErrors) as refused:
        services.checkin_with_code(
            token=lecture.checkin_token,
            phone="13900001234",
            code=f"{(int(code) + 1) % 10**6:06d}",
            now=STARTS,
        )
    assert "is not right" in refused.value.errors["code"]
    assert CheckInCode.objects.get().attempts == 1
    assert not CheckIn.objects.exists()

    checkin = services.checkin_with_code(
        token=lecture.checkin_token, phone="13900001234", code=code, now=STARTS
    )
    assert (checkin.user, checkin.phone, checkin.method) == (None, "13900001234", CheckIn.Method.SMS)
    with pytest.raises(FieldErrors) as refused:
        services.checkin_with_code(token=lecture.checkin_token, phone="13900001234", code=code, now=STARTS)
    assert refused.value.errors == {"code": "has already been used: send a new code"}
    assert CheckIn.objects.count() == 1


def test_a_code_checks_in_the_account_of_its_number_and_then_the_account_cannot_check_in_again(
    lw, lecture, sms_outbox, at_start
):
    services.checkin_code_send(token=lecture.checkin_token, phone="13800000002", now=STARTS)
    run_queued_texts()
    code = sms_outbox[0][1].split("is ")[1][:6]
    checkin = services.checkin_with_code(
        token=lecture.checkin_token, phone="13800000002", code=code, now=STARTS
    )
    assert checkin.user == lw.other_resident
    with pytest.raises(Conflict):
        services.checkin_signed_in(user=lw.other_resident, token=lecture.checkin_token, now=STARTS)


def test_a_code_is_refused_outside_the_window_for_a_bad_number_and_more_than_once_a_minute(
    lw, lecture, sms_outbox
):
    with pytest.raises(Conflict):
        services.checkin_code_send(
            token=lecture.checkin_token, phone="13900001234", now=STARTS - timedelta(hours=1)
        )
    with pytest.raises(FieldErrors) as refused:
        services.checkin_code_send(token=lecture.checkin_token, phone="12345", now=STARTS)
    assert set(refused.value.errors) == {"phone"}
    services.checkin_code_send(token=lecture.checkin_token, phone="13900001234", now=STARTS)
    with pytest.raises(FieldErrors, match="less than a minute ago"):
        services.checkin_code_send(
            token=lecture.checkin_token, phone="13900001234", now=STARTS + timedelta(seconds=30)
        )
    assert CheckInCode.objects.count() == 1
    with pytest.raises(FieldErrors) as refused:
        services.checkin_with_code(token=lecture.checkin_token, phone="13900001234", code="12", now=STARTS)
    assert set(refused.value.errors) == {"code"}
    with pytest.raises(NotFound):
        services.checkin_code_send(token="no-such-token", phone="13900001234", now=STARTS)


def test_the_organiser_checks_a_registered_resident_in_from_the_list(lw, lecture):
    registration = services.registration_create(user=lw.resident, lecture=lecture, now=china(2026, 5, 2, 9))
    with pytest.raises(NotFound):
        services.checkin_by_organiser(
            actor=lw.other_organiser, lecture=lecture, registration_id=registration.pk, now=STARTS
        )
    checkin = services.checkin_by_organiser(
        actor=lw.organiser, lecture=lecture, registration_id=registration.pk, now=STARTS
    )
    assert (checkin.user, checkin.method) == (lw.resident, CheckIn.Method.ORGANISER)
    event = Event.objects.get(event_type="outreach.checked_in")
    assert (event.actor, event.extra) == (lw.organiser, {"method": "organiser"})
    with pytest.raises(Conflict):
        services.checkin_signed_in(user=lw.resident, token=lecture.checkin_token, now=STARTS)


def test_no_check_in_once_the_lecture_is_closed_or_cancelled(lw, lecture):
    services.lecture_close(
        actor=lw.organiser, lecture=lecture, summary="好", walk_ins=3, now=STARTS + timedelta(minutes=40)
    )
    with pytest.raises(Conflict, match="closed"):
        services.checkin_signed_in(
            user=lw.resident, token=lecture.checkin_token, now=STARTS + timedelta(minutes=50)
        )
    other = lw.schedule(starts_at=china(2026, 5, 11, 9), now=china(2026, 5, 1, 9))
    services.lecture_cancel(actor=lw.organiser, lecture=other, reason="雨", now=china(2026, 5, 1, 9))
    with pytest.raises(Conflict):
        services.checkin_signed_in(user=lw.resident, token=other.checkin_token, now=china(2026, 5, 11, 9))
    assert not CheckIn.objects.exists()
