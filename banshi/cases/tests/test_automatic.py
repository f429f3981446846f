"""Services marked `decide: automatic` are approved by the task worker as soon as they are ready."""

import pytest
import yaml
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from banshi.audit.models import Event
from banshi.cases import services
from banshi.cases.models import Application, Task
from banshi.cases.services.automatic import RULE, task_decide_automatically
from banshi.cases.tests.helpers import approve, run_worker, task_of
from banshi.catalog.loader import BUNDLES_DIR
from banshi.catalog.services import catalog_load
from banshi.certificates.models import Certificate
from banshi.notify.models import Notification
from banshi.sequences.models import Counter

S = Task.Status
DECIDE = "banshi.cases.tasks.decide_automatically"


def events(subject, event_type):
    return Event.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk), event_type=event_type
    )


def load_newborn_variant(directory, change) -> None:
    """Load a changed copy of the newborn bundle as its current version."""
    definition = yaml.safe_load((BUNDLES_DIR / "newborn.yaml").read_text(encoding="utf-8"))
    change(definition)
    (directory / "newborn.yaml").write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
    catalog_load(directory=directory)


def all_automatic(definition) -> None:
    for service in definition["services"].values():
        service["decide"] = "automatic"


def counters() -> list[tuple[str, int]]:
    return list(Counter.objects.values_list("key", "value").order_by("key"))


def queued(task_path: str = DECIDE):
    return DBTaskResult.objects.filter(task_path=task_path)


def test_the_rule_approves_a_ready_automatic_service_with_no_actor_and_says_so(submit):
    application = submit()
    task = task_of(application, "vaccination_certificate")

    assert task_decide_automatically(task_id=task.id) == "approved"

    task.refresh_from_db()
    assert task.status == S.APPROVED and task.decided_at is not None
    assert task.outputs["vaccination_record_number"].startswith("YF")
    claimed, approved = events(task, "task.claimed").get(), events(task, "task.approved").get()
    assert (claimed.actor, claimed.old_state, claimed.new_state) == (None, S.READY, S.CLAIMED)
    assert (approved.actor, approved.old_state, approved.new_state) == (None, S.CLAIMED, S.APPROVED)
    assert approved.extra == {"rule": RULE, "outputs": ["vaccination_record_number"]}
    assert Notification.objects.filter(
        user=application.applicant, title="Vaccination certificate is ready"
    ).exists()
    certificate = Certificate.objects.get(task=task)
    assert certificate.number == task.outputs["vaccination_record_number"]


def test_running_the_decision_twice_decides_once(submit):
    task = task_of(submit(), "vaccination_certificate")
    task_decide_automatically(task_id=task.id)
    before = counters()

    assert task_decide_automatically(task_id=task.id) == "skipped: approved"

    assert events(task, "task.approved").count() == 1
    assert counters() == before


def test_a_service_decided_by_officers_is_never_approved_by_the_rule(submit):
    task = task_of(submit(), "birth_medical_certificate")
    assert task_decide_automatically(task_id=task.id) == "skipped: decided by an officer"
    task.refresh_from_db()
    assert task.status == S.READY
    assert not events(task, "task.approved").exists()


def test_a_task_an_officer_already_claimed_is_left_to_the_officer(submit, health_officer):
    task = task_of(submit(), "vaccination_certificate")
    services.task_claim(actor=health_officer, task_id=task.id)
    assert task_decide_automatically(task_id=task.id) == "skipped: claimed"
    task.refresh_from_db()
    assert (task.status, task.claimed_by) == (S.CLAIMED, health_officer)


def test_a_waiting_automatic_service_is_not_decided_before_its_inputs_exist(submit):
    task = task_of(submit(), "medical_insurance_enrolment")
    assert task_decide_automatically(task_id=task.id) == "skipped: waiting"
    task.refresh_from_db()
    assert task.status == S.WAITING


def test_a_task_that_does_not_exist_is_ignored(db):
    assert task_decide_automatically(task_id=999_999) == "missing"


def test_an_output_the_rule_cannot_generate_leaves_the_task_ready_for_an_officer(submit, tmp_path):
    def no_generated_number(definition):
        definition["services"]["vaccination_certificate"]["produces"]["vaccination_record_number"][
            "generate"
        ] = "none"

    load_newborn_variant(tmp_path, no_generated_number)
    task = task_of(submit(), "vaccination_certificate")

    assert task_decide_automatically(task_id=task.id) == "left for an officer"

    task.refresh_from_db()
    assert task.status == S.READY and task.outputs == {}
    failed = events(task, "task.automatic_failed").get()
    assert failed.actor is None
    assert failed.extra == {"rule": RULE, "outputs": ["outputs.vaccination_record_number"]}
    assert not events(task, "task.claimed").exists()


def test_submission_queues_a_decision_for_each_ready_automatic_service_in_its_own_transaction(submit):
    application = submit()
    vaccination = task_of(application, "vaccination_certificate")
    assert [result.args_kwargs["args"] for result in queued()] == [[vaccination.id]]


def test_a_failed_submission_queues_nothing(submit):
    from banshi.conftest import newborn_values
    from banshi.lib.errors import FieldErrors

    with pytest.raises(FieldErrors):
        submit(values=newborn_values(**{"mother.phone": "1"}))
    assert not queued().exists()


def test_a_service_unlocked_by_an_approval_is_queued_when_it_is_automatic(
    submit, health_officer, police_officer
):
    application = submit()
    approve(health_officer, application, "birth_medical_certificate")
    before = set(queued().values_list("id", flat=True))
    approve(police_officer, application, "hukou_registration")
    enrolment = task_of(application, "medical_insurance_enrolment")
    assert enrolment.status == S.READY
    # The social security card became ready too, but officers decide it.
    assert [r.args_kwargs["args"] for r in queued().exclude(id__in=before)] == [[enrolment.id]]


@pytest.mark.django_db(transaction=True)
def test_with_every_service_automatic_an_application_completes_without_a_human(submit, tmp_path):
    load_newborn_variant(tmp_path, all_automatic)
    application = submit()

    run_worker()

    application.refresh_from_db()
    assert application.status == Application.Status.COMPLETE
    assert application.completed_at is not None
    tasks = list(application.tasks.all())
    assert {task.status for task in tasks} == {S.APPROVED}
    for task in tasks:
        approved = events(task, "task.approved").get()
        assert approved.actor is None and approved.extra["rule"] == RULE
    documents = sum(output.document for task in tasks for output in task.spec.produces.values())
    assert Certificate.objects.filter(application=application).count() == documents > 0
    complete = events(application, "application.complete").get()
    assert complete.actor is None
    results = DBTaskResult.objects.all()
    assert queued().count() == len(tasks)
    assert {result.status for result in results} == {TaskResultStatus.SUCCESSFUL}

    run_worker()  # nothing left: running again changes nothing
    assert Event.objects.filter(event_type="task.approved").count() == len(tasks)


@pytest.mark.django_db(transaction=True)
def test_an_automatic_decision_whose_queueing_was_lost_is_queued_again_by_the_sweep(submit):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from banshi.cases.services.automatic import automatic_decisions_requeue
    from banshi.cases.tests.helpers import run_worker, task_of

    application = submit()
    DBTaskResult.objects.all().delete()  # as if the process died before queueing the decision
    vaccination = task_of(application, "vaccination_certificate")
    assert vaccination.status == Task.Status.READY
    assert automatic_decisions_requeue(now=timezone.now()) == 0  # too recent to be suspicious
    assert automatic_decisions_requeue(now=timezone.now() + timedelta(minutes=2)) == 1
    run_worker()
    vaccination.refresh_from_db()
    assert vaccination.status == Task.Status.APPROVED
    assert (
        task_of(application, "birth_medical_certificate").status == Task.Status.READY
    )  # officers' work stays
