"""A clerk's look at a document the resident shared in a call is recorded; the resident's own is not."""

import pytest
from django.test import Client

from banshi.audit.models import Access
from banshi.conftest import ANSWERS
from banshi.remote import services

pytestmark = pytest.mark.django_db


def browser_of(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def test_the_clerk_opening_a_shared_document_is_recorded_and_the_resident_opening_it_is_not(
    call_session, call_clerk, call_window, resident, uploads, outsider
):
    services.call_draft_share(
        actor=resident,
        session_id=call_session.pk,
        draft={
            "bundle": "newborn",
            "answers": ANSWERS,
            "values": {},
            "materials": {"mother_id_card": uploads["mother_id_card"]},
        },
    )
    path = f"/video/calls/{call_session.pk}/materials/mother_id_card/"
    assert browser_of(resident).get(path).status_code == 200
    assert not Access.objects.exists()
    assert browser_of(outsider).get(path).status_code == 404
    assert not Access.objects.exists()

    assert browser_of(call_clerk).get(path).status_code == 200
    record = Access.objects.get()
    assert (record.actor, record.resident, record.kind, record.purpose) == (
        call_clerk,
        resident,
        Access.Kind.DOCUMENT,
        Access.Purpose.CALL,
    )
    assert (record.call_id, record.upload_id, record.window_id, record.application_id) == (
        call_session.pk,
        uploads["mother_id_card"],
        call_window.pk,
        None,
    )
