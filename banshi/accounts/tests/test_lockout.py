"""Failed logins and code entries lock out the account and, separately, the client's address for a while
(django-axes): on the login page, the admin's login, the API's token endpoint and the SMS-code forms. While
locked out even the right password or code is refused; another account from another address is not."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client, RequestFactory

from banshi.accounts.models import PasswordCode, User
from banshi.accounts.services import password_code_send
from banshi.accounts.tests.test_password_code_pages import (
    NEW_PASSWORD,
    anonymous,
    assert_unchanged,
    set_password,
    wrong,
)
from banshi.accounts.throttle import client_ip
from banshi.cases.tests.test_pages import text
from banshi.cases.tests.test_window_pages import PHONE
from banshi.conftest import PASSWORD, run_queued_texts

pytestmark = pytest.mark.django_db

LIMIT = 3
ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
MORNING = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
LOCKED_OUT = "Too many failed tries for this account or from this address"


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def client_at(address: str) -> Client:
    return Client(REMOTE_ADDR=address, headers={"Accept-Language": "en"})


def log_in(client: Client, username: str, password: str, path: str = "/accounts/login/"):
    return client.post(path, {"username": username, "password": password, "next": "/"})


def token(client: Client, username: str, password: str):
    return client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )


def assert_locked_out_page(response) -> None:
    assert response.status_code == 429
    assert f"{LOCKED_OUT}. For your safety, logging in and entering codes are paused" in text(response)
    assert "try again in 15 minutes" in text(response)
    assert response["Retry-After"] == "900"
    assert 'class="site-header"' in text(response)  # the site's own page


def test_the_login_page_locks_out_the_account_and_the_address_even_for_the_right_password(
    resident, other_resident
):
    attacker = client_at(ATTACKER)
    with time_machine.travel(MORNING, tick=False) as clock:
        for _ in range(LIMIT - 1):
            refused = log_in(attacker, resident.username, "not the password")
            assert refused.status_code == 200 and "password is not right" in text(refused)
        assert_locked_out_page(log_in(attacker, resident.username, "not the password"))

        right = log_in(attacker, resident.username, PASSWORD)
        assert_locked_out_page(right)
        assert "_auth_user_id" not in attacker.session
        # The account is locked wherever its owner tries from, and the address for every account.
        assert_locked_out_page(log_in(client_at(ELSEWHERE), resident.username, PASSWORD))
        assert_locked_out_page(log_in(attacker, other_resident.username, PASSWORD))

        # Another account from another address is unaffected.
        other = client_at(ELSEWHERE)
        assert log_in(other, other_resident.username, PASSWORD).status_code == 302
        assert other.session["_auth_user_id"] == str(other_resident.pk)

        clock.shift(timedelta(minutes=16))
        assert log_in(client_at(ELSEWHERE), resident.username, PASSWORD).status_code == 302


def test_the_mobile_number_and_the_user_name_count_against_the_same_account(catalog):
    staff = User.objects.create_user(username="li.hua", phone="13600000006", password=PASSWORD)
    with time_machine.travel(MORNING, tick=False):
        log_in(client_at(ATTACKER), "li.hua", "wrong")
        log_in(client_at("203.0.113.8"), "13600000006", "wrong")
        assert_locked_out_page(log_in(client_at("203.0.113.9"), "13600000006", "wrong"))
        assert_locked_out_page(log_in(client_at(ELSEWHERE), staff.username, PASSWORD))


def test_the_admin_login_locks_out_too(catalog):
    admin = User.objects.create_user(username="root", password=PASSWORD, is_staff=True, is_superuser=True)
    attacker = client_at(ATTACKER)
    with time_machine.travel(MORNING, tick=False):
        for _ in range(LIMIT - 1):
            refused = log_in(attacker, "root", "guess", path="/admin/login/")
            assert refused.status_code == 200 and "enter the correct" in text(refused)
        assert_locked_out_page(log_in(attacker, "root", "guess", path="/admin/login/"))
        assert_locked_out_page(log_in(attacker, "root", PASSWORD, path="/admin/login/"))
        assert "_auth_user_id" not in attacker.session
        assert log_in(client_at(ELSEWHERE), admin.username, PASSWORD, path="/admin/login/").status_code == 429


def test_the_api_token_endpoint_counts_failures_and_locks_out(resident, other_resident):
    attacker = client_at(ATTACKER)
    with time_machine.travel(MORNING, tick=False):
        for _ in range(LIMIT - 1):
            refused = token(attacker, resident.username, "guess")
            assert refused.status_code == 400
            assert refused.json()["errors"][0]["field"] == "password"
        locked = token(attacker, resident.username, "guess")
        assert locked.status_code == 429 and locked["Retry-After"] == "900"
        [error] = locked.json()["errors"]
        assert error["field"] == "" and error["message"].startswith(LOCKED_OUT)
        assert "try again in 15 minutes" in error["message"]

        right = token(attacker, resident.username, PASSWORD)
        assert right.status_code == 429 and "token" not in right.json()
        assert resident.api_tokens.count() == 0
        assert token(client_at(ELSEWHERE), other_resident.username, PASSWORD).status_code == 200


@pytest.fixture
def walk_in(catalog):
    return User.objects.create_user(username=PHONE, phone=PHONE, password=None, display_name="李华")


def texted(sms_outbox, capture) -> str:
    """Send a code to PHONE as the page does, through the worker; the code."""
    with capture(execute=True):
        password_code_send(phone=PHONE)
    run_queued_texts()
    return re.search(r"\b(\d{6})\b", sms_outbox[-1][1]).group(1)


def test_wrong_codes_lock_out_the_password_code_pages_even_for_the_right_code(
    walk_in, sms_outbox, django_capture_on_commit_callbacks
):
    visitor = anonymous()
    with time_machine.travel(MORNING, tick=False) as clock:
        code = texted(sms_outbox, django_capture_on_commit_callbacks)
        for _ in range(LIMIT - 1):
            assert set_password(visitor, wrong(code)).status_code == 400
        assert_locked_out_page(set_password(visitor, wrong(code)))

        assert_locked_out_page(set_password(visitor, code))
        assert_unchanged(walk_in)
        # Nor is a new code sent from here meanwhile.
        clock.shift(timedelta(minutes=2))
        before = (PasswordCode.objects.count(), len(sms_outbox))
        assert_locked_out_page(visitor.post("/accounts/password/", {"phone": PHONE}))
        run_queued_texts()
        assert (PasswordCode.objects.count(), len(sms_outbox)) == before

        clock.shift(timedelta(minutes=14))
        code = texted(sms_outbox, django_capture_on_commit_callbacks)
        assert set_password(visitor, code).status_code == 302
        walk_in.refresh_from_db()
        assert walk_in.check_password(NEW_PASSWORD)


def test_a_right_code_with_a_refused_password_is_not_a_failure(
    walk_in, sms_outbox, django_capture_on_commit_callbacks
):
    visitor = anonymous()
    with time_machine.travel(MORNING, tick=False):
        code = texted(sms_outbox, django_capture_on_commit_callbacks)
        for _ in range(LIMIT + 1):
            # Eight characters, all digits: the password policy refuses it; the code was right.
            refused = set_password(visitor, code, password="38475610")
            assert refused.status_code == 400 and "entirely numeric" in text(refused)
        assert PasswordCode.objects.get().attempts == 0
        assert set_password(visitor, code).status_code == 302


def test_the_client_address_is_counted_from_the_right_behind_trusted_proxies(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert client_ip(request) == "10.0.0.2"  # no proxy trusted: the header is anyone's to write
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.2.3.4"
    settings.TRUSTED_PROXY_COUNT = 3  # fewer hops than proxies: the nearest address, not a guess
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    garbled = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, not-an-ip")
    assert client_ip(garbled) == "10.0.0.2"


def test_behind_a_proxy_one_client_is_locked_out_and_not_every_client_of_the_proxy(settings, resident):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    attacker = Client(**proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    other = Client(**proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    with time_machine.travel(MORNING, tick=False):
        for _ in range(LIMIT):
            log_in(attacker, "nobody", "guess")
        assert log_in(attacker, resident.username, PASSWORD).status_code == 429
        assert log_in(other, resident.username, PASSWORD).status_code == 302
