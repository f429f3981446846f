"""Text messages that carry a one-time code: queued in the caller's transaction, sealed in the task
table, sent by the worker, and a failing gateway logged without the text, tried again, never raised
into a request."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from banshi.cases.tests.helpers import run_worker
from banshi.conftest import run_queued_texts
from banshi.lib import codes
from banshi.notify.services import SMS_RETRY_AFTER, SMS_TRIES, sms_send

PHONE = "13700000003"
TEXT = "Banshi: your code is 482913."
CODE = "482913"
DELIVER = "banshi.notify.tasks.deliver_sms"
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


class EchoingBrokenGateway:
    """A gateway that fails and quotes what it was given, as some do in their error messages."""

    def send(self, *, recipient: str, text: str) -> None:
        raise ConnectionError(f"gateway refused {recipient}: {text}")


@pytest.fixture
def broken(sms_outbox, settings):
    settings.NOTIFY_SMS_BACKEND = "banshi.notify.tests.test_sms.EchoingBrokenGateway"


def jobs(status=None):
    found = DBTaskResult.objects.filter(task_path=DELIVER).order_by("enqueued_at")
    return found.filter(status=status) if status else found


@pytest.mark.django_db(transaction=True)
def test_the_text_is_queued_with_the_callers_transaction_and_the_worker_sends_it(sms_outbox):
    with transaction.atomic():
        sms_send(phone=PHONE, text=TEXT, valid_until=timezone.now() + timedelta(minutes=10))
        assert jobs().count() == 1
    assert sms_outbox == []

    run_worker()

    assert sms_outbox == [(PHONE, TEXT)]
    job = jobs().get()
    assert job.status == TaskResultStatus.SUCCESSFUL and job.return_value == "sent"
    assert CODE not in str(job.args_kwargs) and PHONE not in str(job.args_kwargs)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_sends_nothing(sms_outbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        sms_send(phone=PHONE, text=TEXT, valid_until=timezone.now() + timedelta(minutes=10))
        raise RuntimeError
    run_worker()
    assert not jobs().exists() and sms_outbox == []


@pytest.mark.django_db
def test_a_gateway_error_is_logged_without_the_text_and_tried_again(sms_outbox, broken, settings, caplog):
    with time_machine.travel(NOW, tick=False):
        sms_send(phone=PHONE, text=TEXT, valid_until=NOW + timedelta(minutes=10))
        with caplog.at_level(logging.INFO):
            run_queued_texts()  # raises nothing here: the job is marked failed

        failed = jobs(TaskResultStatus.FAILED).get()
        assert failed.exception_class_path == "banshi.notify.services.SmsNotSent"
        assert "ConnectionError" in failed.traceback
        assert CODE not in failed.traceback and PHONE not in failed.traceback
        assert CODE not in caplog.text and PHONE not in caplog.text
        assert "137****0003" in caplog.text
        again = jobs(TaskResultStatus.READY).get()
        assert again.run_after == NOW + SMS_RETRY_AFTER
        run_queued_texts()  # not due yet
        assert jobs(TaskResultStatus.READY).get() == again

    settings.NOTIFY_SMS_BACKEND = "banshi.conftest.SmsOutbox"
    with time_machine.travel(NOW + SMS_RETRY_AFTER, tick=False):
        run_queued_texts()
    assert sms_outbox == [(PHONE, TEXT)]
    assert jobs(TaskResultStatus.SUCCESSFUL).get().args_kwargs == again.args_kwargs


@pytest.mark.django_db
def test_a_text_the_gateway_keeps_failing_is_given_up_after_the_last_try(broken):
    sms_send(phone=PHONE, text=TEXT, valid_until=NOW + timedelta(minutes=10))
    for attempt in range(SMS_TRIES):
        with time_machine.travel(NOW + attempt * SMS_RETRY_AFTER, tick=False):
            run_queued_texts()
    assert jobs(TaskResultStatus.FAILED).count() == SMS_TRIES
    assert not jobs(TaskResultStatus.READY).exists()


@pytest.mark.django_db
def test_no_try_is_queued_for_after_the_text_stops_being_valid(broken):
    with time_machine.travel(NOW, tick=False):
        sms_send(phone=PHONE, text=TEXT, valid_until=NOW + SMS_RETRY_AFTER)
        run_queued_texts()
    assert jobs(TaskResultStatus.FAILED).count() == 1
    assert not jobs(TaskResultStatus.READY).exists()


@pytest.mark.django_db
def test_a_text_not_sent_while_it_was_valid_is_dropped(sms_outbox):
    with time_machine.travel(NOW, tick=False):
        sms_send(phone=PHONE, text=TEXT, valid_until=NOW + timedelta(minutes=10))
    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        run_queued_texts()
    assert sms_outbox == []
    assert jobs().get().return_value == "dropped"


@pytest.mark.django_db
def test_a_text_queued_before_the_secret_key_is_rotated_still_goes_out(sms_outbox, settings):
    sms_send(phone=PHONE, text=TEXT, valid_until=timezone.now() + timedelta(minutes=10))
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a new secret key for the test"
    run_queued_texts()
    assert sms_outbox == [(PHONE, TEXT)]


@pytest.mark.django_db
def test_a_text_sealed_with_a_key_no_longer_held_is_dropped(sms_outbox, settings):
    sms_send(phone=PHONE, text=TEXT, valid_until=timezone.now() + timedelta(minutes=10))
    settings.SECRET_KEY = "a new secret key for the test"
    run_queued_texts()
    assert sms_outbox == []
    assert jobs().get().return_value == "dropped"


def test_every_try_of_a_code_falls_before_a_newer_code_can_be_asked_for():
    assert (SMS_TRIES - 1) * SMS_RETRY_AFTER < codes.RESEND_AFTER
