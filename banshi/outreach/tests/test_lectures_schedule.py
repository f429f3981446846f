"""Scheduling lectures: a speaker is never double-booked, bad input is refused naming its field with
nothing written, registrations stop at the capacity, and another unit's organiser can do nothing."""

import threading

import pytest
from django.db import connection

from banshi.audit.models import Event
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.outreach.models import Lecture, Programme, Registration, Speaker, VenueKind
from banshi.outreach.services import lectures as services
from banshi.outreach.tests.lectures_world import china

NOW = china(2026, 5, 1, 9)


def test_a_lecture_is_scheduled_with_its_venue_pin_and_audited(lw):
    lecture = lw.schedule(starts_at=china(2026, 5, 10, 9), now=NOW)
    assert (lecture.status, lecture.area.code, str(lecture.latitude), lecture.capacity) == (
        Lecture.Status.SCHEDULED,
        "500112002001",
        "29.718000",
        50,
    )
    event = Event.objects.get(event_type="outreach.lecture_scheduled")
    assert (event.actor, event.subject_id, event.new_state) == (lw.organiser, str(lecture.pk), "scheduled")


@pytest.mark.parametrize(
    ("starts", "ends"),
    [
        ((10, 0), (11, 0)),  # the same time
        ((9, 30), (10, 30)),  # starts during the first
        ((8, 0), (9, 1)),  # ends a minute into it
        ((8, 0), (12, 0)),  # around it
    ],
)
def test_a_speaker_is_never_double_booked(lw, starts, ends):
    lw.schedule(starts_at=china(2026, 5, 10, 9), ends_at=china(2026, 5, 10, 10, 30), now=NOW)
    with pytest.raises(FieldErrors) as refused:
        lw.schedule(
            starts_at=china(2026, 5, 10, *starts), ends_at=china(2026, 5, 10, *ends), now=NOW, topic="另一场"
        )
    assert "already gives the lecture" in refused.value.errors["speaker"]
    assert Lecture.objects.count() == 1


def test_back_to_back_lectures_another_speaker_and_a_cancelled_lecture_do_not_clash(lw):
    first = lw.schedule(starts_at=china(2026, 5, 10, 9), ends_at=china(2026, 5, 10, 10), now=NOW)
    lw.schedule(starts_at=china(2026, 5, 10, 10), ends_at=china(2026, 5, 10, 11), now=NOW)
    lw.schedule(starts_at=china(2026, 5, 10, 9), speaker="worker", venue_kind=VenueKind.COMPANY, now=NOW)
    services.lecture_cancel(actor=lw.organiser, lecture=first, reason="改期", now=NOW)
    lw.schedule(starts_at=china(2026, 5, 10, 9), ends_at=china(2026, 5, 10, 9, 45), now=NOW)
    assert Lecture.objects.exclude(status=Lecture.Status.CANCELLED).count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_organisers_booking_the_same_speaker_at_once_get_one_lecture(lw):
    """Two threads, each with its own connection: the speaker's row lock (or SQLite's single writer)
    takes them one after the other, and the second sees the first's lecture."""
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def book(topic: str) -> None:
        try:
            barrier.wait()
            lw.schedule(starts_at=china(2026, 5, 10, 9), now=NOW, topic=topic)
            outcomes.append("booked")
        except FieldErrors:
            outcomes.append("refused")
        except Exception as exc:  # the database refusing a second writer counts as refused
            outcomes.append(f"refused:{type(exc).__name__}")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(topic,)) for topic in ("甲", "乙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[0] == "booked" and outcomes.count("booked") == 1
    assert Lecture.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"topic": ""}, "topic"),
        ({"topic": "讲\x00党史"}, "topic"),
        ({"venue_name": "a\u202ebc"}, "venue_name"),
        ({"venue_kind": "moon"}, "venue_kind"),
        ({"area_code": "999999"}, "area"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": -5}, "capacity"),
        ({"capacity": "many"}, "capacity"),
        ({"latitude": "95"}, "latitude"),
        ({"latitude": "29.7", "longitude": ""}, "latitude"),
        ({"longitude": "east"}, "longitude"),
        ({"ends_at": china(2026, 5, 10, 8)}, "ends_at"),
        ({"ends_at": china(2026, 5, 10, 23)}, "ends_at"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(lw, values, field):
    events = Event.objects.count()
    with pytest.raises(FieldErrors) as refused:
        lw.schedule(starts_at=china(2026, 5, 10, 9), now=NOW, **values)
    assert field in refused.value.errors
    assert not Lecture.objects.exists()
    assert Event.objects.count() == events


def test_a_lecture_in_the_past_or_with_another_programmes_speaker_is_refused(lw):
    with pytest.raises(FieldErrors) as refused:
        lw.schedule(starts_at=china(2026, 4, 30, 9), now=NOW)
    assert refused.value.errors == {"starts_at": "must be in the future"}
    other = Programme.objects.create(
        unit=lw.unit, name="另一项目", venue_kinds=[VenueKind.SCHOOL], starts_on=NOW.date(), created_at=NOW
    )
    stranger = Speaker.objects.create(programme=other, name="外人", kind=Speaker.Kind.TEACHER, home_unit="x")
    with pytest.raises(FieldErrors) as refused:
        services.lecture_schedule(
            actor=lw.organiser,
            programme=lw.programme,
            speaker_id=stranger.pk,
            topic="t",
            starts_at=china(2026, 5, 10, 9),
            ends_at=china(2026, 5, 10, 10),
            venue_kind=VenueKind.SCHOOL,
            venue_name="v",
            area_code="500112",
            address="a",
            capacity=5,
            now=NOW,
        )
    assert set(refused.value.errors) == {"speaker"}
    assert not Lecture.objects.exists()


def test_another_units_organiser_can_schedule_nothing(lw):
    with pytest.raises(NotFound):
        services.lecture_schedule(
            actor=lw.other_organiser,
            programme=lw.programme,
            speaker_id=lw.speakers["teacher"].pk,
            topic="t",
            starts_at=china(2026, 5, 10, 9),
            ends_at=china(2026, 5, 10, 10),
            venue_kind=VenueKind.SCHOOL,
            venue_name="v",
            area_code="500112",
            address="a",
            capacity=5,
            now=NOW,
        )
    assert not Lecture.objects.exists()


def test_registrations_stop_at_the_capacity_and_once_each(lw):
    lecture = lw.schedule(starts_at=china(2026, 5, 10, 9), now=NOW, capacity=1)
    services.registration_create(user=lw.resident, lecture=lecture, now=NOW)
    with pytest.raises(Conflict, match="already registered"):
        services.registration_create(user=lw.resident, lecture=lecture, now=NOW)
    with pytest.raises(Conflict, match="full"):
        services.registration_create(user=lw.other_resident, lecture=lecture, now=NOW)
    assert list(Registration.objects.values_list("user__username", flat=True)) == ["resident"]
    assert Event.objects.filter(event_type="outreach.registered").count() == 1


def test_no_registration_once_the_lecture_started_or_was_cancelled(lw):
    lecture = lw.schedule(starts_at=china(2026, 5, 10, 9), now=NOW)
    with pytest.raises(Conflict):
        services.registration_create(user=lw.resident, lecture=lecture, now=china(2026, 5, 10, 9))
    services.lecture_cancel(actor=lw.organiser, lecture=lecture, reason="取消", now=NOW)
    with pytest.raises(Conflict):
        services.registration_create(user=lw.resident, lecture=lecture, now=NOW)
    assert not Registration.objects.exists()


def test_programme_and_speaker_input_is_checked(lw):
    with pytest.raises(FieldErrors) as refused:
        services.programme_create(actor=lw.organiser, unit=lw.unit, name="", venue_kinds=[], starts_on=None)
    assert set(refused.value.errors) == {"name", "venue_kinds", "starts_on"}
    with pytest.raises(FieldErrors) as refused:
        services.programme_create(
            actor=lw.organiser,
            unit=lw.unit,
            name="五老回家讲党史",
            venue_kinds=["school"],
            starts_on=NOW.date(),
        )
    assert set(refused.value.errors) == {"name"}
    with pytest.raises(FieldErrors) as refused:
        services.speaker_add(
            actor=lw.organiser, programme=lw.programme, name="", kind="astronaut", home_unit=""
        )
    assert set(refused.value.errors) == {"name", "kind", "home_unit"}
    assert Programme.objects.count() == 1 and Speaker.objects.count() == 5
