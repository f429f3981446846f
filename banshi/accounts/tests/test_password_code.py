"""Setting a password with a code texted to the mobile number: for a resident whose account was opened
at a window (it has no usable password) or who forgot theirs."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from banshi.accounts.models import PasswordCode, User
from banshi.accounts.services import password_code_send, password_set_with_code
from banshi.audit.models import Event
from banshi.conftest import run_queued_texts
from banshi.lib.errors import FieldErrors

pytestmark = pytest.mark.django_db

PHONE = "13700000003"
NEW_PASSWORD = "a new long passphrase"
DJANGO_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


@pytest.fixture
def walk_in():
    """A resident whose account a clerk opened: no usable password."""
    return User.objects.create_user(username=PHONE, phone=PHONE, password=None, display_name="李华")


@pytest.fixture
def send(sms_outbox, django_capture_on_commit_callbacks):
    """Ask for a code as of `now`; returns the code texted, or None when nothing was sent."""

    def _send(phone=PHONE, now=None):
        before = len(sms_outbox)
        with django_capture_on_commit_callbacks(execute=True):
            password_code_send(phone=phone, now=now)
        run_queued_texts()
        if len(sms_outbox) == before:
            return None
        return re.search(r"\b(\d{6})\b", sms_outbox[-1][1]).group(1)

    return _send


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def refused(field: str, **kwargs) -> str:
    kwargs.setdefault("phone", PHONE)
    kwargs.setdefault("password", NEW_PASSWORD)
    with pytest.raises(FieldErrors) as caught:
        password_set_with_code(**kwargs)
    return caught.value.errors[field]


def test_the_code_is_texted_by_the_worker_and_only_a_keyed_digest_is_kept(
    walk_in, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        password_code = password_code_send(phone=PHONE)
        job = DBTaskResult.objects.get(task_path="banshi.notify.tasks.deliver_sms")  # with the code
    assert callbacks == [] and sms_outbox == []  # the request itself sends nothing
    run_queued_texts()
    recipient, message = sms_outbox[0]
    code = re.search(r"\b(\d{6})\b", message).group(1)
    assert recipient == PHONE and "10 minutes" in message
    assert password_code.user == walk_in and password_code.attempts == 0 and password_code.used_at is None
    assert password_code.expires_at - password_code.created_at == timedelta(minutes=10)
    assert code not in password_code.digest and len(password_code.digest) == 64
    event = Event.objects.get(event_type="user.password_code_sent")
    assert event.subject_id == str(walk_in.pk) and event.actor is None
    assert PHONE not in str(event.extra) + event.reason and code not in str(event.extra)
    assert code not in str(job.args_kwargs) and PHONE not in str(job.args_kwargs)  # sealed


def test_an_unknown_number_gets_nothing_and_no_error(send, sms_outbox):
    assert send(phone="13900000009") is None
    assert sms_outbox == []
    assert not PasswordCode.objects.exists() and not Event.objects.exists()


def test_staff_and_inactive_accounts_cannot_set_a_password_by_text(send, sms_outbox):
    User.objects.create_user(username="admin", phone=PHONE, password=None, is_staff=True)
    User.objects.create_user(username="gone", phone="13700000004", password=None, is_active=False)
    assert send(PHONE) is None and send("13700000004") is None
    assert not PasswordCode.objects.exists()


def test_a_malformed_number_is_refused_by_name(walk_in):
    with pytest.raises(FieldErrors) as caught:
        password_code_send(phone="1370000")
    assert "11-digit" in caught.value.errors["phone"]
    assert not PasswordCode.objects.exists()


def test_the_right_code_sets_the_password_once(walk_in, send):
    code = send()
    user = password_set_with_code(phone=PHONE, code=f" {code} ", password=NEW_PASSWORD)
    walk_in.refresh_from_db()
    assert user == walk_in and walk_in.check_password(NEW_PASSWORD)
    assert PasswordCode.objects.get().used_at is not None
    event = Event.objects.get(event_type="user.password_set")
    assert event.actor == walk_in and event.subject_id == str(walk_in.pk)
    assert PHONE not in str(event.extra) and code not in str(event.extra)

    assert "has already been used" in refused("code", code=code, password="another long passphrase")
    walk_in.refresh_from_db()
    assert walk_in.check_password(NEW_PASSWORD)


def test_a_wrong_code_is_counted_and_changes_nothing_else(walk_in, send):
    code = send()
    assert refused("code", code=wrong(code)) == "is not right: 4 tries left"
    walk_in.refresh_from_db()
    assert not walk_in.has_usable_password()
    password_code = PasswordCode.objects.get()
    assert password_code.attempts == 1 and password_code.used_at is None
    assert not Event.objects.filter(event_type="user.password_set").exists()


def test_five_wrong_codes_lock_it(walk_in, send):
    code = send()
    for left in (4, 3, 2, 1):
        assert f"{left} tr" in refused("code", code=wrong(code))
    assert "it was the last try" in refused("code", code=wrong(code))
    assert Event.objects.filter(event_type="user.password_code_locked").count() == 1
    assert "too many times" in refused("code", code=code)
    assert PasswordCode.objects.get().attempts == 5
    walk_in.refresh_from_db()
    assert not walk_in.has_usable_password()


def test_an_expired_code_is_refused(walk_in, send):
    sent_at = timezone.now()
    code = send(now=sent_at)
    assert "has expired" in refused("code", code=code, now=sent_at + timedelta(minutes=10))
    walk_in.refresh_from_db()
    assert not walk_in.has_usable_password()
    assert password_set_with_code(
        phone=PHONE, code=code, password=NEW_PASSWORD, now=sent_at + timedelta(minutes=9)
    )


def test_a_new_code_waits_a_minute_and_then_replaces_the_old_one(walk_in, send, sms_outbox):
    sent_at = timezone.now()
    first = send(now=sent_at)
    assert send(now=sent_at + timedelta(seconds=59)) is None
    assert len(sms_outbox) == 1 and PasswordCode.objects.count() == 1
    second = send(now=sent_at + timedelta(seconds=60))
    assert second is not None and PasswordCode.objects.count() == 2
    if first != second:
        assert "is not right" in refused("code", code=first, now=sent_at + timedelta(seconds=61))
    password_set_with_code(
        phone=PHONE, code=second, password=NEW_PASSWORD, now=sent_at + timedelta(seconds=62)
    )


def test_a_code_is_only_good_for_the_number_it_went_to(walk_in, send):
    code = send()
    other = "13700000004"
    User.objects.create_user(username=other, phone=other, password=None)
    assert "was not sent to this mobile number" in refused("code", phone=other, code=code)
    assert "was not sent to this mobile number" in refused("code", phone="13900000009", code=code)
    assert PasswordCode.objects.get().attempts == 0


def test_a_weak_password_is_refused_and_the_code_stays_good(walk_in, send, settings):
    settings.AUTH_PASSWORD_VALIDATORS = DJANGO_VALIDATORS
    code = send()
    assert "too common" in refused("password", code=code, password="password123")
    assert "entirely numeric" in refused("password", code=code, password="73914628501")
    assert "too similar" in refused("password", code=code, password=f"{PHONE}a")
    walk_in.refresh_from_db()
    assert not walk_in.has_usable_password()
    assert PasswordCode.objects.get().used_at is None and PasswordCode.objects.get().attempts == 0
    assert password_set_with_code(phone=PHONE, code=code, password=NEW_PASSWORD) == walk_in


def test_without_configured_validators_a_short_password_is_still_refused(walk_in, send, settings):
    settings.AUTH_PASSWORD_VALIDATORS = []
    code = send()
    assert "too short" in refused("password", code=code, password="short")
    assert refused("password", code=code, password="") == "is required"


def test_a_wrong_code_and_a_weak_password_are_both_reported(walk_in, send):
    code = send()
    with pytest.raises(FieldErrors) as caught:
        password_set_with_code(phone=PHONE, code=wrong(code), password="short")
    assert set(caught.value.errors) == {"code", "password"}
    assert refused("code", code="12a456") == "must be the 6 digits of the text message"
