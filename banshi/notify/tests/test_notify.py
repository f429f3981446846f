import logging
from types import SimpleNamespace

import pytest
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from banshi.cases import services
from banshi.cases.tests.helpers import approve, run_worker, task_of
from banshi.notify.backends import ConsoleBackend, mask_recipient
from banshi.notify.models import Notification
from banshi.notify.services import notification_deliver, notification_send
from banshi.notify.tests.backends import EmailOutbox, SmsOutbox

DELIVER = "banshi.notify.tasks.deliver_notification"
EMAIL = "wang.li@example.cn"


@pytest.fixture
def outbox(settings):
    settings.NOTIFY_SMS_BACKEND = "banshi.notify.tests.backends.SmsOutbox"
    settings.NOTIFY_EMAIL_BACKEND = "banshi.notify.tests.backends.EmailOutbox"
    SmsOutbox.sent.clear()
    EmailOutbox.sent.clear()
    yield SimpleNamespace(sms=SmsOutbox.sent, email=EmailOutbox.sent)
    SmsOutbox.sent.clear()
    EmailOutbox.sent.clear()


@pytest.fixture
def reachable(resident):
    resident.email = EMAIL
    resident.save(update_fields=["email"])
    return resident


@pytest.mark.django_db(transaction=True)
def test_the_message_goes_out_by_sms_and_email_from_the_worker_after_commit(reachable, outbox):
    with transaction.atomic():
        note = notification_send(user=reachable, title="Application BS1 is complete", body="Done.")
        # The job is written with the notification, in the same transaction: it commits with it.
        assert DBTaskResult.objects.filter(task_path=DELIVER).count() == 1
    assert outbox.sms == outbox.email == []  # queued, not sent inside the request
    assert DBTaskResult.objects.filter(task_path=DELIVER).count() == 1

    run_worker()

    assert outbox.sms == [("13800000001", "Application BS1 is complete Done.")]
    assert outbox.email == [(EMAIL, "Application BS1 is complete\n\nDone.")]
    note.refresh_from_db()
    assert note.sms_sent_at and note.email_sent_at
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_a_rolled_back_change_sends_nothing(reachable, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                notification_send(user=reachable, title="never")
                raise RuntimeError
    assert not DBTaskResult.objects.exists()
    assert not Notification.objects.exists()


def test_the_delivery_job_is_written_in_the_transaction_of_the_change_not_after_its_commit(reachable, outbox):
    """An outbox: nothing waits for the commit to queue the job (a process dying right after the commit
    would lose it), so the job exists before the change's transaction ends and goes with it."""
    with transaction.atomic():
        reachable.display_name = "王丽"
        reachable.save(update_fields=["display_name"])
        note = notification_send(user=reachable, title="t")
        job = DBTaskResult.objects.get(task_path=DELIVER)
    assert job.args_kwargs == {"args": [note.pk], "kwargs": {}}
    assert job.status == TaskResultStatus.READY
    assert outbox.sms == outbox.email == []


def test_delivering_twice_sends_each_message_once(reachable, outbox):
    note = notification_send(user=reachable, title="t")
    assert notification_deliver(notification_id=note.pk) == ["sms", "email"]
    assert notification_deliver(notification_id=note.pk) == []
    assert len(outbox.sms) == len(outbox.email) == 1


def test_a_user_without_a_phone_or_email_gets_the_in_site_notification_only(
    outsider, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(user=outsider, title="t")
    assert Notification.objects.filter(user=outsider).count() == 1
    assert not DBTaskResult.objects.exists()


def test_without_an_email_address_only_the_sms_is_sent(resident, outbox):
    note = notification_send(user=resident, title="t")
    assert notification_deliver(notification_id=note.pk) == ["sms"]
    assert outbox.email == []


def test_a_gateway_failure_is_recorded_and_a_retry_sends(reachable, outbox, settings):
    settings.NOTIFY_SMS_BACKEND = "banshi.notify.tests.backends.BrokenGateway"
    note = notification_send(user=reachable, title="t")
    with pytest.raises(ConnectionError):
        notification_deliver(notification_id=note.pk)
    note.refresh_from_db()
    assert note.sms_sent_at is None

    settings.NOTIFY_SMS_BACKEND = "banshi.notify.tests.backends.SmsOutbox"
    assert notification_deliver(notification_id=note.pk) == ["sms", "email"]
    assert len(outbox.sms) == 1


def test_the_console_backend_logs_the_message_without_the_recipient(caplog):
    with caplog.at_level(logging.INFO, logger="banshi.notify"):
        ConsoleBackend().send(recipient="13800000001", text="Application BS1 is complete")
        ConsoleBackend().send(recipient=EMAIL, text="Application BS1 is complete")
    lines = [record.getMessage() for record in caplog.records]
    assert lines == [
        "message to 138****0001: Application BS1 is complete",
        "message to w***@example.cn: Application BS1 is complete",
    ]
    assert not any("13800000001" in line or "wang.li" in line for line in lines)


def test_recipients_are_masked_whatever_their_shape():
    assert mask_recipient("13912345678") == "139****5678"
    assert mask_recipient("a@b.cn") == "a***@b.cn"
    assert mask_recipient("123") == "***"


@pytest.mark.django_db(transaction=True)
def test_the_resident_gets_one_message_per_event_from_submission_to_completion(
    submit, reachable, officers, outbox, caplog, settings
):
    """Returned for correction, each certificate ready, and all done: one message each, by SMS and
    e-mail; the services the worker decides notify like the officers' ones."""
    application = submit()
    run_worker()  # the vaccination certificate is decided by the rule
    approve(officers["health_commission"], application, "birth_medical_certificate")
    hukou = task_of(application, "hukou_registration")
    services.task_claim(actor=officers["public_security"], task_id=hukou.id)
    services.task_return(
        actor=officers["public_security"],
        task_id=hukou.id,
        reason="The page is unreadable",
        items=["materials.hukou_book"],
    )
    services.application_correct(
        actor=reachable,
        application_id=application.id,
        task_id=hukou.id,
        values={},
        materials={"hukou_book": _reupload(reachable)},
    )
    approve(officers["public_security"], application, "hukou_registration")
    run_worker()  # medical insurance enrolment and premium, by the rule
    approve(officers["hrss"], application, "social_security_card")
    settings.NOTIFY_SMS_BACKEND = "banshi.notify.backends.ConsoleBackend"  # the log line, below
    with caplog.at_level(logging.INFO, logger="banshi.notify"):
        run_worker()

    application.refresh_from_db()
    assert application.status == "complete"
    number = application.number
    expected = [
        f"Vaccination certificate is ready Application {number}",
        f"Birth medical certificate is ready Application {number}",
        f"Application {number} needs a correction Hukou birth registration",
        f"Hukou birth registration is ready Application {number}",
        f"Resident medical insurance enrolment is ready Application {number}",
        f"Social security card is ready Application {number}",
        f"Application {number} is complete Every certificate is ready.",
    ]
    sms = [text for _recipient, text in outbox.sms]
    lines = [r.getMessage() for r in caplog.records if r.name == "banshi.notify"]
    logged = [line.removeprefix("message to 138****0001: ") for line in lines]
    assert sorted(sms + logged) == sorted(expected)
    assert sorted(text.replace("\n\n", " ") for _r, text in outbox.email) == sorted(expected)
    assert {recipient for recipient, _t in outbox.email} == {EMAIL}
    assert lines and not any("13800000001" in line for line in lines)
    assert {r.status for r in DBTaskResult.objects.all()} == {TaskResultStatus.SUCCESSFUL}


def _reupload(user) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from banshi.cases.services import upload_create
    from banshi.conftest import png_bytes

    return upload_create(owner=user, file=SimpleUploadedFile("hukou.png", png_bytes("white"))).id


def test_outside_demo_mode_the_console_backend_masks_one_time_codes(caplog, settings):
    settings.DEMO = False
    with caplog.at_level(logging.INFO, logger="banshi.notify"):
        ConsoleBackend().send(
            recipient="13800000001", text="Your code is 482913. Application BS20260512000001"
        )
        ConsoleBackend().send(recipient="13800000001", text="验证码：4829，10分钟内有效")
    lines = [record.getMessage() for record in caplog.records]
    assert lines == [
        "message to 138****0001: Your code is ******. Application BS20260512000001",
        "message to 138****0001: 验证码：****，10分钟内有效",
    ]


def test_in_demo_mode_the_console_backend_shows_the_codes_the_demo_needs(caplog, settings):
    settings.DEMO = True
    with caplog.at_level(logging.INFO, logger="banshi.notify"):
        ConsoleBackend().send(recipient="13800000001", text="Your code is 482913.")
    assert [record.getMessage() for record in caplog.records] == [
        "message to 138****0001: Your code is 482913."
    ]
