"""The pages of lecture programmes: the public schedule by area and date, the calendar feeds, the QR
code's check-in page, the organiser's pages (and nobody else's), the supervisor's table, personal data
shown only to the organiser, and bad input answered in the page with nothing written."""

import subprocess
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from icalendar import Calendar

from banshi.audit.models import Access
from banshi.conftest import run_queued_texts
from banshi.directory.roles import provided_places
from banshi.outreach.models import CheckIn, Lecture, Quota, Rating, Registration
from banshi.outreach.services import lectures as services
from banshi.outreach.tests.lectures_world import china

NOW = china(2026, 5, 1, 9)
STARTS = china(2026, 5, 10, 9)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def lecture(lw, frozen) -> Lecture:
    return lw.schedule(starts_at=STARTS, now=NOW)


def client_of(user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def test_the_schedule_lists_upcoming_lectures_by_date_and_filters_by_area(lw, lecture):
    jiangbei = lw.schedule(
        starts_at=china(2026, 5, 11, 9), area_code="500112", speaker="worker", topic="工人讲党史"
    )
    past = lw.schedule(starts_at=china(2026, 5, 2, 9), topic="过去的一场")
    cancelled = lw.schedule(starts_at=china(2026, 5, 12, 9), topic="取消的一场")
    services.lecture_cancel(actor=lw.organiser, lecture=cancelled, reason="雨", now=NOW)
    with time_machine.travel(china(2026, 5, 5, 9), tick=False):
        page = client_of().get("/outreach/").content.decode()
        assert f'id="lecture-{lecture.pk}"' in page and f'id="lecture-{jiangbei.pk}"' in page
        assert f'id="lecture-{past.pk}"' not in page and f'id="lecture-{cancelled.pk}"' not in page
        assert page.index(f"lecture-{lecture.pk}") < page.index(f"lecture-{jiangbei.pk}")
        elsewhere = client_of().get("/outreach/", {"area": "500103"}).content.decode()
        assert 'id="no-lectures"' in elsewhere
        street = client_of().get("/outreach/", {"area": "500112002"}).content.decode()
        assert f'id="lecture-{lecture.pk}"' in street and f'id="lecture-{jiangbei.pk}"' not in street
        assert client_of().get("/outreach/", {"area": "<script>"}).status_code == 200


def test_the_calendar_feeds_of_a_programme_and_of_an_area_are_icalendar(lw, lecture):
    cancelled = lw.schedule(starts_at=china(2026, 5, 12, 9), topic="取消的一场")
    services.lecture_cancel(actor=lw.organiser, lecture=cancelled, reason="雨", now=NOW)
    response = client_of().get(f"/outreach/programmes/{lw.programme.pk}.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [(str(e["SUMMARY"]), str(e["STATUS"])) for e in events] == [
        ("讲给孩子听的党史", "CONFIRMED"),
        ("取消的一场", "CANCELLED"),
    ]
    assert events[0].decoded("DTSTART") == STARTS and events[0]["GEO"].latitude == pytest.approx(29.718)
    area = Calendar.from_ical(client_of().get("/outreach/areas/500112002.ics").content).walk("VEVENT")
    assert len(area) == 2
    assert Calendar.from_ical(client_of().get("/outreach/areas/500103.ics").content).walk("VEVENT") == []
    assert client_of().get("/outreach/areas/999999.ics").status_code == 404


def test_the_qr_code_encodes_the_check_in_page_and_only_the_organiser_gets_it(lw, lecture, tmp_path):
    organiser = client_of(lw.organiser)
    page = organiser.get(f"/outreach/organise/lectures/{lecture.pk}/").content.decode()
    url = f"http://testserver/outreach/checkin/{lecture.checkin_token}/"
    assert f'data-checkin-url="{url}"' in page
    png = organiser.get(f"/outreach/organise/lectures/{lecture.pk}/qr.png")
    assert png["Content-Type"] == "image/png"
    (tmp_path / "qr.png").write_bytes(png.content)
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "qr.png")], capture_output=True, text=True, check=True
    )
    assert decoded.stdout.strip() == url
    for other in (client_of(lw.other_organiser), client_of(lw.resident)):
        assert other.get(f"/outreach/organise/lectures/{lecture.pk}/qr.png").status_code == 404
        assert other.get(f"/outreach/organise/lectures/{lecture.pk}/").status_code == 404
        assert other.get(f"/outreach/organise/programmes/{lw.programme.pk}/").status_code == 404
    assert client_of().get(f"/outreach/organise/lectures/{lecture.pk}/").status_code == 302


def test_attendees_names_and_numbers_are_shown_to_the_organiser_only(lw, lecture, frozen):
    resident = client_of(lw.resident)
    assert resident.post(f"/outreach/lectures/{lecture.pk}/register/").status_code == 302
    assert Registration.objects.filter(lecture=lecture, user=lw.resident).exists()
    public = client_of().get(f"/outreach/lectures/{lecture.pk}/").content.decode()
    own = resident.get(f"/outreach/lectures/{lecture.pk}/").content.decode()
    assert 'id="registered"' in own and 'id="seats-left">49<' in own
    someone_else = client_of(lw.other_resident).get(f"/outreach/lectures/{lecture.pk}/").content.decode()
    for page in (public, someone_else):
        assert "13800000001" not in page and ">resident名" not in page and "(resident名)" not in page
    assert not Access.objects.exists()
    organiser = client_of(lw.organiser).get(f"/outreach/organise/lectures/{lecture.pk}/").content.decode()
    assert "13800000001" in organiser and "resident名" in organiser
    # The organiser's full look is on the access log, naming the resident and the lecture; nobody
    # else's look wrote one.
    assert list(Access.objects.values_list("actor", "resident", "kind", "purpose", "lecture_id")) == [
        (lw.organiser.pk, lw.resident.pk, "attendance", "lecture", lecture.pk)
    ]
    frozen.move_to(STARTS)
    checkin = resident.get(f"/outreach/checkin/{lecture.checkin_token}/").content.decode()
    assert "138****0001" in checkin and "13800000001" not in checkin


def test_a_signed_in_resident_checks_in_with_one_tap_and_a_second_tap_is_refused(lw, lecture, frozen):
    resident = client_of(lw.resident)
    url = f"/outreach/checkin/{lecture.checkin_token}/"
    early = resident.get(url).content.decode()
    assert 'id="checkin-closed"' in early and "Check-in opens at 2026-05-10 08:30" in early
    frozen.move_to(STARTS - timedelta(minutes=10))
    response = resident.post(url, {"action": "self"}, follow=True)
    assert 'id="checked-in"' in response.content.decode()
    response = resident.post(url, {"action": "self"}, follow=True)
    assert "Already checked in" in response.content.decode()
    assert CheckIn.objects.count() == 1


def test_a_visitor_checks_in_by_number_and_texted_code_through_the_pages(lw, lecture, frozen, sms_outbox):
    frozen.move_to(STARTS)
    visitor = client_of()
    url = f"/outreach/checkin/{lecture.checkin_token}/"
    bad = visitor.post(url, {"action": "send", "p-phone": "12"}).content.decode()
    assert "Mobile number must be an 11-digit mainland mobile number" in bad
    page = visitor.post(url, {"action": "send", "p-phone": "13700000007"}).content.decode()
    assert 'id="code-form"' in page
    run_queued_texts()
    code = sms_outbox[0][1].split("is ")[1][:6]
    wrong = visitor.post(url, {"action": "code", "c-phone": "13700000007", "c-code": "abc"}).content.decode()
    assert "must be the 6 digits" in wrong
    response = visitor.post(url, {"action": "code", "c-phone": "13700000007", "c-code": code}, follow=True)
    assert 'id="checked-in"' in response.content.decode()
    assert CheckIn.objects.get().phone == "13700000007"


def test_a_quota_of_zero_entered_in_the_page_is_refused_next_to_the_field(lw, frozen):
    organiser = client_of(lw.organiser)
    response = organiser.post(
        f"/outreach/organise/programmes/{lw.programme.pk}/quotas/", {"q-kind": "per_month", "q-minimum": "0"}
    )
    assert response.status_code == 200
    assert "At least must be at least 1" in response.content.decode()
    assert not Quota.objects.exists()
    organiser.post(
        f"/outreach/organise/programmes/{lw.programme.pk}/quotas/", {"q-kind": "per_month", "q-minimum": "2"}
    )
    page = organiser.get(f"/outreach/organise/programmes/{lw.programme.pk}/").content.decode()
    assert 'id="month-at-risk"' in page and 'id="month-2026-05"' in page


def test_scheduling_in_the_page_refuses_a_double_booking_next_to_the_speaker(lw, lecture):
    organiser = client_of(lw.organiser)
    form = {
        "speaker": str(lecture.speaker_id),
        "topic": "又一场",
        "day": "2026-05-10",
        "start": "09:30",
        "end": "10:00",
        "venue_kind": "school",
        "venue_name": "学校",
        "area": "500112002001",
        "address": "地址",
        "latitude": "",
        "longitude": "",
        "capacity": "30",
    }
    url = f"/outreach/organise/programmes/{lw.programme.pk}/lectures/new/"
    page = organiser.get(url).content.decode()
    assert "五星路社区" in page and 'data-pick-lat="id_latitude"' in page
    response = organiser.post(url, form)
    assert response.status_code == 200
    assert "Speaker already gives the lecture" in response.content.decode()
    response = organiser.post(url, {**form, "start": "11:00", "end": "10:00"})
    assert "Ends at must be after the start" in response.content.decode()
    assert Lecture.objects.count() == 1
    response = organiser.post(url, {**form, "start": "11:00", "end": "12:00"})
    assert response.status_code == 302 and Lecture.objects.count() == 2


def test_the_organiser_closes_a_lecture_in_the_page_and_the_programme_counts_it(lw, lecture, frozen):
    services.quota_set(
        actor=lw.organiser, programme=lw.programme, kind=Quota.Kind.LECTURES_PER_MONTH, minimum=1
    )
    organiser = client_of(lw.organiser)
    frozen.move_to(STARTS + timedelta(hours=2))
    bad = organiser.post(
        f"/outreach/organise/lectures/{lecture.pk}/close/", {"close-summary": "", "close-walk_ins": "-3"}
    )
    assert "Summary is required" in bad.content.decode()
    lecture.refresh_from_db()
    assert lecture.status == Lecture.Status.SCHEDULED
    organiser.post(
        f"/outreach/organise/lectures/{lecture.pk}/close/", {"close-summary": "很好", "close-walk_ins": "25"}
    )
    lecture.refresh_from_db()
    assert (lecture.status, lecture.walk_ins) == (Lecture.Status.CLOSED, 25)
    page = organiser.get(f"/outreach/organise/programmes/{lw.programme.pk}/").content.decode()
    assert 'id="numbers-held">1<' in page and 'id="numbers-attendance">25 ' in page
    assert 'id="month-at-risk"' not in page


def test_the_supervisor_sees_every_programmes_quotas_and_others_are_refused(lw, frozen):
    services.quota_set(
        actor=lw.organiser, programme=lw.programme, kind=Quota.Kind.LECTURES_PER_MONTH, minimum=2
    )
    page = client_of(lw.supervisor).get("/outreach/supervise/quotas/").content.decode()
    assert "五老回家讲党史" in page and "at least 2 a month" in page and "at risk" in page
    assert client_of(lw.organiser).get("/outreach/supervise/quotas/").status_code == 403


def test_the_organisers_place_is_named_by_the_role_provider(lw):
    assert [
        place.role for place in provided_places(user=lw.organiser) if place.role.startswith("outreach")
    ] == ["outreach_organiser"]
    assert [
        place.role for place in provided_places(user=lw.supervisor) if place.role.startswith("outreach")
    ] == ["outreach_quotas"]
    assert not [place for place in provided_places(user=lw.resident) if place.role.startswith("outreach")]
    menu = client_of(lw.supervisor).get("/outreach/").content.decode()
    assert 'href="/outreach/supervise/quotas/"' in menu


def test_a_new_programme_is_set_up_in_the_page(lw):
    organiser = client_of(lw.organiser)
    data = {
        "unit": str(lw.unit.pk),
        "name": "铜锣山下小讲堂",
        "venue_kinds": ["village", "school"],
        "starts_on": "2026-05-01",
    }
    response = organiser.post("/outreach/organise/", data)
    assert response.status_code == 302
    bad = organiser.post(
        "/outreach/organise/", {**data, "name": "x\u200by", "venue_kinds": []}
    ).content.decode()
    assert "zero-width" in bad and "Kinds of venue it must reach is required" in bad


def test_a_calendar_feed_leaves_out_lectures_over_90_days_ago(lw, lecture, frozen):
    services.lecture_close(
        actor=lw.organiser, lecture=lecture, summary="好", walk_ins=1, now=STARTS + timedelta(hours=2)
    )
    frozen.move_to(STARTS + timedelta(days=89))
    feed = client_of().get(f"/outreach/programmes/{lw.programme.pk}.ics").content
    assert len(Calendar.from_ical(feed).walk("VEVENT")) == 1
    frozen.move_to(STARTS + timedelta(days=91))
    feed = client_of().get(f"/outreach/programmes/{lw.programme.pk}.ics").content
    assert Calendar.from_ical(feed).walk("VEVENT") == []


def test_the_schedule_shows_a_page_of_lectures_at_a_time(lw, lecture, monkeypatch):
    from banshi.outreach.views import lectures as views

    monkeypatch.setattr(views, "SCHEDULE_PAGE", 2)
    later = [lw.schedule(starts_at=china(2026, 5, 11 + day, 9), now=NOW) for day in range(2)]
    first = client_of().get("/outreach/").content.decode()
    assert f"lecture-{lecture.pk}" in first and f"lecture-{later[1].pk}" not in first
    assert 'id="later-lectures"' in first
    second = client_of().get("/outreach/", {"page": "2"}).content.decode()
    assert f"lecture-{later[1].pk}" in second and 'id="later-lectures"' not in second
    assert client_of().get("/outreach/", {"page": "x"}).status_code == 200


def test_those_who_checked_in_rate_a_closed_lecture_in_its_page_once(lw, lecture, frozen):
    services.checkin_signed_in(user=lw.resident, token=lecture.checkin_token, now=STARTS)
    services.lecture_close(
        actor=lw.organiser, lecture=lecture, summary="好", walk_ins=0, now=STARTS + timedelta(hours=2)
    )
    resident = client_of(lw.resident)
    assert 'id="rating-form"' in resident.get(f"/outreach/lectures/{lecture.pk}/").content.decode()
    assert (
        'id="rating-form"'
        not in client_of(lw.other_resident).get(f"/outreach/lectures/{lecture.pk}/").content.decode()
    )
    bad = resident.post(f"/outreach/lectures/{lecture.pk}/rate/", {"stars": "9"}).content.decode()
    assert "Your rating is not one of the choices" in bad
    resident.post(f"/outreach/lectures/{lecture.pk}/rate/", {"stars": "4", "comment": "很好"})
    assert 'id="rated"' in resident.get(f"/outreach/lectures/{lecture.pk}/").content.decode()
    again = resident.post(
        f"/outreach/lectures/{lecture.pk}/rate/", {"stars": "1"}, follow=True
    ).content.decode()
    assert "already rated" in again
    outsider = client_of(lw.other_resident).post(
        f"/outreach/lectures/{lecture.pk}/rate/", {"stars": "1"}, follow=True
    )
    assert "Only the speaker and those who checked in" in outsider.content.decode()
    speaker = client_of(lw.speaker_user)
    speaker.post(f"/outreach/lectures/{lecture.pk}/rate/", {"stars": "5"})
    assert sorted(Rating.objects.values_list("by", "stars")) == [("audience", 4), ("speaker", 5)]
    page = client_of(lw.organiser).get(f"/outreach/organise/programmes/{lw.programme.pk}/").content.decode()
    assert 'id="numbers-rating">4.0 / 5 (1)<' in page


def test_a_refused_move_in_the_organisers_page_comes_back_to_the_lecture_with_the_reason(lw, lecture, frozen):
    organiser = client_of(lw.organiser)
    frozen.move_to(STARTS + timedelta(hours=2))
    organiser.post(
        f"/outreach/organise/lectures/{lecture.pk}/close/", {"close-summary": "好", "close-walk_ins": "1"}
    )
    response = organiser.post(
        f"/outreach/organise/lectures/{lecture.pk}/cancel/", {"cancel-reason": "迟了"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/outreach/organise/lectures/{lecture.pk}/"
    assert "cannot go from closed to cancelled" in response.content.decode()
    lecture.refresh_from_db()
    assert lecture.status == Lecture.Status.CLOSED


def test_registering_for_a_full_lecture_comes_back_to_its_page_with_the_reason(lw, frozen):
    lecture = lw.schedule(starts_at=STARTS, now=NOW, capacity=1)
    client_of(lw.other_resident).post(f"/outreach/lectures/{lecture.pk}/register/")
    response = client_of(lw.resident).post(f"/outreach/lectures/{lecture.pk}/register/", follow=True)
    assert response.redirect_chain[-1][0] == f"/outreach/lectures/{lecture.pk}/"
    assert "This lecture is full" in response.content.decode()
    assert Registration.objects.count() == 1
