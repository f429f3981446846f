"""A document output becomes a numbered certificate in the approval's own transaction."""

import threading

import pytest
from django.db import connection

from banshi.cases import services
from banshi.cases.models import Task
from banshi.cases.tests.helpers import approve, task_of, work_everything
from banshi.certificates.models import Certificate
from banshi.certificates.tests.conftest import events
from banshi.conftest import FATHER_ID, MOTHER_ID
from banshi.lib.errors import FieldErrors

DOCUMENTS = {
    "birth_certificate_number": "birth_medical_certificate",
    "vaccination_record_number": "vaccination_certificate",
    "household_entry_number": "hukou_registration",
    "insurance_enrolment_number": "medical_insurance_enrolment",
    "social_security_card_number": "social_security_card",
}


def test_approving_a_service_issues_its_document_numbered_with_the_output(submit, health_officer):
    application = submit()
    task = approve(health_officer, application, "birth_medical_certificate")
    certificate = Certificate.objects.get()
    assert certificate.number == task.outputs["birth_certificate_number"]
    assert certificate.number.startswith("CS")
    assert (certificate.document_type, certificate.task, certificate.application) == (
        "birth_certificate_number",
        task,
        application,
    )
    assert certificate.agency.code == "health_commission"
    assert certificate.issued_at == task.decided_at
    assert certificate.status == Certificate.Status.VALID and certificate.revoked_at is None
    assert certificate.title["zh-hans"] == "出生医学证明"
    assert certificate.label["en"] == "Birth certificate number"
    event = events(certificate, "certificate.issued").get()
    assert (event.actor, event.new_state) == (health_officer, "valid")
    assert event.extra["number"] == certificate.number


def test_the_holder_is_stored_masked_and_personal_data_stays_out_of_the_audit(submit, health_officer):
    approve(health_officer, submit(), "birth_medical_certificate")
    certificate = Certificate.objects.get()
    assert certificate.holder_display == "王**"
    event = events(certificate, "certificate.issued").get()
    for secret in ("王小明", "张丽", "王强", MOTHER_ID, FATHER_ID):
        assert secret not in str(event.extra) and secret not in event.reason


def test_every_document_of_the_bundle_is_issued_and_nothing_else(submit, officers):
    application = submit()
    work_everything(application, officers)
    certificates = {c.document_type: c for c in Certificate.objects.filter(application=application)}
    assert set(certificates) == set(DOCUMENTS)
    for key, service in DOCUMENTS.items():
        task = task_of(application, service)
        assert certificates[key].task == task and certificates[key].number == task.outputs[key]
    # The premium payment record is an output but not a document.
    assert not Certificate.objects.filter(document_type="premium_payment_number").exists()
    assert len({c.number for c in certificates.values()}) == len(DOCUMENTS)


def test_the_document_keeps_what_it_stated_when_issued(submit, health_officer, police_officer):
    application = submit()
    approve(health_officer, application, "birth_medical_certificate")
    hukou = approve(police_officer, application, "hukou_registration")
    birth = Certificate.objects.get(document_type="birth_certificate_number")
    fields = dict(birth.content["fields"])
    assert fields["newborn.name"] == "王小明" and fields["mother.id_number"] == MOTHER_ID
    # The authorised collector and contact details are not what the document certifies.
    assert not any(key.startswith("collector.") or key.endswith(".phone") for key in fields)
    entry = Certificate.objects.get(document_type="household_entry_number")
    outputs = dict(entry.content["outputs"])
    assert outputs["birth_certificate_number"] == birth.number
    assert outputs["newborn.id_number"] == hukou.outputs["newborn.id_number"]
    assert "household_entry_number" not in outputs

    application.values = {**application.values, "newborn.name": "王大明"}
    application.save(update_fields=["values"])
    birth.refresh_from_db()
    assert dict(birth.content["fields"])["newborn.name"] == "王小明"


@pytest.mark.parametrize("typed", ["cs123456", "CS-TYPED-1", "ABC", "X" * 41, "CS 123456", "出生123456"])
def test_a_typed_number_that_cannot_be_verified_refuses_the_approval_and_writes_nothing(
    submit, health_officer, typed
):
    task = task_of(submit(), "birth_medical_certificate")
    services.task_claim(actor=health_officer, task_id=task.id)
    with pytest.raises(FieldErrors) as caught:
        services.task_approve(
            actor=health_officer, task_id=task.id, outputs={"birth_certificate_number": typed}
        )
    assert "outputs.birth_certificate_number" in caught.value.errors
    task.refresh_from_db()
    assert task.status == Task.Status.CLAIMED and task.outputs == {}
    assert not Certificate.objects.exists()
    assert not events(task, "task.approved").exists()


def test_a_typed_number_already_used_by_another_document_is_refused(submit, health_officer):
    first = approve(health_officer, submit(), "birth_medical_certificate")
    number = first.outputs["birth_certificate_number"]
    task = task_of(submit(), "birth_medical_certificate")
    services.task_claim(actor=health_officer, task_id=task.id)
    with pytest.raises(FieldErrors) as caught:
        services.task_approve(
            actor=health_officer, task_id=task.id, outputs={"birth_certificate_number": number}
        )
    assert "another document" in caught.value.errors["outputs.birth_certificate_number"]
    task.refresh_from_db()
    assert task.status == Task.Status.CLAIMED
    assert Certificate.objects.count() == 1

    services.task_approve(
        actor=health_officer, task_id=task.id, outputs={"birth_certificate_number": "P500123"}
    )
    assert Certificate.objects.filter(number="P500123", task=task).exists()


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_the_same_moment_get_distinct_numbers(submit, health_officer):
    from banshi.conftest import _officer

    colleague = _officer("health2", "health_commission")
    tasks = [task_of(submit(idempotency_key=key), "birth_medical_certificate") for key in ("first", "second")]
    pairs = list(zip((health_officer, colleague), tasks, strict=True))
    for officer, task in pairs:
        services.task_claim(actor=officer, task_id=task.id)
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def approve_now(officer, task):
        try:
            barrier.wait()
            services.task_approve(actor=officer, task_id=task.id)
        except BaseException as exc:  # reported below: a thread's exception would otherwise vanish
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve_now, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    numbers = [Certificate.objects.get(task=task).number for task in tasks]
    assert len(set(numbers)) == 2
    assert numbers == [Task.objects.get(pk=task.pk).outputs["birth_certificate_number"] for task in tasks]
