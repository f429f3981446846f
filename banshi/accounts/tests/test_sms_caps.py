"""The daily caps of texted codes per mobile number (banshi.lib.codes): at most SMS_CODES_PER_DAY sent and
SMS_CODE_WRONG_TRIES_PER_DAY wrong tries a day, the day being China's, whatever the codes are for; past the
tries even the right code waits for the next day, so that guessing a code is hopeless."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from banshi.accounts.models import PasswordCode, User
from banshi.accounts.services import password_code_send, password_set_with_code
from banshi.accounts.tests.test_password_code_pages import anonymous
from banshi.audit.models import Event
from banshi.cases.tests.test_pages import text
from banshi.conftest import run_queued_texts
from banshi.lib import codes
from banshi.lib.errors import FieldErrors

pytestmark = pytest.mark.django_db

PHONE = "13700000003"
NEW_PASSWORD = "a new long passphrase"
CHINA = ZoneInfo("Asia/Shanghai")
# 23:50 in Chongqing is 15:50 in UTC: the day turns at 16:00 UTC.
LATE_EVENING = datetime(2026, 3, 10, 23, 50, tzinfo=CHINA)


@pytest.fixture
def walk_in(catalog):
    return User.objects.create_user(username=PHONE, phone=PHONE, password=None, display_name="李华")


@pytest.fixture
def send(sms_outbox, django_capture_on_commit_callbacks):
    """Ask for a code now; the code texted, or None when nothing was sent."""

    def _send():
        before = len(sms_outbox)
        with django_capture_on_commit_callbacks(execute=True):
            password_code_send(phone=PHONE)
        run_queued_texts()
        if len(sms_outbox) == before:
            return None
        return re.search(r"\b(\d{6})\b", sms_outbox[-1][1]).group(1)

    return _send


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def refusal(code: str) -> str:
    with pytest.raises(FieldErrors) as caught:
        password_set_with_code(phone=PHONE, code=code, password=NEW_PASSWORD)
    return caught.value.errors["code"]


def test_at_most_five_codes_a_day_go_to_a_number_until_midnight_china_time(walk_in, send, sms_outbox):
    with time_machine.travel(LATE_EVENING, tick=False) as clock:
        for _ in range(5):
            assert send() is not None
            clock.shift(timedelta(seconds=61))
        assert send() is None
        assert PasswordCode.objects.count() == 5 and len(sms_outbox) == 5
        assert Event.objects.filter(event_type="user.password_code_sent").count() == 5

        clock.move_to(datetime(2026, 3, 10, 15, 59, 30, tzinfo=UTC))  # 23:59:30 in China
        assert send() is None
        clock.move_to(datetime(2026, 3, 10, 16, 0, 30, tzinfo=UTC))  # 00:00:30 on the 11th in China
        assert send() is not None
        assert PasswordCode.objects.count() == 6


def test_ten_wrong_tries_a_day_refuse_even_the_right_code_until_the_next_day(walk_in, send):
    with time_machine.travel(LATE_EVENING, tick=False) as clock:
        first = send()
        for _ in range(5):
            refusal(wrong(first))
        clock.shift(timedelta(seconds=61))
        second = send()
        messages = [refusal(wrong(second)) for _ in range(5)]
        assert messages == [
            "is not right: 4 tries left",
            "is not right: 3 tries left",
            "is not right: 2 tries left",
            "is not right: 1 try left",
            "is not right, and it was the last try for today: try again tomorrow",
        ]
        clock.shift(timedelta(seconds=61))
        third = send()
        assert refusal(third) == "was entered wrongly too many times today: try again tomorrow"
        assert PasswordCode.objects.order_by("-id").first().attempts == 0  # a refused try counts nothing
        walk_in.refresh_from_db()
        assert not walk_in.has_usable_password()
        assert Event.objects.filter(event_type="user.password_code_locked").count() == 2

        clock.move_to(datetime(2026, 3, 11, 0, 0, 30, tzinfo=CHINA))
        fresh = send()
        assert password_set_with_code(phone=PHONE, code=fresh, password=NEW_PASSWORD) == walk_in


def test_the_tries_left_are_the_fewer_of_the_codes_and_the_days(walk_in, send, settings):
    settings.SMS_CODE_WRONG_TRIES_PER_DAY = 7
    with time_machine.travel(LATE_EVENING, tick=False) as clock:
        first = send()
        for _ in range(5):
            refusal(wrong(first))
        clock.shift(timedelta(seconds=61))
        assert refusal(wrong(send())) == "is not right: 1 try left"


def test_the_code_page_says_how_many_codes_a_day_a_number_gets(client):
    response = anonymous().get("/accounts/password/")
    assert "at most one code a minute, and 5 a day" in text(response)


def test_the_day_starts_at_midnight_in_china():
    assert codes.day_start(datetime(2026, 3, 10, 15, 59, tzinfo=UTC)) == datetime(2026, 3, 10, tzinfo=CHINA)
    assert codes.day_start(datetime(2026, 3, 10, 16, 0, tzinfo=UTC)) == datetime(2026, 3, 11, tzinfo=CHINA)
