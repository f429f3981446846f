"""Deadlines of applications and tasks as the case services set them, on the real calendar."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from banshi.cases import services
from banshi.cases.models import Task
from banshi.cases.tests.helpers import approve, task_of
from banshi.worktime.hours import working_span

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


class Clock:
    def __init__(self, traveller):
        self.traveller = traveller

    def set(self, *args) -> None:
        self.traveller.move_to(at(*args), tick=False)


@pytest.fixture
def clock(time_machine):
    """The services read the time once per change; the tests set it, and it stands still between."""
    return Clock(time_machine)


def test_a_submission_before_national_day_is_due_after_it(clock, submit):
    clock.set(2026, 9, 30, 16, 30)
    application = submit()
    task = task_of(application, "birth_medical_certificate")
    assert (task.deadline, task.deadline_estimated) == (at(2026, 10, 8, 10, 0), False)
    # A promise of one working day: by the close of the first working day after the submission's.
    assert (application.deadline, application.deadline_estimated) == (at(2026, 10, 8, 17, 30), False)


def test_a_submission_whose_deadlines_run_into_2027_is_flagged_as_estimated(clock, submit):
    clock.set(2026, 12, 31, 16, 30)
    application = submit()
    task = task_of(application, "birth_medical_certificate")
    assert (task.deadline, task.deadline_estimated) == (at(2027, 1, 1, 10, 0), True)
    application.refresh_from_db()
    assert (application.deadline, application.deadline_estimated) == (at(2027, 1, 1, 17, 30), True)


def test_a_task_unlocked_on_new_years_eve_is_flagged_too(clock, submit, health_officer):
    clock.set(2026, 12, 31, 9, 0)
    application = submit()
    assert task_of(application, "birth_medical_certificate").deadline_estimated is False
    clock.set(2026, 12, 31, 17, 0)
    approve(health_officer, application, "birth_medical_certificate")
    hukou = task_of(application, "hukou_registration")
    # Two working hours: half an hour on New Year's Eve, an hour and a half on 1 January (assumed).
    assert (hukou.status, hukou.deadline, hukou.deadline_estimated) == (
        Task.Status.READY,
        at(2027, 1, 1, 10, 30),
        True,
    )


@pytest.mark.parametrize(
    ("ready", "returned", "corrected", "due"),
    [
        # Returned with an hour left; corrected the next day: the deadline moves by that day.
        ((2026, 11, 24, 9, 0), (2026, 11, 24, 10, 0), (2026, 11, 25, 10, 0), (2026, 11, 25, 11, 0)),
        # Corrected on a holiday: the hour left starts counting when the offices open again.
        ((2026, 9, 30, 15, 0), (2026, 9, 30, 16, 0), (2026, 10, 1, 10, 0), (2026, 10, 8, 10, 0)),
    ],
)
def test_the_time_waiting_for_a_correction_does_not_count(
    clock, submit, resident, health_officer, ready, returned, corrected, due
):
    clock.set(*ready)
    application = submit()
    task = task_of(application, "birth_medical_certificate")
    assert working_span(at(*ready), task.deadline).duration == timedelta(hours=2)
    clock.set(*returned)
    services.task_claim(actor=health_officer, task_id=task.pk)
    services.task_return(
        actor=health_officer, task_id=task.pk, reason="The name is misspelt.", items=["fields.newborn.name"]
    )
    task.refresh_from_db()
    assert (task.paused_at, task.paused_remaining) == (at(*returned), timedelta(hours=1))
    clock.set(*corrected)
    services.application_correct(
        actor=resident,
        application_id=application.pk,
        task_id=task.pk,
        values={"newborn.name": "王小红"},
        materials={},
    )
    task.refresh_from_db()
    assert (task.status, task.deadline, task.deadline_estimated) == (Task.Status.CLAIMED, at(*due), False)
    assert (task.paused_at, task.paused_remaining) == (None, None)


def test_a_task_returned_when_already_late_is_still_as_late_once_corrected(
    clock, submit, resident, health_officer
):
    clock.set(2026, 11, 24, 9, 0)
    application = submit()
    task = task_of(application, "birth_medical_certificate")
    clock.set(2026, 11, 24, 14, 30)  # due at 11:00, so two working hours late
    services.task_claim(actor=health_officer, task_id=task.pk)
    services.task_return(
        actor=health_officer, task_id=task.pk, reason="Blurred.", items=["fields.newborn.name"]
    )
    clock.set(2026, 11, 26, 10, 0)
    services.application_correct(
        actor=resident,
        application_id=application.pk,
        task_id=task.pk,
        values={"newborn.name": "王小红"},
        materials={},
    )
    task.refresh_from_db()
    assert task.deadline == at(2026, 11, 25, 16, 30)
    assert working_span(task.deadline, at(2026, 11, 26, 10, 0)).duration == timedelta(hours=2)


def test_a_pause_counted_into_2027_keeps_the_task_flagged(clock, submit, resident, health_officer):
    clock.set(2026, 12, 31, 16, 0)
    application = submit()
    task = task_of(application, "birth_medical_certificate")
    assert (task.deadline, task.deadline_estimated) == (at(2027, 1, 1, 9, 30), True)
    clock.set(2026, 12, 31, 17, 0)
    services.task_claim(actor=health_officer, task_id=task.pk)
    services.task_return(
        actor=health_officer, task_id=task.pk, reason="Blurred.", items=["fields.newborn.name"]
    )
    clock.set(2027, 1, 5, 9, 0)
    services.application_correct(
        actor=resident,
        application_id=application.pk,
        task_id=task.pk,
        values={"newborn.name": "王小红"},
        materials={},
    )
    task.refresh_from_db()
    assert (task.deadline, task.deadline_estimated) == (at(2027, 1, 5, 10, 0), True)
