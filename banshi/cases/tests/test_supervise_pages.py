"""The supervisor's deadlines page and the officers' "due today" marks."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from banshi.cases.models import Application, Task
from banshi.cases.tests.helpers import task_of
from banshi.conftest import _user
from banshi.directory.models import Membership

pytestmark = pytest.mark.django_db

S = Task.Status


def logged_in(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def due(task: Task, deadline: datetime, status: str = S.READY) -> Task:
    Task.objects.filter(pk=task.pk).update(deadline=deadline, status=status)
    return task


def later_today() -> datetime:
    now = timezone.now()
    tz = timezone.get_default_timezone()
    midnight = datetime.combine(timezone.localdate(now, tz) + timedelta(days=1), time(0), tz)
    return now + (midnight - now) / 2


def section(page: str, section_id: str) -> list[str]:
    """The task ids listed in one section of the page, in order."""
    match = re.search(rf'<ul class="card-list" id="{section_id}">(.*?)</ul>', page, re.S)
    return re.findall(r'data-(?:task|application)="([^"]+)"', match.group(1)) if match else []


@pytest.fixture
def supervisor(catalog):
    user = _user("supervisor")
    Membership.objects.create(user=user, role=Membership.Role.SUPERVISOR)
    return user


@pytest.fixture
def named_resident(resident):
    resident.display_name = "张丽"
    resident.save()
    return resident


def test_only_supervisors_see_the_deadlines_page(supervisor, health_officer, resident):
    assert Client().get("/supervise/").status_code == 302
    assert logged_in(resident).get("/supervise/").status_code == 403
    assert logged_in(health_officer).get("/supervise/").status_code == 403
    assert logged_in(supervisor).get("/supervise/").status_code == 200


def test_the_supervisor_sees_what_is_late_and_due_today_across_agencies(supervisor, named_resident, submit):
    now = timezone.now()
    first, second = submit(), submit()
    police_late = due(task_of(first, "hukou_registration"), now - timedelta(hours=1))
    health_late = due(task_of(second, "birth_medical_certificate"), now - timedelta(hours=3))
    claimed_today = due(task_of(first, "birth_medical_certificate"), later_today(), status=S.CLAIMED)
    due(task_of(first, "vaccination_certificate"), now + timedelta(days=2))
    due(task_of(second, "vaccination_certificate"), now - timedelta(hours=5), status=S.APPROVED)
    due(task_of(second, "hukou_registration"), now - timedelta(hours=5), status=S.RETURNED)

    page = logged_in(supervisor).get("/supervise/").content.decode()

    assert section(page, "late") == [str(health_late.pk), str(police_late.pk)]
    assert section(page, "due-today") == [str(claimed_today.pk)]
    assert re.search(r'id="late-count"><strong>2</strong>', page)
    assert re.search(r'id="due-today-count"><strong>1</strong>', page)
    assert "Public Security Bureau" in page and "Health Commission" in page
    assert first.number in page and second.number in page
    assert "Hukou birth registration" in page and "Being handled" in page
    assert "张*" in page and "张丽" not in page


# Late on a working day: every new task is due on the next one, so no exact deadline is listed as due today.
@time_machine.travel(datetime(2026, 12, 2, 17, 20, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_applications_with_an_estimated_deadline_are_listed(supervisor, submit):
    estimated, exact, finished, task_estimated = submit(), submit(), submit(), submit()
    Application.objects.filter(pk__in=[estimated.pk, finished.pk]).update(deadline_estimated=True)
    Application.objects.filter(pk=finished.pk).update(status=Application.Status.COMPLETE)
    Task.objects.filter(application=task_estimated, service="birth_medical_certificate").update(
        deadline_estimated=True
    )
    page = logged_in(supervisor).get("/supervise/").content.decode()
    assert sorted(section(page, "estimated")) == sorted([estimated.number, task_estimated.number])
    assert exact.number not in page and finished.number not in page


def test_the_page_takes_as_many_queries_with_many_late_tasks_as_with_one(supervisor, submit):
    client = logged_in(supervisor)

    def late_application():
        application = submit()
        Task.objects.filter(application=application).update(
            status=S.READY, deadline=timezone.now() - timedelta(hours=1), deadline_estimated=True
        )
        Application.objects.filter(pk=application.pk).update(deadline_estimated=True)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/supervise/").status_code == 200
        return len(captured)

    late_application()
    client.get("/supervise/")
    few = queries()
    for _ in range(5):
        late_application()
    assert queries() == few


def test_the_officers_queue_marks_what_is_due_today(named_resident, submit, health_officer):
    application = submit()
    today = due(task_of(application, "birth_medical_certificate"), later_today())
    late = due(task_of(application, "vaccination_certificate"), timezone.now() - timedelta(minutes=1))
    page = logged_in(health_officer).get("/work/").content.decode()
    assert re.search(rf'queue-item due-today" data-task="{today.pk}"', page)
    assert re.search(rf'queue-item overdue" data-task="{late.pk}"', page)
    assert page.count('class="badge badge-due-today"') == 1
    assert re.search(r'id="due-today-count"><strong>1</strong>', page)
