import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from banshi.audit.models import Event
from banshi.cases.models import Application, ApplicationMaterial, Task
from banshi.cases.services import application_submit, upload_create
from banshi.cases.services.submit import submission_digest
from banshi.conftest import ANSWERS, another_baby, newborn_values, png_bytes
from banshi.lib.errors import Conflict, FieldErrors

TABLES = (Application, Task, ApplicationMaterial, Event)


def row_counts():
    return {model.__name__: model.objects.count() for model in TABLES}


def test_submission_creates_one_task_per_applicable_service_with_the_first_ones_ready(submit):
    application = submit()
    tasks = {t.service: t for t in application.tasks.all()}
    assert set(tasks) == {
        "birth_medical_certificate",
        "vaccination_certificate",
        "hukou_registration",
        "medical_insurance_enrolment",
        "insurance_premium",
        "social_security_card",
    }
    assert tasks["birth_medical_certificate"].status == Task.Status.READY
    assert tasks["vaccination_certificate"].status == Task.Status.READY
    assert tasks["hukou_registration"].status == Task.Status.WAITING
    assert tasks["birth_medical_certificate"].deadline is not None
    assert tasks["hukou_registration"].deadline is None
    assert application.number.startswith("BS")
    assert application.bundle_version.spec.code == "newborn"
    assert ApplicationMaterial.objects.filter(application=application).count() == 4
    submitted = Event.objects.get(event_type="application.submitted", subject_id=str(application.pk))
    assert submitted.extra["bundle"] == "newborn"
    assert Event.objects.filter(event_type="task.ready").count() == 2


def test_maternity_reimbursement_is_a_task_only_when_asked_for(submit, resident, uploads):
    values = newborn_values(
        **{"mother.bank_account": "6222021234567890123", "mother.bank_branch": "工行解放碑支行"}
    )
    card = upload_create(owner=resident, file=SimpleUploadedFile("card.png", png_bytes("purple")))
    application = submit(
        answers={**ANSWERS, "maternity_reimbursement": "yes"},
        values=values,
        materials={**uploads, "mother_bank_card": card.id},
    )
    assert application.tasks.filter(service="maternity_reimbursement").exists()
    assert application.values["mother.bank_account"] == "6222021234567890123"


def test_answers_that_do_not_apply_are_not_stored(submit):
    values = newborn_values(**{"mother.bank_account": "6222021234567890123"})
    application = submit(values=values)
    assert "mother.bank_account" not in application.values


@pytest.mark.parametrize(
    ("override", "field", "words"),
    [
        ({"mother.id_number": "500103199205140421"}, "fields.mother.id_number", "check digit"),
        ({"father.id_number": "500103199002300123"}, "fields.father.id_number", "impossible birth date"),
        ({"newborn.name": ""}, "fields.newborn.name", "required"),
        ({"newborn.sex": "unknown"}, "fields.newborn.sex", "allowed choices"),
        ({"newborn.weight_grams": "heavy"}, "fields.newborn.weight_grams", "whole number"),
        ({"newborn.birth_datetime": "2026-02-30 10:00"}, "fields.newborn.birth_datetime", "real date"),
        ({"newborn.birth_datetime": "2099-01-01 10:00"}, "fields.newborn.birth_datetime", "future"),
        ({"mother.phone": "12345"}, "fields.mother.phone", "mobile"),
        ({"household.area": "999999"}, "fields.household.area", "district"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field_and_nothing_is_written(submit, override, field, words):
    before = row_counts()
    with pytest.raises(FieldErrors) as caught:
        submit(values=newborn_values(**override))
    assert field in caught.value.errors
    assert words in caught.value.errors[field]
    assert row_counts() == before


def test_every_problem_is_reported_at_once(submit):
    values = newborn_values(**{"newborn.name": "", "mother.phone": "1"})
    with pytest.raises(FieldErrors) as caught:
        submit(answers={**ANSWERS, "card_delivery": "drone"}, values=values, materials={"hukou_book": 1})
    assert {"fields.newborn.name", "fields.mother.phone", "answers.card_delivery"} <= set(caught.value.errors)


def test_a_missing_material_and_an_unknown_field_are_refused(submit, uploads):
    partial = {k: v for k, v in uploads.items() if k != "hukou_book"}
    with pytest.raises(FieldErrors) as caught:
        submit(values={**newborn_values(), "pet.name": "Mimi"}, materials=partial)
    assert caught.value.errors["materials.hukou_book"] == "is required"
    assert caught.value.errors["fields.pet.name"] == "is not a field of this bundle"
    assert not Application.objects.exists()


def test_another_persons_upload_cannot_be_attached(submit, uploads, other_resident):
    theirs = upload_create(owner=other_resident, file=SimpleUploadedFile("id.png", png_bytes("black")))
    with pytest.raises(FieldErrors) as caught:
        submit(materials={**uploads, "hukou_book": theirs.id})
    assert caught.value.errors["materials.hukou_book"] == "is not one of your uploads"
    assert not Application.objects.exists()


def test_a_repeated_idempotency_key_returns_the_first_application(submit):
    values = newborn_values()  # once: the birth time in it is relative to now
    first = submit(values=values, idempotency_key="retry-1")
    again = submit(values=values, idempotency_key="retry-1")
    assert again.pk == first.pk
    assert Application.objects.count() == 1
    assert Task.objects.count() == 6
    other = submit(idempotency_key="retry-2")
    assert other.pk != first.pk


def test_a_repeated_idempotency_key_with_another_submission_is_refused_and_writes_nothing(submit, uploads):
    values = newborn_values()
    first = submit(values=values, idempotency_key="retry-1")
    before = row_counts()
    changes = [
        {"values": {**values, "newborn.name": "王大明"}},
        {"values": values, "answers": {**ANSWERS, "card_delivery": "post"}},
        {"values": values, "materials": {**uploads, "hukou_book": uploads["marriage_certificate"]}},
    ]
    for change in changes:
        with pytest.raises(Conflict) as refused:
            submit(idempotency_key="retry-1", **change)
        assert str(refused.value) == "this Idempotency-Key was used for a different application"
    assert row_counts() == before
    # The same submission, its keys in another order, is the same.
    reordered = dict(reversed(list(values.items())))
    assert submit(values=reordered, idempotency_key="retry-1").pk == first.pk
    assert row_counts() == before


def test_an_application_kept_before_digests_answers_a_repeated_key_as_before(submit):
    first = submit(idempotency_key="retry-1")
    Application.objects.filter(pk=first.pk).update(submission_digest="")
    again = submit(values=newborn_values(**{"newborn.name": "王大明"}), idempotency_key="retry-1")
    assert again.pk == first.pk and Application.objects.count() == 1


def test_the_digest_of_a_submission_is_sha256_of_its_canonical_json():
    import hashlib

    digest = submission_digest(bundle_code="newborn", answers={"b": 1, "a": "是"}, values={}, materials={})
    canonical = '{"answers":{"a":"是","b":1},"bundle":"newborn","materials":{},"values":{}}'
    assert digest == hashlib.sha256(canonical.encode()).hexdigest()


def test_an_unknown_bundle_is_refused(resident):
    with pytest.raises(FieldErrors) as caught:
        application_submit(
            actor=resident, applicant=resident, bundle_code="nothing", answers={}, values={}, materials={}
        )
    assert "bundle" in caught.value.errors


@pytest.mark.django_db(transaction=True)
def test_application_numbers_stay_unique_when_threads_submit_at_once(submit):
    import threading

    from django.db import connection

    from banshi.cases.services import numbers

    numbers.APPLICATION_NUMBER_BLOCK, block = 3, numbers.APPLICATION_NUMBER_BLOCK
    made: list[str] = []

    def work(i):
        try:
            for j in range(4):
                made.append(submit(values=another_baby(10 * i + j + 1)).number)
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        numbers.APPLICATION_NUMBER_BLOCK = block
    assert len(made) == 12 and len(set(made)) == 12
    assert Application.objects.count() == 12
