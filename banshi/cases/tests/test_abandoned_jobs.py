"""Jobs of the task queue left running by a worker that died are taken up again by the sweep after
their lease, and a notification whose worker was killed mid-delivery still goes out, once per channel."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from banshi.audit.models import Event
from banshi.cases.services.sweep import JOB_TRIES, jobs_recover_abandoned, sweep_run
from banshi.notify.models import Notification
from banshi.notify.services import notification_send
from banshi.notify.tasks import deliver_notification
from banshi.remote.tests.servers import database_url

DELIVER = "banshi.notify.tasks.deliver_notification"
ROOT = Path(settings.BASE_DIR)
EMAIL = "wang.li@example.cn"


def lease() -> timedelta:
    return timedelta(seconds=settings.TASK_LEASE_SECONDS)


def running(job: DBTaskResult, *, started_at: datetime, workers: int = 1) -> DBTaskResult:
    """The job as a worker leaves it when it takes it (`DBTaskResult.claim`), `workers` times over."""
    DBTaskResult.objects.filter(pk=job.pk).update(
        status=TaskResultStatus.RUNNING,
        started_at=started_at,
        worker_ids=[f"worker-{n}" for n in range(workers)],
    )
    job.refresh_from_db()
    return job


def job_events(job: DBTaskResult) -> QuerySet[Event]:
    return Event.objects.filter(subject_type=DBTaskResult._meta.label_lower, subject_id=str(job.pk))


def test_a_job_running_past_its_lease_is_queued_again_once_and_audited(resident):
    now = timezone.now()
    job = running(deliver_notification.enqueue(1).db_result, started_at=now - lease() - timedelta(seconds=1))

    assert jobs_recover_abandoned(now=now) == 1
    assert jobs_recover_abandoned(now=now) == 0  # run twice: moved once

    job.refresh_from_db()
    assert job.status == TaskResultStatus.READY
    assert DBTaskResult.objects.ready().filter(pk=job.pk).exists()  # a worker takes it again
    event = job_events(job).get()
    assert (event.event_type, event.old_state, event.new_state, event.actor) == (
        "job.taken_up_again",
        "RUNNING",
        "READY",
        None,
    )
    assert event.extra == {"task": DELIVER, "tries": 1, "started_at": job.started_at.isoformat()}


def test_a_job_within_its_lease_or_not_running_is_left_alone(resident):
    now = timezone.now()
    young = running(
        deliver_notification.enqueue(1).db_result, started_at=now - lease() + timedelta(seconds=5)
    )
    ready = deliver_notification.enqueue(2).db_result
    done = running(deliver_notification.enqueue(3).db_result, started_at=now - 10 * lease())
    done.set_successful([])

    assert jobs_recover_abandoned(now=now) == 0

    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses == {
        young.pk: TaskResultStatus.RUNNING,
        ready.pk: TaskResultStatus.READY,
        done.pk: TaskResultStatus.SUCCESSFUL,
    }
    assert not Event.objects.filter(subject_type=DBTaskResult._meta.label_lower).exists()


def test_a_job_that_every_worker_dies_on_is_marked_failed_with_the_reason(resident):
    now = timezone.now()
    job = deliver_notification.enqueue(1).db_result
    running(job, started_at=now - lease() - timedelta(seconds=1), workers=JOB_TRIES)

    assert jobs_recover_abandoned(now=now) == 1

    job.refresh_from_db()
    assert job.status == TaskResultStatus.FAILED and job.finished_at == now
    assert job.exception_class_path == "banshi.cases.services.sweep.JobAbandoned"
    assert f"begun {JOB_TRIES} times and never finished" in job.traceback
    assert job_events(job).get().event_type == "job.abandoned"
    assert not DBTaskResult.objects.ready().exists()


def test_the_deadline_sweep_takes_abandoned_jobs_up_again(resident):
    now = timezone.now()
    job = running(deliver_notification.enqueue(1).db_result, started_at=now - lease() - timedelta(minutes=1))
    sweep_run(now=now)
    job.refresh_from_db()
    assert job.status == TaskResultStatus.READY


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_take_a_job_up_again_once(resident):
    now = timezone.now()
    job = running(deliver_notification.enqueue(1).db_result, started_at=now - lease() - timedelta(seconds=1))
    moved: list[int] = []
    barrier = threading.Barrier(2)

    def sweep() -> None:
        barrier.wait()
        try:
            moved.append(jobs_recover_abandoned(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(moved) == [0, 1]
    assert job_events(job).count() == 1


# --- a real worker, killed mid-job -----------------------------------------------------------------------


def start_worker(tmp_path: Path, outbox: Path, *, hang: str = "", batch: bool = False) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != "BANSHI_DEMO"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "banshi.settings",
            "DATABASE_URL": database_url(),
            "BANSHI_DATA_DIR": str(tmp_path / "data"),
            "NOTIFY_SMS_BACKEND": "banshi.notify.tests.backends.FileSmsGateway",
            "NOTIFY_EMAIL_BACKEND": "banshi.notify.tests.backends.FileEmailGateway",
            "BANSHI_TEST_OUTBOX": str(outbox),
            "BANSHI_TEST_HANG": hang,
            "PYTHONPATH": str(ROOT),
            # Outside demo mode, as a real worker runs: its own key and real (here file-backed) gateways.
            "SECRET_KEY": "a-key-for-the-worker-of-this-test-only-0123456789",
        }
    )
    command = [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay"]
    with open(tmp_path / "worker.log", "ab") as log:
        return subprocess.Popen(
            [*command, *(["--batch"] if batch else [])],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def sent(outbox: Path) -> list[dict]:
    return [json.loads(line) for line in outbox.read_text().splitlines()] if outbox.exists() else []


def wait_until(
    condition: Callable[[], bool], process: subprocess.Popen, tmp_path: Path, seconds: float = 30
) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, (tmp_path / "worker.log").read_text()
        assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_notification_whose_worker_was_killed_mid_delivery_goes_out_once_per_channel(resident, tmp_path):
    assert connection.settings_dict["NAME"] != ":memory:", "the worker needs a database in a file"
    (tmp_path / "data").mkdir()
    outbox = tmp_path / "outbox.jsonl"
    resident.email = EMAIL
    resident.save(update_fields=["email"])
    note = notification_send(user=resident, title="Application BS1 is complete", body="Done.")
    job = DBTaskResult.objects.get(task_path=DELIVER)

    # The gateway takes the text, then never answers; the worker is killed there.
    worker = start_worker(tmp_path, outbox, hang="sms")
    try:
        wait_until(lambda: len(sent(outbox)) == 1, worker, tmp_path)
        os.killpg(worker.pid, signal.SIGKILL)  # the group started for the worker, and only that
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    job.refresh_from_db()
    note.refresh_from_db()
    assert job.status == TaskResultStatus.RUNNING  # and so it would stay
    assert note.sms_sent_at is not None and note.email_sent_at is None

    assert jobs_recover_abandoned(now=job.started_at + lease() - timedelta(seconds=1)) == 0  # not yet
    assert jobs_recover_abandoned(now=job.started_at + lease() + timedelta(seconds=1)) == 1

    worker = start_worker(tmp_path, outbox, batch=True)
    try:
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
    assert worker.returncode == 0, (tmp_path / "worker.log").read_text()

    assert sent(outbox) == [
        {"channel": "sms", "recipient": resident.phone, "text": "Application BS1 is complete Done."},
        {"channel": "email", "recipient": EMAIL, "text": "Application BS1 is complete\n\nDone."},
    ]
    job.refresh_from_db()
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert job.return_value == ["email"]  # the text had gone; only the e-mail was left to send
    assert len(job.worker_ids) == 2
    note.refresh_from_db()
    assert note.email_sent_at is not None
    assert Notification.objects.count() == 1
