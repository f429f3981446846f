"""API tokens are listed and revoked by their owner (a page and the API) and by an administrator (the
admin), every revocation audited; a revoked token opens nothing; another user's token cannot be revoked.
A new password, by SMS code or by an administrator, revokes all the user's tokens and ends their other
sessions."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client

from banshi.accounts.models import ApiToken, User
from banshi.accounts.services import password_code_send
from banshi.audit.models import Event
from banshi.cases.tests.test_pages import text
from banshi.conftest import PASSWORD, ApiClient, run_queued_texts

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
NEW_PASSWORD = "a new long passphrase"


def logged_in(user: User) -> Client:
    """A browser signed in as `user`, reading the pages in English (the messages the tests look for)."""
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def revocations() -> list[tuple[int, str, int | None]]:
    return [
        (event.extra["token_id"], event.extra["cause"], event.actor_id)
        for event in Event.objects.filter(event_type="api_token.revoked").order_by("id")
    ]


def token_id(api: ApiClient) -> int:
    key = api.headers["Authorization"].removeprefix("Bearer ")
    return ApiToken.objects.get(digest=ApiToken.digest_of(key)).pk


def opens_the_api(api: ApiClient) -> bool:
    response = api.get("/api/v1/auth/tokens")
    assert response.status_code in (200, 401)
    return response.status_code == 200


@pytest.fixture
def admin(catalog):
    return User.objects.create_user(username="root", password=PASSWORD, is_staff=True, is_superuser=True)


def test_the_owner_lists_their_tokens_on_a_page_without_the_tokens_themselves(resident, other_resident):
    with time_machine.travel(MORNING, tick=False) as clock:
        first, second = ApiClient(resident), ApiClient(resident)
        ApiClient(other_resident)
        clock.shift(timedelta(minutes=1))
        assert opens_the_api(second)
        page = logged_in(resident).get("/accounts/tokens/")
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    body = text(page)
    mine = {token_id(first), token_id(second)}
    assert set(map(int, re.findall(r'id="token-(\d+)"', body))) == mine
    for api in (first, second):
        assert api.headers["Authorization"].removeprefix("Bearer ") not in body
    assert "Not used yet." in body and "Last used" in body


def test_the_owner_revokes_a_token_on_the_page_and_it_opens_nothing_any_more(resident):
    api, kept = ApiClient(resident), ApiClient(resident)
    page = logged_in(resident)
    response = page.post(f"/accounts/tokens/{token_id(api)}/revoke/", follow=True)
    assert response.status_code == 200 and f"Token {token_id(api)} was revoked" in text(response)
    assert f'id="token-{token_id(api)}"' not in text(response)
    assert not opens_the_api(api) and opens_the_api(kept)
    assert revocations() == [(token_id(api), "owner", resident.pk)]

    again = page.post(f"/accounts/tokens/{token_id(api)}/revoke/")
    assert again.status_code == 404 and len(revocations()) == 1


def test_another_users_token_cannot_be_revoked_on_the_page(resident, other_resident):
    theirs = ApiClient(other_resident)
    response = logged_in(resident).post(f"/accounts/tokens/{token_id(theirs)}/revoke/")
    assert response.status_code == 404
    assert opens_the_api(theirs) and revocations() == []
    assert logged_in(resident).get(f"/accounts/tokens/{token_id(theirs)}/revoke/").status_code == 405


def test_the_tokens_page_needs_a_login(client):
    response = client.get("/accounts/tokens/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_api_lists_and_revokes_the_callers_tokens(resident, other_resident):
    def delete(api: ApiClient, pk: int):
        return api.client.delete(f"/api/v1/auth/tokens/{pk}", headers=api.headers)

    with time_machine.travel(MORNING, tick=False):
        api, other = ApiClient(resident), ApiClient(resident)
        theirs = ApiClient(other_resident)
        listed = api.get("/api/v1/auth/tokens")
        assert listed.status_code == 200
        assert [row["id"] for row in listed.json()] == [token_id(other), token_id(api)]  # newest first
        assert set(listed.json()[0]) == {"id", "created_at", "expires_at", "last_used_at"}
        assert listed.json()[1]["last_used_at"] == "2026-03-10T01:00:00Z"

        assert delete(api, token_id(theirs)).status_code == 404
        assert delete(api, 999999).status_code == 404
        assert opens_the_api(theirs)

        assert delete(api, token_id(other)).status_code == 204
        assert not opens_the_api(other) and opens_the_api(api)
        # A token may revoke itself: it is then refused at once.
        assert delete(api, token_id(api)).status_code == 204
        refused = api.get("/api/v1/auth/tokens")
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["message"] == "a valid bearer token is required"
    assert revocations() == [(token_id(other), "owner", resident.pk), (token_id(api), "owner", resident.pk)]


def test_the_last_use_is_noted_to_the_nearest_five_minutes(resident):
    with time_machine.travel(MORNING, tick=False) as clock:
        api = ApiClient(resident)
        assert ApiToken.objects.get().last_used_at is None
        api.get("/api/v1/auth/tokens")
        assert ApiToken.objects.get().last_used_at == MORNING
        clock.shift(timedelta(minutes=4))
        api.get("/api/v1/auth/tokens")
        assert ApiToken.objects.get().last_used_at == MORNING
        clock.shift(timedelta(minutes=1))
        api.get("/api/v1/auth/tokens")
        assert ApiToken.objects.get().last_used_at == MORNING + timedelta(minutes=5)


def test_an_administrator_lists_and_revokes_tokens_in_the_admin(admin, resident, other_resident):
    api, theirs = ApiClient(resident), ApiClient(other_resident)
    staff = logged_in(admin)
    listing = staff.get("/admin/accounts/apitoken/")
    assert (
        listing.status_code == 200 and str(resident) in text(listing) and str(other_resident) in text(listing)
    )

    response = staff.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token_id(api)]}, follow=True
    )
    assert response.status_code == 200 and "1 token was revoked." in text(response)
    assert not opens_the_api(api) and opens_the_api(theirs)
    assert revocations() == [(token_id(api), "administrator", admin.pk)]

    page = staff.get(f"/admin/accounts/apitoken/{token_id(theirs)}/change/")
    assert page.status_code == 200 and 'name="_save"' not in text(page)  # read-only
    assert staff.get("/admin/accounts/apitoken/add/").status_code == 403
    assert staff.post(f"/admin/accounts/apitoken/{token_id(theirs)}/delete/").status_code == 403
    assert ApiToken.objects.count() == 2


def test_staff_who_may_only_view_tokens_cannot_revoke_them(resident, catalog):
    from django.contrib.auth.models import Permission

    viewer = User.objects.create_user(username="viewer", password=PASSWORD, is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_apitoken"))
    api = ApiClient(resident)
    staff = logged_in(viewer)
    assert staff.get("/admin/accounts/apitoken/").status_code == 200
    staff.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token_id(api)]})
    assert opens_the_api(api) and revocations() == []


def log_in_at(address: str, user: User) -> Client:
    client = Client(REMOTE_ADDR=address, headers={"Accept-Language": "en"})
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def signed_in(client: Client) -> bool:
    return client.get("/accounts/tokens/").status_code == 200


def test_a_password_set_by_sms_code_revokes_the_tokens_and_ends_the_other_sessions(
    settings, resident, other_resident, sms_outbox, django_capture_on_commit_callbacks
):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    phone, laptop = log_in_at("198.51.100.1", resident), log_in_at("198.51.100.2", resident)
    neighbour = log_in_at("198.51.100.3", other_resident)
    apis = [ApiClient(resident), ApiClient(resident)]
    theirs = ApiClient(other_resident)
    assert signed_in(phone) and signed_in(laptop) and Session.objects.count() == 3

    with django_capture_on_commit_callbacks(execute=True):
        password_code_send(phone=resident.phone)
    run_queued_texts()
    code = re.search(r"\b(\d{6})\b", sms_outbox[-1][1]).group(1)
    visitor = Client(headers={"Accept-Language": "en"})
    done = visitor.post(
        "/accounts/password/set/",
        {"phone": resident.phone, "code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert done.status_code == 302

    assert signed_in(visitor)  # the session that set the password
    assert not signed_in(phone) and not signed_in(laptop)
    assert signed_in(neighbour) and opens_the_api(theirs)
    assert not any(opens_the_api(api) for api in apis)
    assert sorted(revocations()) == sorted((token_id(api), "password", resident.pk) for api in apis)


def test_an_administrators_password_change_revokes_the_tokens_and_ends_the_sessions(
    settings, admin, resident
):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    browser = log_in_at("198.51.100.1", resident)
    api = ApiClient(resident)
    staff = logged_in(admin)
    response = staff.post(
        f"/admin/accounts/user/{resident.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "set_usable_password": "true"},
    )
    assert response.status_code == 302, text(response)
    resident.refresh_from_db()
    assert resident.check_password(NEW_PASSWORD)
    assert not signed_in(browser) and not opens_the_api(api)
    assert revocations() == [(token_id(api), "password", admin.pk)]
    changed = Event.objects.get(event_type="user.password_changed")
    assert changed.actor == admin and changed.subject_id == str(resident.pk)
    assert signed_in(staff)

    # The form shown again with an error changes nothing and ends nothing.
    kept = Client(headers={"Accept-Language": "en"})
    login = {"username": resident.username, "password": NEW_PASSWORD}
    assert kept.post("/accounts/login/", login).status_code == 302
    mismatch = staff.post(
        f"/admin/accounts/user/{resident.pk}/password/",
        {
            "password1": "one long passphrase",
            "password2": "another passphrase",
            "set_usable_password": "true",
        },
    )
    assert mismatch.status_code == 200 and signed_in(kept)
    assert Event.objects.filter(event_type="user.password_changed").count() == 1


def test_a_token_dies_with_the_password_it_was_issued_under_however_it_was_changed(resident):
    api = ApiClient(resident)
    resident.set_password(NEW_PASSWORD)  # as `manage.py changepassword` does
    resident.save()
    assert not opens_the_api(api)
    assert logged_in(resident).get("/accounts/tokens/").content.count(b'id="token-') == 0
