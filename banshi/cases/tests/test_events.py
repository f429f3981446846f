"""The audit event types are declared once: every event an application's life writes is one of them,
under the very string existing rows carry, and the timeline names only declared ones."""

import pytest

from banshi.audit.models import Event
from banshi.cases import services
from banshi.cases.events import (
    APPLICATION_MOVED_TO,
    APPLICATION_TIMELINE,
    AUTOMATIC_TASK_TIMELINE,
    TASK_MOVED_TO,
    TASK_TIMELINE,
    EventType,
)
from banshi.cases.models import Application, Task
from banshi.cases.tests.helpers import approve, task_of, work_everything
from banshi.certificates.events import EventType as CertificateEventType

pytestmark = pytest.mark.django_db

S = Task.Status


def test_the_stored_strings_stay_as_they_were():
    assert EventType.TASK_CLAIMED == "task.claimed"
    assert EventType.APPLICATION_CORRECTION_NEEDED == "application.correction_needed"
    assert str(EventType.WINDOW_CONFIRMATION_LOCKED) == "window_confirmation.locked"


def test_every_move_of_the_orchestrator_has_its_event():
    assert set(APPLICATION_MOVED_TO) == set(Application.Status)
    assert set(TASK_MOVED_TO) == Task.TRANSITIONS[S.WAITING]
    assert all(event == f"application.{status}" for status, event in APPLICATION_MOVED_TO.items())
    assert all(event == f"task.{status}" for status, event in TASK_MOVED_TO.items())


def test_the_timeline_names_only_declared_event_types():
    for labels in (APPLICATION_TIMELINE, TASK_TIMELINE, AUTOMATIC_TASK_TIMELINE):
        assert all(isinstance(key, EventType) for key in labels)
    assert set(AUTOMATIC_TASK_TIMELINE) <= set(TASK_TIMELINE)


def test_every_event_of_an_application_s_life_is_declared(submit, officers, health_officer):
    application = submit()
    claimed = task_of(application, "birth_medical_certificate")
    services.task_claim(actor=health_officer, task_id=claimed.pk)
    services.task_release(actor=health_officer, task_id=claimed.pk)
    work_everything(application, officers)
    refused = submit()
    task = task_of(refused, "birth_medical_certificate")
    services.task_claim(actor=health_officer, task_id=task.pk)
    services.task_reject(actor=health_officer, task_id=task.pk, reason="Not born in a licensed hospital")
    approve(health_officer, refused, "vaccination_certificate")

    written = set(Event.objects.values_list("event_type", flat=True))

    declared = set(EventType) | set(CertificateEventType)
    assert written <= declared, written - declared
    assert {
        "application.submitted",
        "application.complete",
        "application.closed",
        "task.ready",
        "task.claimed",
        "task.released",
        "task.approved",
        "task.rejected",
        "task.cancelled",
        "certificate.issued",
    } <= written
