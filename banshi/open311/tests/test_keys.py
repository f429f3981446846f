"""API keys: issued in the admin to a named client, shown once, kept as a digest only, revoked by an
action; each audited."""

import hashlib
import re

import pytest

from banshi.audit.models import Event
from banshi.lib.errors import FieldErrors
from banshi.open311.events import EventType
from banshi.open311.models import ApiClient
from banshi.open311.services import api_key_issue, api_key_revoke, client_for_key
from banshi.open311.tests.conftest import ENGLISH

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_a_client_and_sees_its_key_once(admin_client, admin_user):
    response = admin_client.post(
        "/admin/open311/apiclient/add/", {"name": "Street app"}, headers=ENGLISH, follow=True
    )
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    key = next(
        match.group(1) for text in shown if (match := re.search(r"only its digest is kept\): (\S+)", text))
    )
    client = ApiClient.objects.get(name="Street app")
    assert client.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {str(value) for value in ApiClient.objects.values_list("name", "digest").get()}
    assert client_for_key(key) == client
    event = Event.objects.get(event_type=EventType.API_KEY_ISSUED)
    assert (event.actor, event.subject_id) == (admin_user, str(client.pk))
    assert key not in str(event.extra)
    again = admin_client.get(f"/admin/open311/apiclient/{client.pk}/change/", headers=ENGLISH)
    assert key.encode() not in again.content, "the key is shown once, on adding"
    listed = admin_client.get("/admin/open311/apiclient/", headers=ENGLISH)
    assert key.encode() not in listed.content and client.digest.encode() not in listed.content


def test_the_revoke_action_stops_the_key_and_is_audited(admin_client, admin_user):
    key, client = api_key_issue(actor=admin_user, name="Street app")
    response = admin_client.post(
        "/admin/open311/apiclient/",
        {"action": "revoke", "_selected_action": [client.pk]},
        headers=ENGLISH,
    )
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.active is False and client.revoked_at is not None
    assert client_for_key(key) is None
    assert Event.objects.filter(event_type=EventType.API_KEY_REVOKED, subject_id=str(client.pk)).count() == 1
    api_key_revoke(actor=admin_user, client_id=client.pk)
    assert Event.objects.filter(event_type=EventType.API_KEY_REVOKED).count() == 1, (
        "once revoked, nothing more"
    )


def test_a_client_needs_a_name_of_its_own(admin_user):
    api_key_issue(actor=admin_user, name="Street app")
    with pytest.raises(FieldErrors) as refused:
        api_key_issue(actor=admin_user, name="Street app")
    assert "name" in refused.value.errors
    with pytest.raises(FieldErrors):
        api_key_issue(actor=admin_user, name="  ")
    assert ApiClient.objects.count() == 1


def test_no_key_is_nobodys_key(db):
    assert client_for_key("") is None and client_for_key(None) is None


def test_a_categorys_questions_are_checked_in_the_admin(admin_client):
    from banshi.problems.models import Category, Tier

    tier = Tier.objects.get(code="general")
    data = {
        "code": "trees",
        "name_zh": "树木",
        "name_en": "Trees",
        "tier": tier.pk,
        "active": "on",
        "position": 1,
    }
    refused = admin_client.post(
        "/admin/problems/category/add/",
        {**data, "attributes": '[{"code": "A", "datatype": "colour"}]'},
        headers=ENGLISH,
    )
    assert refused.status_code == 200 and not Category.objects.filter(code="trees").exists()
    assert b"unknown datatype" in refused.content
    taken = admin_client.post("/admin/problems/category/add/", {**data, "attributes": ""}, headers=ENGLISH)
    assert taken.status_code == 302
    assert Category.objects.get(code="trees").attributes == []
