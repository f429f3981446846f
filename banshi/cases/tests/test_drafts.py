"""The one form's draft is a row on the server, never in the cookie: the resident's own (or the window
clerk's for the resident they serve), emptied when sent but for the number it became, and deleted 30 days
after its last change."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from banshi.audit.models import Event
from banshi.cases.draft import DraftKey, draft_get, draft_save, draft_start, drafts_purge
from banshi.cases.models import Application, Draft
from banshi.cases.tests.test_pages import answers_post, fields_post, files_post, logged_in
from banshi.conftest import MOTHER_ID

pytestmark = pytest.mark.django_db

NEWBORN = DraftKey("newborn")
START = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def fill_in_details(client: Client) -> None:
    assert client.post("/bundles/newborn/questions/", answers_post()).status_code == 302
    response = client.post("/bundles/newborn/details/", {**fields_post(), **files_post()})
    assert response.status_code == 302 and response.url == "/bundles/newborn/check/"


def test_the_draft_is_a_row_of_the_resident_and_the_cookie_holds_no_personal_data(resident):
    client = logged_in(resident)
    fill_in_details(client)
    draft = Draft.objects.get(owner=resident, applicant=resident, bundle_code="newborn")
    assert draft.values["mother.id_number"] == MOTHER_ID and len(draft.materials) == 4
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert MOTHER_ID not in cookie and len(cookie) == 32 and cookie.isalnum()  # a session key, nothing more
    session = Session.objects.get(session_key=cookie).get_decoded()
    assert not any(key.startswith(("draft", "submitted")) for key in session)
    assert MOTHER_ID not in repr(session)


def test_the_draft_follows_the_resident_to_another_browser_and_no_one_else_sees_it(resident, other_resident):
    fill_in_details(logged_in(resident))
    elsewhere = logged_in(resident).get("/bundles/newborn/check/")
    assert elsewhere.status_code == 200 and "王小明" in elsewhere.content.decode()
    other = logged_in(other_resident).get("/bundles/newborn/details/")
    assert other.status_code == 302 and other.url == "/bundles/newborn/questions/"
    assert draft_get(other_resident, NEWBORN) is None


def test_once_sent_only_the_number_is_kept_and_a_resent_submit_finds_the_application(resident):
    client = logged_in(resident)
    fill_in_details(client)
    response = client.post("/bundles/newborn/check/")
    application = Application.objects.get(applicant=resident)
    draft = Draft.objects.get(owner=resident)
    assert (draft.answers, draft.values, draft.materials) == ({}, {}, {})
    assert draft.submitted_number == application.number
    again = client.post("/bundles/newborn/check/")
    assert again.status_code == 302 and again.url == response.url
    assert Application.objects.filter(applicant=resident).count() == 1
    # Starting again is a new draft with a new token: a new application, not the sent one again.
    client.get("/bundles/newborn/questions/")
    fresh = Draft.objects.get(owner=resident)
    assert fresh.submitted_number == "" and fresh.token != draft.token


def test_a_draft_sent_meanwhile_is_not_written_again_by_another_tab(resident):
    draft_start(resident, NEWBORN)
    Draft.objects.filter(owner=resident).update(submitted_number="BS20260302000001")
    draft_save(
        resident, NEWBORN, {"answers": {"a": "b"}, "values": {"mother.id_number": MOTHER_ID}, "materials": {}}
    )
    assert Draft.objects.get(owner=resident).values == {}


def test_a_draft_is_deleted_30_days_after_its_last_change_and_the_deletion_audited(resident, other_resident):
    with time_machine.travel(START, tick=False):
        draft_start(resident, NEWBORN)
        draft_start(other_resident, NEWBORN)
    with time_machine.travel(START + timedelta(days=10), tick=False):
        key = DraftKey("newborn")
        draft_save(
            other_resident, key, {**draft_get(other_resident, key), "values": {"newborn.name": "王小明"}}
        )
    with time_machine.travel(START + timedelta(days=30) - timedelta(seconds=1), tick=False):
        assert drafts_purge(now=timezone.now()) == 0
    with time_machine.travel(START + timedelta(days=30, seconds=1), tick=False):
        kept = Draft.objects.get(owner=other_resident)
        assert drafts_purge(now=timezone.now()) == 1
    assert list(Draft.objects.all()) == [kept]
    (event,) = Event.objects.filter(event_type="draft.purged")
    assert event.subject_type == "cases.draft" and event.actor is None
    assert event.extra == {"bundle": "newborn", "sent": False}
    with time_machine.travel(START + timedelta(days=40, seconds=1), tick=False):
        out = io.StringIO()
        call_command("purge_drafts", stdout=out)
    assert out.getvalue().strip() == "1 drafts deleted" and not Draft.objects.exists()


def test_a_clerks_draft_for_a_resident_is_not_the_residents_own(window_clerk, resident):
    clerk = logged_in(window_clerk)
    clerk.get(f"/window/residents/{resident.pk}/")
    base = f"/window/residents/{resident.pk}/bundles/newborn"
    assert clerk.post(f"{base}/questions/", answers_post()).status_code == 302
    assert draft_get(window_clerk, DraftKey("newborn", resident.pk)) is not None
    assert draft_get(window_clerk, NEWBORN) is None and draft_get(resident, NEWBORN) is None
