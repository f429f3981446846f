import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from banshi.accounts.models import SignupCode, User
from banshi.accounts.services import resident_signup, signup_code_send
from banshi.audit.models import Event
from banshi.conftest import run_queued_texts
from banshi.lib.errors import FieldErrors

PHONE = "13812345678"
PASSWORD = "a long enough password"
AT = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def texted_code(sms_outbox, phone: str = PHONE) -> str:
    run_queued_texts()
    recipient, text = sms_outbox[-1]
    assert recipient == phone
    return re.search(r"(?<!\d)(\d{6})(?!\d)", text).group(1)


@pytest.fixture
def code(db, sms_outbox):
    with time_machine.travel(AT, tick=False):
        signup_code_send(phone=PHONE, password=PASSWORD, display_name="李四")
        return texted_code(sms_outbox)


def signup(code: str, **overrides):
    fields = {"phone": PHONE, "password": PASSWORD, "display_name": "李四", "code": code, **overrides}
    with time_machine.travel(AT + timedelta(minutes=1), tick=False):
        return resident_signup(**fields)


def test_a_resident_signs_up_with_the_code_texted_to_the_mobile_number(code):
    assert not User.objects.exists()  # nothing before the code
    user = signup(code)
    assert user.phone == PHONE and user.check_password(PASSWORD)
    assert Event.objects.filter(event_type="user.signed_up", subject_id=str(user.pk)).exists()
    assert Event.objects.filter(event_type="user.signup_code_sent").count() == 1
    assert SignupCode.objects.get().used_at is not None


def test_no_account_opens_without_the_right_code_and_a_wrong_try_is_counted(code):
    with pytest.raises(FieldErrors) as caught:
        signup("")
    assert caught.value.errors == {"code": "is required"}
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    with pytest.raises(FieldErrors) as caught:
        signup(wrong)
    assert caught.value.errors == {"code": "is not right: 4 tries left"}
    assert SignupCode.objects.get().attempts == 1
    assert not User.objects.exists()
    assert not Event.objects.filter(event_type="user.signed_up").exists()


def test_a_code_sent_to_another_number_opens_nothing(code, sms_outbox):
    with pytest.raises(FieldErrors) as caught:
        signup(code, phone="13912345678")
    assert list(caught.value.errors) == ["code"]
    assert not User.objects.exists()


def test_a_code_opens_one_account_once(code):
    signup(code)
    with pytest.raises(FieldErrors) as caught:
        signup(code)
    assert caught.value.errors == {"phone": "is already registered"}
    assert User.objects.count() == 1


def test_a_mobile_number_can_be_registered_only_once(code, sms_outbox):
    signup(code)
    with pytest.raises(FieldErrors) as caught:
        signup_code_send(phone=PHONE, password="another password")
    assert caught.value.errors == {"phone": "is already registered"}
    assert User.objects.count() == 1 and SignupCode.objects.count() == 1


def test_one_code_a_minute_at_most(code, sms_outbox):
    with time_machine.travel(AT + timedelta(seconds=30), tick=False), pytest.raises(FieldErrors) as caught:
        signup_code_send(phone=PHONE, password=PASSWORD)
    assert list(caught.value.errors) == ["phone"]
    assert SignupCode.objects.count() == 1


def test_sign_up_applies_the_password_policy_and_names_every_field_at_once(db, sms_outbox):
    with pytest.raises(FieldErrors) as caught:
        signup_code_send(phone=PHONE, password="13812345678", display_name="李四")
    assert set(caught.value.errors) == {"password"}
    assert "too similar" in caught.value.errors["password"]
    assert "entirely numeric" in caught.value.errors["password"]
    with pytest.raises(FieldErrors) as caught:
        signup_code_send(phone="1381234", password="", display_name="李\x00四")
    assert set(caught.value.errors) == {"phone", "password", "display_name"}
    assert caught.value.errors["password"] == "is required"
    assert not User.objects.exists() and not SignupCode.objects.exists() and not Event.objects.exists()
    run_queued_texts()
    assert sms_outbox == []
