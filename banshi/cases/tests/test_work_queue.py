"""The officers' queue: which tasks are running, late and due today, and counts that stay true however
long the queue grows."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from banshi.cases import services
from banshi.cases.models import Application, Task
from banshi.cases.selectors import queue_counts_for_officer, queue_for_officer
from banshi.cases.tests.helpers import task_of
from banshi.conftest import _officer
from banshi.directory.models import Agency

pytestmark = pytest.mark.django_db

S = Task.Status
SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Wednesday morning, office hours.
NOW = datetime(2025, 3, 12, 10, 0, tzinfo=SHANGHAI)


def logged_in(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def count_on(page: str, label: str) -> int:
    match = re.search(rf"<strong>(\d+)</strong> {re.escape(label)}</li>", page)
    assert match, label
    return int(match.group(1))


def bulk_tasks(like: Application, count: int, *, status: str, deadline: datetime, claimed_by=None) -> None:
    """`count` applications like `like`, each with one birth-certificate task of the health commission
    in `status`: written in two queries, so that a test can pass the queue's limit of 200."""
    prefix = f"{status[:2].upper()}{Application.objects.count():05d}"
    applications = Application.objects.bulk_create(
        Application(
            number=f"{prefix}{i:05d}",
            applicant=like.applicant,
            submitted_by=like.submitted_by,
            bundle=like.bundle,
            bundle_version=like.bundle_version,
            answers=like.answers,
            values=like.values,
            submitted_at=like.submitted_at,
            deadline=like.deadline,
        )
        for i in range(count)
    )
    agency = Agency.objects.get(code="health_commission")
    Task.objects.bulk_create(
        Task(
            application=application,
            service="birth_medical_certificate",
            agency=agency,
            status=status,
            deadline=deadline,
            claimed_by=claimed_by,
        )
        for application in applications
    )


@pytest.fixture
def application(submit):
    """A newborn application whose own health tasks are done, to copy from."""
    with time_machine.travel(NOW, tick=False):
        application = submit()
    Task.objects.filter(application=application, agency__code="health_commission").update(status=S.APPROVED)
    return application


def test_only_ready_and_claimed_tasks_are_running():
    assert set(Task.RUNNING) == {S.READY, S.CLAIMED}
    assert set(Task.RUNNING) < set(Task.OPEN)
    assert [status for status in S if Task(status=status).is_running] == [S.READY, S.CLAIMED]


def test_a_task_is_overdue_only_while_its_clock_runs():
    past, future = NOW - timedelta(minutes=1), NOW + timedelta(minutes=1)
    assert Task(status=S.READY, deadline=past).is_overdue(NOW)
    assert Task(status=S.CLAIMED, deadline=past).is_overdue(NOW)
    assert not Task(status=S.READY, deadline=future).is_overdue(NOW)
    assert not Task(status=S.READY, deadline=NOW).is_overdue(NOW)
    assert not Task(status=S.READY, deadline=None).is_overdue(NOW)
    for paused_or_done in (S.WAITING, S.RETURNED, S.APPROVED, S.REJECTED, S.CANCELLED):
        assert not Task(status=paused_or_done, deadline=past).is_overdue(NOW)


def test_due_today_ends_at_the_offices_midnight_not_at_utc_midnight():
    late_evening = datetime(2025, 3, 12, 23, 30, tzinfo=SHANGHAI)  # still 12 March in UTC at 00:10 local
    assert Task(status=S.READY, deadline=datetime(2025, 3, 12, 23, 50, tzinfo=SHANGHAI)).is_due_today(
        late_evening
    )
    assert not Task(status=S.READY, deadline=datetime(2025, 3, 13, 0, 10, tzinfo=SHANGHAI)).is_due_today(
        late_evening
    )
    early_morning = datetime(2025, 3, 12, 7, 30, tzinfo=SHANGHAI)  # still 11 March in UTC
    assert Task(status=S.CLAIMED, deadline=datetime(2025, 3, 12, 9, 0, tzinfo=SHANGHAI)).is_due_today(
        early_morning
    )
    # Late is not "due today", and neither is a paused task.
    assert not Task(status=S.READY, deadline=early_morning - timedelta(minutes=1)).is_due_today(early_morning)
    assert not Task(status=S.RETURNED, deadline=datetime(2025, 3, 12, 9, 0, tzinfo=SHANGHAI)).is_due_today(
        early_morning
    )


@time_machine.travel(NOW, tick=False)
def test_the_queue_counts_are_true_beyond_the_lists_limit_of_200(application, health_officer):
    bulk_tasks(application, 230, status=S.RETURNED, deadline=NOW - timedelta(hours=1))
    bulk_tasks(application, 240, status=S.WAITING, deadline=None)
    bulk_tasks(application, 210, status=S.READY, deadline=NOW - timedelta(hours=1))
    bulk_tasks(application, 5, status=S.READY, deadline=NOW + timedelta(hours=2))
    bulk_tasks(application, 3, status=S.READY, deadline=NOW + timedelta(days=2))
    assert len(queue_for_officer(user=health_officer, status=S.RETURNED)) == 200

    page = logged_in(health_officer).get("/work/").content.decode()

    assert count_on(page, "with applicants for correction") == 230
    assert count_on(page, "waiting for other services") == 240
    assert count_on(page, "ready") == 218
    assert count_on(page, "overdue") == 210
    assert count_on(page, "due today") == 5
    assert count_on(page, "claimed by me") == 0
    assert page.count('class="card queue-item') == 200  # the list itself keeps its limit


@time_machine.travel(NOW, tick=False)
def test_the_counts_leave_out_other_agencies_and_other_officers_claims(application, health_officer):
    colleague = _officer("colleague", "health_commission")
    bulk_tasks(application, 4, status=S.CLAIMED, deadline=NOW - timedelta(hours=1), claimed_by=colleague)
    bulk_tasks(application, 2, status=S.CLAIMED, deadline=NOW - timedelta(hours=1), claimed_by=health_officer)

    counts = queue_counts_for_officer(user=health_officer, now=NOW)

    assert counts == {"ready": 0, "mine": 2, "overdue": 2, "due_today": 0, "returned": 0, "waiting": 0}
    # The application's hukou task waits on the birth certificate, in the police's queue only.
    police = _officer("police-officer", "public_security")
    assert (
        queue_counts_for_officer(user=police, now=NOW)["waiting"]
        == Task.objects.filter(
            application=application, agency__code="public_security", status=S.WAITING
        ).count()
    )
    assert queue_counts_for_officer(user=police, now=NOW)["waiting"] >= 1


@time_machine.travel(NOW, tick=False)
def test_mine_lists_the_officer_s_own_claims_even_behind_200_more_urgent_ones(application, health_officer):
    colleague = _officer("colleague", "health_commission")
    bulk_tasks(application, 205, status=S.CLAIMED, deadline=NOW - timedelta(hours=3), claimed_by=colleague)
    bulk_tasks(application, 2, status=S.CLAIMED, deadline=NOW + timedelta(days=1), claimed_by=health_officer)
    own = Task.objects.filter(claimed_by=health_officer).values_list("pk", flat=True)

    page = logged_in(health_officer).get("/work/").content.decode()

    mine = re.search(r'<ul class="card-list" id="mine">(.*?)</ul>', page, re.S)
    assert mine, "the officer's claimed tasks are listed"
    assert sorted(int(pk) for pk in re.findall(r'data-task="(\d+)"', mine.group(1))) == sorted(own)
    assert count_on(page, "claimed by me") == 2
    assert count_on(page, "overdue") == 0  # the colleague's late tasks are theirs


@time_machine.travel(NOW, tick=False)
def test_the_pages_show_what_a_task_s_state_allows(submit, health_officer, resident):
    application = submit()
    ready, refused = (
        task_of(application, "birth_medical_certificate"),
        task_of(application, "vaccination_certificate"),
    )
    officer = logged_in(health_officer)
    assert 'id="claim"' in officer.get(f"/work/tasks/{ready.pk}/").content.decode()

    services.task_claim(actor=health_officer, task_id=refused.pk)
    assert 'id="claim"' not in officer.get(f"/work/tasks/{refused.pk}/").content.decode()
    services.task_reject(actor=health_officer, task_id=refused.pk, reason="No record of the vaccination")
    page = officer.get(f"/work/tasks/{refused.pk}/").content.decode()
    assert "Reason:</strong> No record of the vaccination" in page

    status = logged_in(resident).get(f"/applications/{application.number}/").content.decode()
    rows = dict(
        re.findall(r'<li class="task task-\w+" id="task-(\w+)".*?<p class="meta">(.*?)</p>', status, re.S)
    )
    assert "due by" in rows["birth_medical_certificate"]  # running
    assert "due by" not in rows["vaccination_certificate"]  # refused
    assert "due by" not in rows["hukou_registration"]  # waiting: no clock yet
