"""The video window's pages, driven with Django's test client: the public checklist, booking and its
calendar file, the resident's queue page and its JSON, the clerk's console, the call summary with its
rating, the supervisors' figures, and who may see what."""

import json
import re
from datetime import UTC, timedelta

import icalendar
import pytest
import time_machine
from django.utils import timezone

from banshi.conftest import ANSWERS
from banshi.directory.models import Area, Window
from banshi.remote import services
from banshi.remote.ics import event_calendar
from banshi.remote.models import Appointment, CallRating, CallSession, QueueTicket, Slot
from banshi.remote.tests.fixtures import (  # noqa: F401 (fixtures)
    clerk_fixture,
    client_of,
    future_slot,
    local,
    other_clerk_fixture,
    other_window_fixture,
    supervisor_fixture,
    window_fixture,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_video_hours")]


def text(response) -> str:
    return response.content.decode()


def answers_query(**overrides) -> dict:
    return {f"answers.{key}": value for key, value in {**ANSWERS, **overrides}.items()}


# --- the checklist ------------------------------------------------------------------------------------


def test_the_checklist_asks_the_questions_without_a_login(client, catalog):
    response = client.get("/bundles/newborn/checklist/", headers={"accept-language": "en"})
    assert response.status_code == 200
    page = text(response)
    assert 'id="checklist-form"' in page and 'method="get"' in page
    assert "Which parent&#x27;s household" in page
    assert 'id="checklist"' not in page
    assert "css/remote.css" in page


def test_the_checklist_lists_exactly_the_documents_and_services_for_the_answers(client, catalog):
    response = client.get(
        "/bundles/newborn/checklist/", answers_query(collector="other"), headers={"accept-language": "en"}
    )
    assert response.status_code == 200
    page = text(response)
    documents = re.findall(r'data-material="([a-z_]+)"', page)
    assert documents == [
        "mother_id_card",
        "father_id_card",
        "hukou_book",
        "marriage_certificate",
        "authorisation_letter",
        "collector_id_card",
    ]
    assert "Letter of authorisation" in page and "Accepted files: PDF, JPEG, PNG" in page
    assert "Hukou birth registration" in page and "Maternity" not in page
    assert "Someone else (with a letter of authorisation)" in page  # the answers are printed too


def test_the_checklist_leaves_out_what_does_not_apply(client, catalog):
    response = client.get(
        "/bundles/newborn/checklist/",
        answers_query(maternity_reimbursement="yes"),
        headers={"accept-language": "en"},
    )
    page = text(response)
    assert "authorisation_letter" not in page
    assert "Maternity" in page or "maternity" in page


def test_the_checklist_is_printable(client, catalog):
    response = client.get("/bundles/newborn/checklist/", answers_query(), headers={"accept-language": "en"})
    page = text(response)
    assert 'class="print-only' in page and 'class="checklist"' in page
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/remote.css"), encoding="utf-8").read()
    assert "@media print" in css and ".no-print { display: none; }" in css


def test_unanswered_questions_are_pointed_out(client, catalog):
    response = client.get(
        "/bundles/newborn/checklist/", {"answers.register_with": "father"}, headers={"accept-language": "en"}
    )
    assert response.status_code == 400
    assert 'id="error-summary"' in text(response) and 'id="checklist"' not in text(response)


def test_an_unknown_bundle_has_no_checklist(client, catalog):
    assert client.get("/bundles/nonsense/checklist/").status_code == 404


def test_the_start_page_links_the_checklist(client, catalog):
    page = text(client.get("/bundles/newborn/", headers={"accept-language": "en"}))
    assert 'href="/bundles/newborn/checklist/"' in page


# --- the video window's home and booking --------------------------------------------------------------


def test_anyone_sees_the_video_windows_and_their_hours(client, window):
    response = client.get("/video/", headers={"accept-language": "en"})
    assert response.status_code == 200
    assert window.name in text(response) and "09:00–12:00" in text(response)


def test_booking_needs_a_login(client, window):
    response = client.get(f"/video/windows/{window.pk}/book/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_booking_page_lists_days_and_books_a_time(window, resident):
    client = client_of(resident)
    slot = future_slot(window)
    page = client.get(f"/video/windows/{window.pk}/book/", {"day": slot.starts_at.date().isoformat()})
    assert page.status_code == 200
    assert len(re.findall(r'data-day="', text(page))) == 10
    assert f'value="{slot.value}"' in text(page)
    response = client.post(
        f"/video/windows/{window.pk}/book/", {"starts_at": slot.value, "bundle_code": "newborn"}
    )
    appointment = Appointment.objects.get()
    assert response.status_code == 302 and response.url == f"/video/appointments/{appointment.pk}/"
    assert appointment.bundle_code == "newborn" and appointment.slot.starts_at == slot.starts_at
    detail = client.get(response.url)
    assert 'id="appointment-status" data-status="booked"' in text(detail)
    assert f"/video/appointments/{appointment.pk}/calendar.ics" in text(detail)


@time_machine.travel(local(2026, 11, 2, 9, 5), tick=False)  # five minutes into that slot
def test_a_refused_booking_shows_the_reason_beside_the_times(window, resident):
    client = client_of(resident)
    response = client.post(f"/video/windows/{window.pk}/book/", {"starts_at": "2026-11-02T09:00:00+08:00"})
    assert response.status_code == 400
    assert "has already begun: choose a later time" in text(response)
    assert not Appointment.objects.exists()


def test_a_physical_window_has_no_booking_page(catalog, resident):
    physical = Window.objects.create(name="综合窗口", area=Area.objects.get(code="500103"))
    assert client_of(resident).get(f"/video/windows/{physical.pk}/book/").status_code == 404


def test_cancelling_and_rescheduling_from_the_appointment_page(window, resident):
    client = client_of(resident)
    first = services.appointment_book(
        actor=resident, window_id=window.pk, starts_at=future_slot(window).starts_at
    )
    new_slot = future_slot(window, day_index=2, slot_index=4)
    response = client.post(f"/video/appointments/{first.pk}/reschedule/", {"starts_at": new_slot.value})
    moved = Appointment.objects.get(status=Appointment.Status.BOOKED)
    assert response.status_code == 302 and response.url == f"/video/appointments/{moved.pk}/"
    assert moved.slot.starts_at == new_slot.starts_at
    response = client.post(f"/video/appointments/{moved.pk}/cancel/")
    moved.refresh_from_db()
    assert response.status_code == 302 and moved.status == Appointment.Status.CANCELLED


def test_another_resident_sees_nothing_of_an_appointment(window, resident, other_resident, outsider):
    appointment = services.appointment_book(
        actor=resident, window_id=window.pk, starts_at=future_slot(window).starts_at
    )
    for stranger in (other_resident, outsider):
        client = client_of(stranger)
        for path in ("", "calendar.ics"):
            assert client.get(f"/video/appointments/{appointment.pk}/{path}").status_code == 404
        assert client.post(f"/video/appointments/{appointment.pk}/cancel/").status_code == 404
    anonymous = client_of().get(f"/video/appointments/{appointment.pk}/calendar.ics")
    assert anonymous.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


# --- the calendar file --------------------------------------------------------------------------------


def test_the_calendar_file_is_one_event_in_utc(catalog, resident):
    from banshi.remote.tests.fixtures import video_window_with_hours

    window = video_window_with_hours("渝中区政务服务中心, 视频窗口; 一号")
    slot = future_slot(window)
    appointment = services.appointment_book(
        actor=resident, window_id=window.pk, starts_at=slot.starts_at, bundle_code="newborn"
    )
    response = client_of(resident).get(f"/video/appointments/{appointment.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = text(response)
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and body.endswith("END:VCALENDAR\r\n")
    unfolded = body.replace("\r\n ", "")
    lines = unfolded.split("\r\n")
    assert lines.count("BEGIN:VEVENT") == 1
    assert f"UID:appointment-{appointment.pk}@testserver" in lines
    assert f"DTSTART:{slot.starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" in lines
    assert f"DTEND:{slot.ends_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" in lines
    assert "LOCATION:渝中区政务服务中心\\, 视频窗口\\; 一号" in lines
    assert any(line.startswith("SUMMARY:Video call with") for line in lines)
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_the_calendar_file_reads_back_as_the_appointment(catalog, resident):
    from banshi.remote.tests.fixtures import video_window_with_hours

    window = video_window_with_hours("渝中区政务服务中心, 视频窗口; 一号")
    slot = future_slot(window)
    appointment = services.appointment_book(
        actor=resident, window_id=window.pk, starts_at=slot.starts_at, bundle_code="newborn"
    )
    body = text(client_of(resident).get(f"/video/appointments/{appointment.pk}/calendar.ics"))
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert (event.decoded("dtstart"), event.decoded("dtend")) == (slot.starts_at, slot.ends_at)
    assert str(event["uid"]) == f"appointment-{appointment.pk}@testserver"
    assert str(event["location"]) == "渝中区政务服务中心, 视频窗口; 一号"
    assert str(event["summary"]).startswith("Video call with 渝中区政务服务中心, 视频窗口; 一号")
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["url"]) == f"http://testserver/video/windows/{window.pk}/queue/"
    assert str(event["url"]) in str(event["description"])


def test_the_calendar_text_is_escaped_and_folded():
    now = timezone.now()

    def calendar(summary="s", cancelled=False) -> str:
        return event_calendar(
            uid="x@y",
            starts_at=now,
            ends_at=now + timedelta(minutes=15),
            summary=summary,
            location="l",
            cancelled=cancelled,
            stamp=now,
        )

    assert "SUMMARY:a\\,b\\;c\\\\d\\ne" in calendar("a,b;c\\d\ne").replace("\r\n ", "").split("\r\n")
    long = "视频" * 40
    folded = calendar(long)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert "SUMMARY:" + long in folded.replace("\r\n ", "").split("\r\n")
    assert str(icalendar.Calendar.from_ical(folded).walk("VEVENT")[0]["summary"]) == long
    assert "STATUS:CANCELLED\r\n" in calendar(cancelled=True)


# --- the queue page -----------------------------------------------------------------------------------


def test_the_resident_takes_a_number_and_watches_their_place(window, resident, other_resident):
    services.ticket_take(actor=other_resident, window_id=window.pk)
    client = client_of(resident)
    before = text(client.get(f"/video/windows/{window.pk}/queue/"))
    assert 'id="take-number"' in before and 'id="queue-live"' in before and "js/queue.js" in before
    response = client.post(f"/video/windows/{window.pk}/queue/", {"bundle_code": "newborn"})
    assert response.status_code == 302
    ticket = QueueTicket.objects.get(resident=resident)
    page = text(client.get(f"/video/windows/{window.pk}/queue/"))
    assert f'data-window="{window.pk}" data-ticket="{ticket.pk}"' in page
    assert 'id="ticket-number">A002<' in page
    assert 'id="ticket-position">2<' in page and 'id="ticket-wait">20<' in page
    assert 'id="queue-waiting">2<' in page
    assert re.search(r'<a id="join-call"[^>]*hidden', page)
    assert 'id="take-number"' not in page


def test_when_called_the_page_shows_the_link_into_the_call_without_javascript(window, clerk, resident):
    services.ticket_take(actor=resident, window_id=window.pk)
    session = services.call_start(actor=clerk)
    page = text(client_of(resident).get(f"/video/windows/{window.pk}/queue/"))
    link = re.search(r'<a id="join-call"[^>]*>', page).group(0)
    assert f'href="/video/calls/{session.pk}/"' in link and "hidden" not in link
    assert 'id="now-serving">A001<' in page


def test_leaving_the_queue_from_the_page(window, resident, other_resident):
    ticket = services.ticket_take(actor=resident, window_id=window.pk)
    assert client_of(other_resident).post(f"/video/tickets/{ticket.pk}/leave/").status_code == 404
    response = client_of(resident).post(f"/video/tickets/{ticket.pk}/leave/")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == QueueTicket.Status.LEFT


def test_the_queue_json_tells_anyone_the_queue_and_nobody_the_people(client, window, resident):
    services.ticket_take(actor=resident, window_id=window.pk)
    response = client.get(f"/video/windows/{window.pk}/queue.json")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    data = response.json()
    assert data["waiting"] == 1 and data["tickets"][0]["number"] == "A001"
    assert data["ticket"] is None and data["position"] is None and data["call_url"] is None
    assert resident.phone not in json.dumps(data)


def test_the_queue_json_gives_a_resident_their_place_and_then_the_call(
    window, clerk, resident, other_resident
):
    services.ticket_take(actor=other_resident, window_id=window.pk)
    ticket = services.ticket_take(actor=resident, window_id=window.pk)
    data = client_of(resident).get(f"/video/windows/{window.pk}/queue.json").json()
    assert data["ticket"] == {"id": ticket.pk, "number": "A002", "status": "waiting"}
    assert (data["position"], data["estimated_wait_minutes"], data["call_url"]) == (2, 20.0, None)
    services.call_start(actor=clerk, ticket_id=ticket.pk)
    session = CallSession.objects.get()
    data = client_of(resident).get(f"/video/windows/{window.pk}/queue.json").json()
    assert data["call_url"] == f"/video/calls/{session.pk}/" and data["position"] == 0
    assert client_of(other_resident).get(f"/video/windows/{window.pk}/queue.json").json()["call_url"] is None


def test_the_queue_pages_live_part_comes_again_as_a_fragment_for_the_viewer(
    window, clerk, resident, other_resident
):
    services.ticket_take(actor=other_resident, window_id=window.pk)
    ticket = services.ticket_take(actor=resident, window_id=window.pk)
    client = client_of(resident)
    page = text(client.get(f"/video/windows/{window.pk}/queue/"))
    status_url = f"/video/windows/{window.pk}/queue/status/"
    assert f'hx-get="{status_url}" hx-trigger="queue-changed"' in page
    assert re.search(rf'<span id="queue-poll" [^>]*hx-get="{status_url}" hx-trigger="every 5s"', page)
    assert f'"wsPath": "/ws/queue/{window.pk}/"' in page  # the page's json_script config
    response = client.get(status_url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    fragment = text(response)
    assert "<html" not in fragment and 'id="queue-live"' not in fragment
    assert 'id="ticket-number">A002<' in fragment and 'id="ticket-position">2<' in fragment
    assert re.search(r'<a id="join-call"[^>]*hidden', fragment)
    services.call_start(actor=clerk, ticket_id=ticket.pk)
    session = CallSession.objects.get()
    fragment = text(client.get(status_url))
    link = re.search(r'<a id="join-call"[^>]*>', fragment).group(0)
    assert f'href="/video/calls/{session.pk}/"' in link and "hidden" not in link
    other = text(client_of(other_resident).get(status_url))
    assert 'id="ticket-number">A001<' in other and f"/video/calls/{session.pk}/" not in other


def test_the_queue_fragment_names_nobody_and_needs_no_login(client, window, resident):
    services.ticket_take(actor=resident, window_id=window.pk)
    response = client.get(f"/video/windows/{window.pk}/queue/status/")
    assert response.status_code == 200
    fragment = text(response)
    assert 'id="queue-waiting">1<' in fragment and 'id="ticket"' not in fragment
    assert resident.phone not in fragment and resident.display_name not in fragment
    assert client.get("/video/windows/999999/queue/status/").status_code == 404


def test_the_queue_page_and_the_console_load_the_vendored_htmx_by_its_hashed_name(
    window, clerk, resident, production_static
):
    from django.contrib.staticfiles.storage import staticfiles_storage

    from banshi.conftest import vendored

    htmx = staticfiles_storage.url(vendored("htmx.org"))
    assert re.fullmatch(r"/static/vendor/htmx\.org-[0-9.]+/dist/htmx\.min\.[0-9a-f]{12}\.js", htmx)
    assert (production_static / htmx.removeprefix("/static/")).is_file()
    for user, path in ((resident, f"/video/windows/{window.pk}/queue/"), (clerk, "/video/console/")):
        page = text(client_of(user).get(path))
        assert f'<script src="{htmx}" defer></script>' in page
        assert f'<script src="{staticfiles_storage.url("js/queue.js")}" defer></script>' in page
        assert '<meta name="htmx-config"' in page and '"allowEval": false' in page


# --- the clerk's console ------------------------------------------------------------------------------


def test_only_a_clerk_of_a_video_window_has_the_console(
    client, window, window_clerk, resident, outsider, health_officer, supervisor
):
    for user in (window_clerk, resident, outsider, health_officer, supervisor):
        assert client_of(user).get("/video/console/").status_code == 403
        assert client_of(user).post("/video/console/call/").status_code == 403
    assert client.get("/video/console/").status_code == 302


def test_the_console_shows_the_queue_and_todays_appointments(window, clerk, resident, other_resident):
    services.ticket_take(actor=resident, window_id=window.pk, bundle_code="newborn")
    page = text(client_of(clerk).get("/video/console/", headers={"accept-language": "en"}))
    assert f'id="queue-live" data-window="{window.pk}"' in page and "js/queue.js" in page
    assert 'id="queue-waiting">1<' in page and 'id="call-next"' in page
    assert "A001" in page and "Newborn birth" in page
    assert resident.display_name not in page  # masked in the queue: 1***...
    assert 'id="queue-empty"' not in page


def test_the_consoles_live_queue_comes_again_as_a_fragment(window, clerk, resident, window_clerk):
    client = client_of(clerk)
    page = text(client.get("/video/console/"))
    assert 'hx-get="/video/console/queue/" hx-trigger="queue-changed"' in page
    assert f'"wsPath": "/ws/queue/{window.pk}/"' in page
    assert 'id="queue-empty"' in text(client.get("/video/console/queue/"))
    ticket = services.ticket_take(actor=resident, window_id=window.pk, bundle_code="newborn")
    response = client.get("/video/console/queue/")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    fragment = text(response)
    assert 'id="queue-waiting">1<' in fragment and f'data-ticket="{ticket.pk}"' in fragment
    assert 'id="call-next"' in fragment and "<html" not in fragment
    assert resident.display_name not in fragment
    assert client_of(resident).get("/video/console/queue/").status_code == 403
    assert client_of(window_clerk).get("/video/console/queue/").status_code == 403


def test_the_console_lists_todays_appointments_to_call(window, clerk, other_resident):
    starts = timezone.now() + timedelta(minutes=20)
    slot = Slot.objects.create(
        window=window, starts_at=starts, ends_at=starts + timedelta(minutes=15), capacity=2, booked=1
    )
    appointment = Appointment.objects.create(slot=slot, resident=other_resident, created_at=timezone.now())
    client = client_of(clerk)
    page = text(client.get("/video/console/"))
    assert f'data-appointment="{appointment.pk}"' in page and other_resident.display_name not in page
    response = client.post("/video/console/call/", {"appointment_id": appointment.pk})
    session = CallSession.objects.get()
    assert response.url == f"/video/calls/{session.pk}/" and session.appointment == appointment


def test_calling_the_next_resident_opens_the_call_page(window, clerk, resident):
    services.ticket_take(actor=resident, window_id=window.pk)
    response = client_of(clerk).post("/video/console/call/")
    session = CallSession.objects.get()
    assert response.status_code == 302 and response.url == f"/video/calls/{session.pk}/"
    assert session.clerk == clerk and session.resident == resident


def test_calling_with_nobody_waiting_comes_back_with_the_reason(window, clerk):
    client = client_of(clerk)
    response = client.post("/video/console/call/", follow=True)
    assert response.redirect_chain[-1][0] == "/video/console/"
    assert "Nobody is waiting." in text(response)
    assert not CallSession.objects.exists()


def test_a_clerk_of_another_window_cannot_call_this_queue_from_the_page(window, other_clerk, resident):
    ticket = services.ticket_take(actor=resident, window_id=window.pk)
    response = client_of(other_clerk).post("/video/console/call/", {"ticket_id": ticket.pk})
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == QueueTicket.Status.WAITING


def test_an_unfinished_call_is_listed_to_resume_or_end(window, clerk, resident):
    services.ticket_take(actor=resident, window_id=window.pk)
    session = services.call_start(actor=clerk)
    services.call_connected(session_id=session.pk)
    services.call_interrupted(session_id=session.pk, user=resident)
    client = client_of(clerk)
    page = text(client.get("/video/console/"))
    assert f'id="resume-{session.pk}"' in page and f'href="/video/calls/{session.pk}/"' in page
    assert resident.display_name in page  # the clerk handling the call sees the name
    assert re.search(r'id="call-next"[^>]*disabled', page)
    CallSession.objects.filter(pk=session.pk).update(rejoin_until=timezone.now() - timedelta(minutes=1))
    page = text(client.get("/video/console/"))
    assert f'id="resume-{session.pk}"' not in page and f'id="end-{session.pk}"' in page
    # Ending asks first (static/js/queue.js reads data-confirm), and no outcome is chosen for the clerk.
    assert 'data-confirm="End this call? It cannot be resumed."' in page
    assert re.search(r'<option value="" selected>Choose the outcome…</option>', page)
    assert page.count("selected>") == 1
    refused = client.post(f"/video/console/calls/{session.pk}/end/", {f"end{session.pk}-outcome": ""})
    assert refused.status_code == 302
    session.refresh_from_db()
    assert session.status == CallSession.Status.INTERRUPTED
    response = client.post(f"/video/console/calls/{session.pk}/end/", {f"end{session.pk}-outcome": "dropped"})
    assert response.status_code == 302 and response.url == "/video/console/"
    session.refresh_from_db()
    assert (session.status, session.outcome) == (CallSession.Status.ENDED, "dropped")


def test_another_clerk_cannot_end_a_call_from_the_console(window, clerk, other_clerk, resident):
    services.ticket_take(actor=resident, window_id=window.pk)
    session = services.call_start(actor=clerk)
    for stranger in (other_clerk, resident):
        response = client_of(stranger).post(
            f"/video/console/calls/{session.pk}/end/", {f"end{session.pk}-outcome": "served"}
        )
        assert response.status_code in (403, 404)
    session.refresh_from_db()
    assert session.status == CallSession.Status.CALLING


# --- after the call -----------------------------------------------------------------------------------


@pytest.fixture
def ended(window, clerk, resident) -> CallSession:
    services.ticket_take(actor=resident, window_id=window.pk)
    session = services.call_start(actor=clerk)
    services.call_connected(session_id=session.pk)
    services.call_end(actor=clerk, session_id=session.pk, outcome=CallSession.Outcome.SERVED)
    return session


def test_after_the_call_the_resident_is_offered_the_rating(window, ended, resident):
    client = client_of(resident)
    queue = text(client.get(f"/video/windows/{window.pk}/queue/"))
    assert f'href="/video/calls/{ended.pk}/summary/"' in queue
    page = text(client.get(f"/video/calls/{ended.pk}/summary/"))
    assert 'id="rating-form"' in page and page.count('name="level"') == 5
    response = client.post(f"/video/calls/{ended.pk}/summary/", {"level": "5", "comment": "很快"})
    assert response.status_code == 302
    rating = CallRating.objects.get()
    assert (rating.level, rating.comment, rating.session) == (5, "很快", ended)
    page = text(client.get(f"/video/calls/{ended.pk}/summary/"))
    assert 'id="rating-given" data-level="5"' in page and 'id="rating-form"' not in page


def test_the_summary_keeps_the_chat_of_the_call_for_both_sides(window, clerk, resident):
    services.ticket_take(actor=resident, window_id=window.pk)
    session = services.call_start(actor=clerk)
    services.call_chat_post(actor=clerk, session_id=session.pk, text="出生医学证明要原件")
    services.call_chat_post(actor=resident, session_id=session.pk, text="明白")
    services.call_end(actor=clerk, session_id=session.pk, outcome=CallSession.Outcome.SERVED)
    for user, lines in (
        (resident, ["Clerk:</strong> 出生医学证明要原件", "You:</strong> 明白"]),
        (clerk, ["You:</strong> 出生医学证明要原件", "Resident:</strong> 明白"]),
    ):
        page = text(client_of(user).get(f"/video/calls/{session.pk}/summary/"))
        chat = page[page.index('id="call-chat"') : page.index("</ol>", page.index('id="call-chat"'))]
        assert chat.index(lines[0]) < chat.index(lines[1])


def test_a_call_that_never_connected_cannot_be_rated(window, clerk, resident):
    services.ticket_take(actor=resident, window_id=window.pk)
    session = services.call_start(actor=clerk)
    services.call_media_connected(session_id=session.pk, user=clerk)  # the resident's media never came
    services.call_end(actor=clerk, session_id=session.pk, outcome=CallSession.Outcome.DROPPED)
    page = text(client_of(resident).get(f"/video/calls/{session.pk}/summary/"))
    assert 'id="rating-form"' not in page


def test_a_rating_without_a_level_is_shown_again_with_the_error(ended, resident):
    response = client_of(resident).post(f"/video/calls/{ended.pk}/summary/", {"comment": "x"})
    assert response.status_code == 400 and 'id="error-summary"' in text(response)
    assert not CallRating.objects.exists()


def test_nobody_else_sees_or_rates_a_call(ended, clerk, other_resident, outsider, client):
    for stranger in (other_resident, outsider):
        assert client_of(stranger).get(f"/video/calls/{ended.pk}/summary/").status_code == 404
        assert (
            client_of(stranger).post(f"/video/calls/{ended.pk}/summary/", {"level": "1"}).status_code == 404
        )
    assert client_of(clerk).post(f"/video/calls/{ended.pk}/summary/", {"level": "1"}).status_code == 404
    assert client.get(f"/video/calls/{ended.pk}/summary/").status_code == 302
    assert not CallRating.objects.exists()


# --- the figures --------------------------------------------------------------------------------------


def test_only_supervisors_see_the_figures(client, window, clerk, resident, outsider, health_officer):
    for user in (clerk, resident, outsider, health_officer):
        assert client_of(user).get("/video/stats/").status_code == 403
    assert client.get("/video/stats/").status_code == 302


def test_the_figures_count_calls_waits_lengths_and_ratings(
    window, clerk, supervisor, resident, other_resident
):
    from banshi.conftest import _user

    waits = [2, 4, 6, 8, 30]
    lengths = [5, 5, 10, 20, 40]
    residents = [resident, other_resident] + [
        _user(f"1370000010{i}", phone=f"1370000010{i}") for i in range(3)
    ]
    for person, wait, length, level in zip(residents, waits, lengths, [5, 5, 4, 2, 1], strict=True):
        ticket = services.ticket_take(actor=person, window_id=window.pk)
        session = services.call_start(actor=clerk, ticket_id=ticket.pk)
        services.call_connected(session_id=session.pk)
        services.call_end(actor=clerk, session_id=session.pk, outcome=CallSession.Outcome.SERVED)
        called = ticket.created_at + timedelta(minutes=wait)
        QueueTicket.objects.filter(pk=ticket.pk).update(called_at=called)
        session.refresh_from_db()
        CallSession.objects.filter(pk=session.pk).update(
            connected_at=session.ended_at - timedelta(minutes=length)
        )
        services.call_rate(actor=person, session_id=session.pk, level=level)
    response = client_of(supervisor).get("/video/stats/", headers={"accept-language": "en"})
    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats["calls"] == 5 and sum(count for _day, count in stats["per_day"]) == 5
    assert stats["waiting"] == {"count": 5, "median": 6.0, "p90": 30.0}
    assert stats["length"] == {"count": 5, "median": 10.0, "p90": 40.0}
    assert [(row["level"], row["count"]) for row in stats["ratings"]] == [
        (5, 2),
        (4, 1),
        (3, 0),
        (2, 1),
        (1, 1),
    ]
    page = text(response)
    assert 'id="calls-count"><strong>5<' in page and "90th percentile" in page


def test_the_pages_speak_chinese_by_default(window, clerk, resident, supervisor, catalog):
    from django.test import Client

    services.ticket_take(actor=resident, window_id=window.pk)
    pages = [
        (None, "/bundles/newborn/checklist/?" + "&".join(f"{k}={v}" for k, v in answers_query().items())),
        (None, "/video/"),
        (resident, f"/video/windows/{window.pk}/queue/"),
        (resident, f"/video/windows/{window.pk}/book/"),
        (clerk, "/video/console/"),
        (supervisor, "/video/stats/"),
    ]
    for user, path in pages:
        client = Client(headers={"Accept-Language": "zh-hans"})
        if user is not None:
            client.force_login(user)
        response = client.get(path)
        assert response.status_code == 200, path
        assert '<html lang="zh-hans"' in text(response)
    chinese = {
        "/video/": "视频办：一次都不跑",
        f"/video/windows/{window.pk}/queue/": "您的号码",
        "/video/console/": "呼叫下一位",
        "/video/stats/": "视频窗口统计",
    }
    for path, phrase in chinese.items():
        user = {"/video/": None, "/video/console/": clerk, "/video/stats/": supervisor}.get(path, resident)
        client = Client(headers={"Accept-Language": "zh-hans"})
        if user is not None:
            client.force_login(user)
        assert phrase in text(client.get(path)), path
