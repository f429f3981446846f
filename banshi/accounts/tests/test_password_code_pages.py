"""The pages that set a password with a code texted to the mobile number, driven with Django's test
client: a resident whose account a clerk opened sets one and logs in with it; the pages tell nobody
whether a number has an account."""

import logging
import re
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django_tasks_db.models import DBTaskResult

from banshi.accounts.models import PasswordCode, User
from banshi.audit.models import Event
from banshi.cases.tests.test_pages import text
from banshi.cases.tests.test_window_pages import PHONE, clerk_client
from banshi.conftest import run_queued_texts

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a new long passphrase"
ASKED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def texts_queued() -> dict[str, int]:
    return dict(Counter(DBTaskResult.objects.values_list("status", flat=True)))


def anonymous() -> Client:
    return Client(headers={"Accept-Language": "en"})


def ask_for_code(client: Client, phone: str, sms_outbox, capture) -> str | None:
    before = len(sms_outbox)
    with capture(execute=True):
        response = client.post("/accounts/password/", {"phone": phone})
    assert response.status_code == 302 and response.url == "/accounts/password/set/"
    run_queued_texts()
    if len(sms_outbox) == before:
        return None
    recipient, message = sms_outbox[-1]
    assert recipient == phone
    return re.search(r"\b(\d{6})\b", message).group(1)


def set_password(client: Client, code: str, password=NEW_PASSWORD, password2=None, phone=PHONE):
    return client.post(
        "/accounts/password/set/",
        {"phone": phone, "code": code, "password1": password, "password2": password2 or password},
    )


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


@pytest.fixture
def walk_in(window_clerk):
    """A resident whose account the clerk opened through the window's page."""
    created = clerk_client(window_clerk).post(
        "/window/residents/new/", {"phone": PHONE, "display_name": "李华"}
    )
    assert created.status_code == 302
    resident = User.objects.get(phone=PHONE)
    assert not resident.has_usable_password()
    return resident


@pytest.fixture
def sent(walk_in, sms_outbox, django_capture_on_commit_callbacks):
    """A visitor's client that asked for a code for the walk-in resident: (client, code)."""
    client = anonymous()
    return client, ask_for_code(client, PHONE, sms_outbox, django_capture_on_commit_callbacks)


def assert_unchanged(resident: User) -> None:
    resident.refresh_from_db()
    assert not resident.has_usable_password()
    assert not Event.objects.filter(event_type="user.password_set").exists()


def test_a_resident_opened_at_a_window_sets_a_password_and_logs_in_with_it(
    walk_in, sms_outbox, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.DEBUG)
    client = anonymous()
    login_page = text(client.get("/accounts/login/"))
    assert "opened your account at a window?" in login_page
    assert 'href="/accounts/password/"' in login_page and "Set a password with an SMS code" in login_page
    start = client.get("/accounts/password/")
    assert start.status_code == 200
    assert "at most one code a minute" in text(start)
    assert '<label class="label" for="id_phone">Mobile number</label>' in text(start)

    code = ask_for_code(client, PHONE, sms_outbox, django_capture_on_commit_callbacks)
    form = client.get("/accounts/password/set/")
    assert "If this mobile number has an account, a code is on its way" in text(form)
    assert f'value="{PHONE}"' in text(form) and code not in text(form)

    done = set_password(client, code)
    assert done.status_code == 302 and done.url == "/"
    home = client.get("/")
    assert "Your password is set and you are logged in." in text(home)
    assert client.get("/applications/").status_code == 200
    walk_in.refresh_from_db()
    assert walk_in.check_password(NEW_PASSWORD)
    assert Event.objects.filter(event_type="user.password_set", subject_id=str(walk_in.pk)).exists()
    assert PHONE not in caplog.text and code not in caplog.text

    again = anonymous()
    response = again.post("/accounts/login/", {"username": PHONE, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert again.get("/applications/").status_code == 200


def test_an_unknown_number_gets_the_same_answer_and_no_text(
    walk_in, sms_outbox, django_capture_on_commit_callbacks
):
    known, unknown = anonymous(), anonymous()
    assert ask_for_code(known, PHONE, sms_outbox, django_capture_on_commit_callbacks)
    assert ask_for_code(unknown, "13900000009", sms_outbox, django_capture_on_commit_callbacks) is None
    assert len(sms_outbox) == 1

    def page(client: Client) -> str:
        body = text(client.get("/accounts/password/set/"))
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body).replace("13900000009", PHONE)

    assert page(known) == page(unknown)
    refused = set_password(unknown, "123456", phone="13900000009")
    assert refused.status_code == 400
    assert "Code from the text message was not sent to this mobile number" in text(refused)
    assert not User.objects.filter(phone="13900000009").exists()


def test_a_wrong_code_says_how_many_tries_are_left_next_to_the_field(sent, walk_in):
    client, code = sent
    response = set_password(client, wrong(code))
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page and 'href="#id_code"' in page
    assert "Code from the text message is not right: 4 tries left" in page
    assert NEW_PASSWORD not in page
    assert_unchanged(walk_in)
    assert client.get("/applications/").status_code == 302


def test_five_wrong_codes_lock_it(sent, walk_in):
    client, code = sent
    for left in (4, 3, 2, 1):
        response = set_password(client, wrong(code))
        assert response.status_code == 400 and f"{left} tr" in text(response)
    assert "it was the last try" in text(set_password(client, wrong(code)))
    locked = set_password(client, code)
    assert locked.status_code == 400
    assert "Code from the text message was entered wrongly too many times: send a new code" in text(locked)
    assert_unchanged(walk_in)


def test_an_expired_code_is_refused(sent, walk_in):
    client, code = sent
    PasswordCode.objects.update(expires_at=PasswordCode.objects.get().created_at)
    response = set_password(client, code)
    assert response.status_code == 400
    assert "Code from the text message has expired: send a new code" in text(response)
    assert_unchanged(walk_in)


def test_a_used_code_cannot_be_used_again(sent, walk_in):
    client, code = sent
    assert set_password(client, code).status_code == 302
    other = anonymous()
    response = set_password(other, code, password="someone else's password")
    assert response.status_code == 400
    assert "Code from the text message has already been used" in text(response)
    walk_in.refresh_from_db()
    assert walk_in.check_password(NEW_PASSWORD)


def test_a_second_code_within_a_minute_is_not_sent(sent, sms_outbox, django_capture_on_commit_callbacks):
    client, code = sent
    assert ask_for_code(client, PHONE, sms_outbox, django_capture_on_commit_callbacks) is None
    assert len(sms_outbox) == 1 and PasswordCode.objects.count() == 1
    assert set_password(client, code).status_code == 302


def test_a_weak_or_mismatched_password_is_refused_and_the_code_stays_good(sent, walk_in, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"}
    ]
    client, code = sent
    mismatched = set_password(client, code, password2="not the same at all")
    assert mismatched.status_code == 400
    assert "Confirm the new password is not the same as the password" in text(mismatched)
    short = set_password(client, code, password="short")
    assert "New password must be at least 8 characters" in text(short)
    common = set_password(client, code, password="password123")
    assert common.status_code == 400 and 'href="#id_password1"' in text(common)
    assert "New password is not accepted: This password is too common." in text(common)
    assert_unchanged(walk_in)
    assert PasswordCode.objects.get().used_at is None and PasswordCode.objects.get().attempts == 0
    assert set_password(client, code).status_code == 302


def test_a_malformed_number_is_refused_next_to_the_field(sms_outbox):
    response = anonymous().post("/accounts/password/", {"phone": "1380000"})
    assert response.status_code == 400
    assert "Mobile number must be an 11-digit mainland mobile number" in text(response)
    assert 'href="#id_phone"' in text(response)
    assert sms_outbox == []


def test_sign_up_shows_the_services_password_policy_next_to_the_field(catalog):
    response = anonymous().post(
        "/accounts/signup/",
        {
            "phone": "13612345678",
            "display_name": "李四",
            "password1": "password123",
            "password2": "password123",
        },
    )
    assert response.status_code == 400
    assert 'href="#id_password1"' in text(response)
    assert "Password is not accepted: This password is too common." in text(response)
    assert not User.objects.filter(phone="13612345678").exists()


def test_sign_up_refuses_a_common_or_all_digit_password(catalog):
    from django.test import Client

    from banshi.accounts.models import User

    client = Client(headers={"Accept-Language": "en"})
    for weak in ("password123", "12345678901"):
        response = client.post(
            "/accounts/signup/",
            {"phone": "13612345678", "display_name": "李四", "password1": weak, "password2": weak},
        )
        assert response.status_code in (200, 400)
        assert not User.objects.filter(phone="13612345678").exists()


def test_a_failing_sms_gateway_neither_breaks_the_page_nor_loses_the_code(walk_in, sms_outbox, settings):
    settings.NOTIFY_SMS_BACKEND = "banshi.notify.tests.backends.BrokenGateway"
    client = anonymous()
    with time_machine.travel(ASKED_AT, tick=False):
        response = client.post("/accounts/password/", {"phone": PHONE})
        assert response.status_code == 302 and response.url == "/accounts/password/set/"
        run_queued_texts()  # the worker meets the failing gateway; nothing is raised into a request
    assert PasswordCode.objects.count() == 1
    assert texts_queued() == {"FAILED": 1, "READY": 1}  # tried again in a moment

    with time_machine.travel(ASKED_AT + timedelta(seconds=59), tick=False):
        again = client.post("/accounts/password/", {"phone": PHONE})
    assert again.status_code == 302
    assert PasswordCode.objects.count() == 1 and texts_queued() == {"FAILED": 1, "READY": 1}

    settings.NOTIFY_SMS_BACKEND = "banshi.conftest.SmsOutbox"
    with time_machine.travel(ASKED_AT + timedelta(seconds=60), tick=False):
        assert client.post("/accounts/password/", {"phone": PHONE}).status_code == 302
        run_queued_texts()
    assert PasswordCode.objects.count() == 2
    assert [recipient for recipient, _text in sms_outbox] == [PHONE, PHONE]  # the late try, the new code
    code = re.search(r"\b(\d{6})\b", sms_outbox[-1][1]).group(1)
    with time_machine.travel(ASKED_AT + timedelta(seconds=90), tick=False):
        assert set_password(client, code).status_code == 302
