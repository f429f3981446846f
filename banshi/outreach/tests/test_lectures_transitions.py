"""The lecture's transition table: every allowed move, the dangerous forbidden ones, each move audited;
closing records the summary, walk-ins and photos; ratings once each, by the speaker and the audience."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from banshi.audit.models import Event
from banshi.lib.errors import Conflict, FieldErrors
from banshi.outreach.models import Lecture, LecturePhoto, Rating
from banshi.outreach.photos_lectures import photo_path
from banshi.outreach.services import lectures as services
from banshi.outreach.tests.lectures_world import china

STARTS = china(2026, 5, 10, 9)
BEFORE = china(2026, 5, 1, 9)
AFTER = STARTS + timedelta(hours=2)


@pytest.fixture
def lecture(lw) -> Lecture:
    return lw.schedule(starts_at=STARTS, now=BEFORE)


def moves(lecture: Lecture) -> list[tuple[str, str, str]]:
    return [
        (e.event_type, e.old_state, e.new_state)
        for e in Event.objects.filter(subject_type="outreach.lecture", subject_id=str(lecture.pk)).order_by(
            "id"
        )
        if e.old_state
    ]


def test_the_table_allows_exactly_these_moves():
    S = Lecture.Status
    assert Lecture.TRANSITIONS == {
        S.SCHEDULED: {S.HELD, S.CLOSED, S.CANCELLED},
        S.HELD: {S.CLOSED},
        S.CLOSED: set(),
        S.CANCELLED: set(),
    }


def test_scheduled_to_held_to_closed(lw, lecture):
    services.checkin_signed_in(user=lw.resident, token=lecture.checkin_token, now=STARTS)
    services.lecture_close(
        actor=lw.organiser, lecture=lecture, summary="讲了红岩精神", walk_ins="12", now=AFTER
    )
    lecture.refresh_from_db()
    assert (lecture.status, lecture.walk_ins, lecture.summary, lecture.closed_at) == (
        Lecture.Status.CLOSED,
        12,
        "讲了红岩精神",
        AFTER,
    )
    assert moves(lecture) == [
        ("outreach.lecture_held", "scheduled", "held"),
        ("outreach.lecture_closed", "held", "closed"),
    ]


def test_scheduled_to_closed_when_nobody_checked_in_but_not_before_it_starts(lw, lecture):
    with pytest.raises(Conflict, match="once it has started"):
        services.lecture_close(
            actor=lw.organiser, lecture=lecture, summary="x", walk_ins=0, now=STARTS - timedelta(minutes=1)
        )
    services.lecture_close(actor=lw.organiser, lecture=lecture, summary="x", walk_ins=20, now=STARTS)
    assert moves(lecture) == [("outreach.lecture_closed", "scheduled", "closed")]


def test_scheduled_to_cancelled_with_its_reason(lw, lecture):
    services.lecture_cancel(actor=lw.organiser, lecture=lecture, reason="场地维修", now=BEFORE)
    event = Event.objects.get(event_type="outreach.lecture_cancelled")
    assert (event.old_state, event.new_state, event.reason) == ("scheduled", "cancelled", "场地维修")


def test_a_closed_lecture_cannot_be_cancelled_or_closed_again_and_a_cancelled_one_cannot_be_closed(
    lw, lecture
):
    services.lecture_close(actor=lw.organiser, lecture=lecture, summary="x", walk_ins=1, now=AFTER)
    with pytest.raises(Conflict):
        services.lecture_cancel(actor=lw.organiser, lecture=lecture, reason="y", now=AFTER)
    with pytest.raises(Conflict):
        services.lecture_close(actor=lw.organiser, lecture=lecture, summary="changed", walk_ins=99, now=AFTER)
    lecture.refresh_from_db()
    assert (lecture.status, lecture.summary, lecture.walk_ins) == (Lecture.Status.CLOSED, "x", 1)

    other = lw.schedule(starts_at=china(2026, 5, 12, 9), now=BEFORE)
    services.lecture_cancel(actor=lw.organiser, lecture=other, reason="雨", now=BEFORE)
    with pytest.raises(Conflict):
        services.lecture_close(
            actor=lw.organiser, lecture=other, summary="x", walk_ins=1, now=china(2026, 5, 12, 12)
        )
    assert len(moves(other)) == 1


def _jpeg_with_exif() -> SimpleUploadedFile:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


def test_closing_keeps_photos_reencoded_without_their_metadata(lw, lecture):
    services.lecture_close(
        actor=lw.organiser, lecture=lecture, summary="x", walk_ins=0, photos=[_jpeg_with_exif()], now=AFTER
    )
    photo = LecturePhoto.objects.get()
    with Image.open(photo_path(photo.path)) as stored:
        assert stored.size == (64, 48) and not stored.getexif()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"summary": ""}, "summary"),
        ({"walk_ins": -1}, "walk_ins"),
        ({"walk_ins": "lots"}, "walk_ins"),
        ({"photos": [SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not a photo")]}, "photos"),
    ],
)
def test_closing_with_bad_input_writes_nothing(lw, lecture, values, field):
    arguments = {"summary": "x", "walk_ins": 0, "photos": [_jpeg_with_exif()], **values}
    with pytest.raises(FieldErrors) as refused:
        services.lecture_close(actor=lw.organiser, lecture=lecture, now=AFTER, **arguments)
    assert field in refused.value.errors
    lecture.refresh_from_db()
    assert lecture.status == Lecture.Status.SCHEDULED
    assert not LecturePhoto.objects.exists()
    assert moves(lecture) == []


def test_the_speaker_and_the_audience_rate_a_closed_lecture_once_each(lw, lecture):
    services.checkin_signed_in(user=lw.resident, token=lecture.checkin_token, now=STARTS)
    with pytest.raises(Conflict, match="once it is closed"):
        services.lecture_rate(user=lw.resident, lecture=lecture, stars=5, now=STARTS)
    services.lecture_close(actor=lw.organiser, lecture=lecture, summary="x", walk_ins=0, now=AFTER)
    services.lecture_rate(user=lw.resident, lecture=lecture, stars=4, comment="好", now=AFTER)
    services.lecture_rate(user=lw.speaker_user, lecture=lecture, stars=5, now=AFTER)
    with pytest.raises(Conflict, match="already rated"):
        services.lecture_rate(user=lw.resident, lecture=lecture, stars=1, now=AFTER)
    with pytest.raises(Conflict, match="Only the speaker and those who checked in"):
        services.lecture_rate(user=lw.other_resident, lecture=lecture, stars=1, now=AFTER)
    for stars in (0, 6, "five"):
        with pytest.raises(FieldErrors):
            services.lecture_rate(user=lw.other_resident, lecture=lecture, stars=stars, now=AFTER)
    assert sorted(Rating.objects.values_list("by", "stars")) == [("audience", 4), ("speaker", 5)]
    assert Event.objects.filter(event_type="outreach.rated").count() == 2
