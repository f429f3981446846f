"""The window clerk's confirmation-code entry locks out the clerk's account and address after repeated
wrong codes (django-axes), beside each code's own five tries; the daily caps per mobile number count the
window's codes together with the password codes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from banshi.accounts.services import password_code_send
from banshi.cases.models import Application, WindowConfirmation
from banshi.cases.tests.test_pages import text
from banshi.cases.tests.test_window_pages import base, clerk_client, fill_in_for, send_code, wrong
from banshi.conftest import _clerk

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_wrong_confirmation_codes_lock_the_clerk_out_even_for_the_right_code(
    settings, window_clerk, resident, sms_outbox, django_capture_on_commit_callbacks
):
    settings.AXES_FAILURE_LIMIT = 3
    with time_machine.travel(MORNING, tick=False) as clock:
        client = clerk_client(window_clerk)
        fill_in_for(client, resident)
        code = send_code(client, resident, sms_outbox, django_capture_on_commit_callbacks)
        for left in (4, 3):
            refused = client.post(f"{base(resident)}/confirm/", {"code": wrong(code)})
            assert refused.status_code == 400 and f"{left} tries left" in text(refused)
        locked = client.post(f"{base(resident)}/confirm/", {"code": wrong(code)})
        assert locked.status_code == 429 and "try again in 15 minutes" in text(locked)

        right = client.post(f"{base(resident)}/confirm/", {"code": code})
        assert right.status_code == 429
        assert not Application.objects.exists()
        assert WindowConfirmation.objects.get().used_at is None

        # Another clerk at another address goes on serving.
        other = _clerk("clerk2")
        elsewhere = Client(REMOTE_ADDR="198.51.100.20", headers={"Accept-Language": "en"})
        elsewhere.force_login(other)
        fill_in_for(elsewhere, resident)
        clock.shift(timedelta(minutes=2))
        other_code = send_code(elsewhere, resident, sms_outbox, django_capture_on_commit_callbacks)
        accepted = elsewhere.post(f"{base(resident)}/confirm/", {"code": other_code})
        assert accepted.status_code == 302
        assert Application.objects.get().applicant == resident


def test_the_window_sends_no_more_codes_to_a_number_than_the_days_cap_counting_password_codes(
    settings, window_clerk, resident, sms_outbox, django_capture_on_commit_callbacks
):
    settings.SMS_CODES_PER_DAY = 3
    with time_machine.travel(MORNING, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            password_code_send(phone=resident.phone)
        client = clerk_client(window_clerk)
        fill_in_for(client, resident)
        for _ in range(2):
            clock.shift(timedelta(minutes=2))
            send_code(client, resident, sms_outbox, django_capture_on_commit_callbacks)
        clock.shift(timedelta(minutes=2))
        refused = client.post(f"{base(resident)}/check/", follow=True)
        assert "3 codes were already sent to this mobile number today, the most a day" in text(refused)
        assert WindowConfirmation.objects.count() == 2
