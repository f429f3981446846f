import io
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from banshi.audit.models import Event
from banshi.cases import services
from banshi.cases.models import Task
from banshi.cases.services.sweep import deadlines_sweep
from banshi.cases.tasks import sweep_deadlines_task
from banshi.cases.tests.helpers import task_of
from banshi.conftest import _officer
from banshi.notify.models import Notification

S = Task.Status
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


FRIDAY_10 = at(2026, 10, 9, 10, 0)
NOTHING = {"due_soon": 0, "late": 0, "notifications": 0}
# The applications are submitted after every moment the sweeps below run at, so that only the deadlines
# a test sets are due then (submitted on the eve of the National Day, every task would be).
SUBMITTED = at(2026, 10, 12, 9, 0)


@pytest.fixture(autouse=True)
def _submitted_after_the_sweeps():
    with time_machine.travel(SUBMITTED, tick=False):
        yield


def due(task: Task, deadline: datetime, status: str = S.READY) -> Task:
    Task.objects.filter(pk=task.pk).update(deadline=deadline, status=status)
    task.refresh_from_db()
    return task


def events(task: Task, event_type: str):
    return Event.objects.filter(subject_type="cases.task", subject_id=str(task.pk), event_type=event_type)


@pytest.fixture
def health_officers(health_officer):
    return [health_officer, _officer("health2", "health_commission")]


def test_a_task_due_within_a_working_hour_warns_each_officer_of_its_agency_once(
    submit, health_officers, police_officer
):
    application = submit()
    soon = due(task_of(application, "birth_medical_certificate"), at(2026, 10, 9, 10, 45))
    due(task_of(application, "vaccination_certificate"), at(2026, 10, 9, 11, 30))

    assert deadlines_sweep(now=FRIDAY_10) == {"due_soon": 1, "late": 0, "notifications": 2}

    soon.refresh_from_db()
    assert (soon.due_soon_notified_at, soon.late_notified_at) == (FRIDAY_10, None)
    for officer in health_officers:
        note = Notification.objects.get(user=officer)
        assert note.title == f"Due soon: Birth medical certificate, application {application.number}"
        assert note.body == "It is due by 2026-10-09 10:45."
        assert note.url == f"/work/tasks/{soon.pk}/"
    assert not Notification.objects.filter(user=police_officer).exists()
    event = events(soon, "task.due_soon").get()
    assert (event.actor, event.created_at, event.extra["officers_notified"]) == (None, FRIDAY_10, 2)

    assert deadlines_sweep(now=FRIDAY_10 + timedelta(minutes=5)) == NOTHING
    assert Notification.objects.count() == 2
    assert events(soon, "task.due_soon").count() == 1


@pytest.mark.parametrize(
    ("now", "deadline", "is_soon"),
    [
        # Friday evening before a working Saturday: half an hour of office time left.
        (at(2026, 10, 9, 17, 0), at(2026, 10, 10, 9, 0), True),
        (at(2026, 10, 9, 17, 0), at(2026, 10, 10, 9, 40), False),
        # The eve of the National Day week: the next office hour is on 8 October.
        (at(2026, 9, 30, 17, 15), at(2026, 10, 8, 9, 30), True),
        (at(2026, 9, 30, 17, 15), at(2026, 10, 3, 9, 30), True),
        (at(2026, 9, 30, 17, 15), at(2026, 10, 8, 10, 0), False),
    ],
)
def test_due_soon_is_counted_in_office_hours_on_the_calendar(submit, health_officer, now, deadline, is_soon):
    task = due(task_of(submit(), "birth_medical_certificate"), deadline)
    assert deadlines_sweep(now=now)["due_soon"] == int(is_soon)
    assert events(task, "task.due_soon").exists() is is_soon


def test_a_late_task_is_warned_once_even_after_its_due_soon_warning(submit, health_officer):
    application = submit()
    task = due(task_of(application, "birth_medical_certificate"), at(2026, 10, 9, 10, 30))
    assert deadlines_sweep(now=FRIDAY_10)["due_soon"] == 1
    later = at(2026, 10, 9, 10, 31)
    assert deadlines_sweep(now=later) == {"due_soon": 0, "late": 1, "notifications": 1}
    assert deadlines_sweep(now=later + timedelta(hours=1)) == NOTHING

    task.refresh_from_db()
    assert (task.due_soon_notified_at, task.late_notified_at) == (FRIDAY_10, later)
    titles = list(
        Notification.objects.filter(user=health_officer).order_by("id").values_list("title", flat=True)
    )
    assert titles == [
        f"Due soon: Birth medical certificate, application {application.number}",
        f"Late: Birth medical certificate, application {application.number}",
    ]
    assert Notification.objects.get(title__startswith="Late").body == "It was due by 2026-10-09 10:30."
    assert events(task, "task.late").count() == 1


def test_a_task_found_late_at_once_gets_only_the_late_warning(submit, health_officer):
    task = due(task_of(submit(), "birth_medical_certificate"), at(2026, 10, 8, 16, 0))
    assert deadlines_sweep(now=FRIDAY_10) == {"due_soon": 0, "late": 1, "notifications": 1}
    assert not events(task, "task.due_soon").exists()


def test_claimed_tasks_are_warned_but_paused_waiting_and_decided_ones_are_not(submit, health_officer):
    application = submit()
    birth = task_of(application, "birth_medical_certificate")
    services.task_claim(actor=health_officer, task_id=birth.pk)
    due(birth, at(2026, 10, 9, 9, 0), status=S.CLAIMED)
    for service, status in [
        ("vaccination_certificate", S.APPROVED),
        ("hukou_registration", S.WAITING),
        ("social_security_card", S.RETURNED),
        ("medical_insurance_enrolment", S.CANCELLED),
    ]:
        due(task_of(application, service), at(2026, 10, 9, 9, 0), status=status)

    assert deadlines_sweep(now=FRIDAY_10) == {"due_soon": 0, "late": 1, "notifications": 1}
    assert Event.objects.filter(event_type__in=["task.late", "task.due_soon"]).count() == 1
    assert events(birth, "task.late").exists()


def test_a_task_of_an_agency_without_officers_is_still_marked_and_audited(submit):
    task = due(task_of(submit(), "birth_medical_certificate"), at(2026, 10, 9, 9, 0))
    assert deadlines_sweep(now=FRIDAY_10) == {"due_soon": 0, "late": 1, "notifications": 0}
    assert events(task, "task.late").get().extra["officers_notified"] == 0


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_running_at_once_warn_once_per_task_and_officer(submit, health_officers, police_officer):
    application = submit()
    late = due(task_of(application, "birth_medical_certificate"), at(2026, 10, 9, 9, 0))
    soon = due(task_of(application, "vaccination_certificate"), at(2026, 10, 9, 10, 30))
    police_task = due(task_of(application, "hukou_registration"), at(2026, 10, 8, 15, 0))
    results: list[dict] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(2)

    def sweep():
        try:
            barrier.wait()
            results.append(deadlines_sweep(now=FRIDAY_10))
        except BaseException as problem:  # reported below: a thread's exception would be lost
            failures.append(problem)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sum(result["late"] for result in results) == 2
    assert sum(result["due_soon"] for result in results) == 1
    assert sum(result["notifications"] for result in results) == 2 + 2 + 1
    for officer in health_officers:
        assert sorted(Notification.objects.filter(user=officer).values_list("url", flat=True)) == sorted(
            [f"/work/tasks/{late.pk}/", f"/work/tasks/{soon.pk}/"]
        )
    assert list(Notification.objects.filter(user=police_officer).values_list("url", flat=True)) == [
        f"/work/tasks/{police_task.pk}/"
    ]
    assert events(late, "task.late").count() == 1
    assert events(soon, "task.due_soon").count() == 1
    assert events(police_task, "task.late").count() == 1


def test_the_command_and_the_worker_task_run_the_sweep_now(submit, health_officer):
    application = submit()
    due(task_of(application, "birth_medical_certificate"), timezone.now() - timedelta(days=1))
    due(task_of(application, "vaccination_certificate"), timezone.now() + timedelta(days=30))
    out = io.StringIO()
    call_command("sweep_deadlines", stdout=out)
    assert out.getvalue().strip() == (
        "0 due soon, 1 late, 1 notifications, 0 automatic decisions queued again"
    )
    due(task_of(application, "vaccination_certificate"), timezone.now() - timedelta(days=1))
    assert sweep_deadlines_task.call() == {"due_soon": 0, "late": 1, "notifications": 1, "requeued": 0}
    assert Notification.objects.filter(user=health_officer).count() == 2


def test_the_worker_task_also_queues_again_an_automatic_decision_whose_queueing_was_lost(
    submit, health_officer
):
    from django_tasks_db.models import DBTaskResult

    application = submit()
    decisions = DBTaskResult.objects.filter(task_path="banshi.cases.tasks.decide_automatically")
    vaccination = task_of(application, "vaccination_certificate")
    assert vaccination.status == S.READY and list(decisions.values_list("args_kwargs__args", flat=True)) == [
        [vaccination.pk]
    ]
    decisions.delete()  # as if the process died before queueing the decision
    Task.objects.filter(pk=vaccination.pk).update(ready_at=timezone.now() - timedelta(minutes=5))
    due(vaccination, timezone.now() + timedelta(days=30))
    late = due(task_of(application, "birth_medical_certificate"), timezone.now() - timedelta(days=1))
    assert sweep_deadlines_task.call() == {"due_soon": 0, "late": 1, "notifications": 1, "requeued": 1}
    assert list(decisions.values_list("args_kwargs__args", flat=True)) == [[vaccination.pk]]
    assert events(late, "task.late").count() == 1
    assert Notification.objects.filter(user=health_officer).count() == 1
