import threading

import pytest
from django.db import connection

from banshi.audit.models import Event
from banshi.cases import services
from banshi.cases.models import Application, Task
from banshi.cases.tests.helpers import approve, task_of, work_everything
from banshi.conftest import another_baby
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.notify.models import Notification

S = Task.Status


def events(subject, event_type):
    return Event.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk), event_type=event_type
    )


def test_an_officer_claims_a_ready_task_and_the_claim_is_audited(submit, health_officer):
    task = task_of(submit(), "birth_medical_certificate")
    services.task_claim(actor=health_officer, task_id=task.id)
    task.refresh_from_db()
    assert (task.status, task.claimed_by) == (S.CLAIMED, health_officer)
    event = events(task, "task.claimed").get()
    assert (event.old_state, event.new_state, event.actor) == (S.READY, S.CLAIMED, health_officer)


def test_a_claimed_task_can_be_released_back_to_the_queue(submit, health_officer):
    task = task_of(submit(), "birth_medical_certificate")
    services.task_claim(actor=health_officer, task_id=task.id)
    services.task_release(actor=health_officer, task_id=task.id)
    task.refresh_from_db()
    assert (task.status, task.claimed_by) == (S.READY, None)
    assert events(task, "task.released").exists()


def test_a_second_officer_cannot_claim_a_claimed_task(submit, health_officer, catalog):
    from banshi.conftest import _officer

    colleague = _officer("health2", "health_commission")
    task = task_of(submit(), "birth_medical_certificate")
    services.task_claim(actor=health_officer, task_id=task.id)
    with pytest.raises(Conflict):
        services.task_claim(actor=colleague, task_id=task.id)
    with pytest.raises(Conflict):
        services.task_approve(actor=colleague, task_id=task.id)
    task.refresh_from_db()
    assert task.claimed_by == health_officer


@pytest.mark.django_db(transaction=True)
def test_two_officers_racing_for_one_task_get_it_once(submit, health_officer):
    from banshi.conftest import _officer

    colleague = _officer("health2", "health_commission")
    task = task_of(submit(), "birth_medical_certificate")
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def claim(officer):
        try:
            barrier.wait()
            services.task_claim(actor=officer, task_id=task.id)
            outcomes.append("won")
        except Conflict:
            outcomes.append("lost")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(o,)) for o in (health_officer, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["lost", "won"]
    assert events(task, "task.claimed").count() == 1


def test_approval_records_generated_outputs_and_unlocks_the_next_service(submit, health_officer):
    application = submit()
    approved = approve(health_officer, application, "birth_medical_certificate")
    assert approved.outputs["birth_certificate_number"].startswith("CS")
    hukou = task_of(application, "hukou_registration")
    assert hukou.status == S.READY and hukou.deadline is not None
    assert events(hukou, "task.ready").exists()
    assert task_of(application, "social_security_card").status == S.WAITING


def test_given_outputs_are_kept_and_unknown_outputs_refused(submit, health_officer):
    application = submit()
    task = task_of(application, "birth_medical_certificate")
    services.task_claim(actor=health_officer, task_id=task.id)
    with pytest.raises(FieldErrors) as caught:
        services.task_approve(actor=health_officer, task_id=task.id, outputs={"colour": "blue"})
    assert "outputs.colour" in caught.value.errors
    task.refresh_from_db()
    assert task.status == S.CLAIMED
    services.task_approve(
        actor=health_officer, task_id=task.id, outputs={"birth_certificate_number": "P500123"}
    )
    task.refresh_from_db()
    assert task.outputs == {"birth_certificate_number": "P500123"}


def test_outputs_flow_downstream_the_hukou_task_sees_the_certificate_and_insurance_sees_the_new_id(
    submit, health_officer, police_officer, insurance_officer
):
    from banshi.cases.selectors import task_inputs
    from banshi.lib.personal import id_number_problem

    application = submit()
    certificate = approve(health_officer, application, "birth_medical_certificate").outputs[
        "birth_certificate_number"
    ]
    hukou = task_of(application, "hukou_registration")
    assert ("birth_certificate_number", certificate) in task_inputs(task=hukou)["outputs"]
    newborn_id = approve(police_officer, application, "hukou_registration").outputs["newborn.id_number"]
    assert newborn_id.startswith("500103") and id_number_problem(newborn_id) is None
    assert int(newborn_id[16]) % 2 == 1  # a boy's sequence is odd
    enrolment = task_of(application, "medical_insurance_enrolment")
    assert enrolment.status == S.READY
    assert ("newborn.id_number", newborn_id) in task_inputs(task=enrolment)["outputs"]
    fields = dict(task_inputs(task=enrolment)["fields"])
    assert "father.id_number" not in fields  # a service sees only what it needs


def test_when_every_task_is_approved_the_application_is_complete_and_the_resident_told(submit, officers):
    application = submit()
    work_everything(application, officers)
    application.refresh_from_db()
    assert application.status == Application.Status.COMPLETE
    assert application.completed_at is not None
    assert events(application, "application.complete").exists()
    assert Notification.objects.filter(
        user=application.applicant, title__contains=application.number
    ).exists()


def test_a_rejection_cancels_the_services_that_depended_on_it_and_closes_the_application(
    submit, health_officer, officers
):
    application = submit()
    task = task_of(application, "birth_medical_certificate")
    services.task_claim(actor=health_officer, task_id=task.id)
    with pytest.raises(FieldErrors):
        services.task_reject(actor=health_officer, task_id=task.id, reason="  ")
    services.task_reject(actor=health_officer, task_id=task.id, reason="Not born in a licensed hospital")
    assert task_of(application, "hukou_registration").status == S.CANCELLED
    assert task_of(application, "social_security_card").status == S.CANCELLED
    approve(health_officer, application, "vaccination_certificate")
    application.refresh_from_db()
    assert application.status == Application.Status.CLOSED
    assert events(task, "task.rejected").get().reason == "Not born in a licensed hospital"


def test_a_returned_task_stops_its_clock_and_the_correction_sends_back_only_that_task(
    submit, health_officer, police_officer
):
    application = submit()
    approve(health_officer, application, "birth_medical_certificate")
    hukou = task_of(application, "hukou_registration")
    services.task_claim(actor=police_officer, task_id=hukou.id)
    services.task_return(
        actor=police_officer,
        task_id=hukou.id,
        reason="The household register page is unreadable",
        items=["materials.hukou_book", "fields.household.head_name"],
    )
    hukou.refresh_from_db()
    application.refresh_from_db()
    assert hukou.status == S.RETURNED and hukou.paused_at is not None
    assert application.status == Application.Status.CORRECTION_NEEDED
    vaccination = task_of(application, "vaccination_certificate")
    assert vaccination.status == S.READY  # other services carry on

    from django.core.files.uploadedfile import SimpleUploadedFile

    from banshi.conftest import png_bytes

    new_page = services.upload_create(
        owner=application.applicant, file=SimpleUploadedFile("page.png", png_bytes("white"))
    )
    with pytest.raises(FieldErrors) as caught:
        services.application_correct(
            actor=application.applicant,
            application_id=application.id,
            task_id=hukou.id,
            values={"household.head_name": "王强", "mother.name": "someone else"},
            materials={"hukou_book": new_page.id},
        )
    assert "fields.mother.name" in caught.value.errors
    services.application_correct(
        actor=application.applicant,
        application_id=application.id,
        task_id=hukou.id,
        values={"household.head_name": "王大强"},
        materials={"hukou_book": new_page.id},
    )
    hukou.refresh_from_db()
    application.refresh_from_db()
    # Back with the officer who returned it, not in the agency's queue for anyone.
    assert hukou.status == S.CLAIMED and hukou.claimed_by == police_officer and hukou.paused_at is None
    assert application.status == Application.Status.IN_PROGRESS
    assert application.values["household.head_name"] == "王大强"
    assert application.materials.get(key="hukou_book", replaced=False).upload_id == new_page.id
    assert task_of(application, "birth_medical_certificate").status == S.APPROVED
    assert events(hukou, "task.corrected").exists()


def test_a_return_must_name_items_the_service_needs(submit, police_officer, health_officer):
    application = submit()
    approve(health_officer, application, "birth_medical_certificate")
    hukou = task_of(application, "hukou_registration")
    services.task_claim(actor=police_officer, task_id=hukou.id)
    with pytest.raises(FieldErrors) as caught:
        services.task_return(
            actor=police_officer, task_id=hukou.id, reason="x", items=["fields.newborn.weight_grams"]
        )
    assert "not needed by this service" in caught.value.errors["items"]
    with pytest.raises(FieldErrors):
        services.task_return(actor=police_officer, task_id=hukou.id, reason="x", items=[])
    hukou.refresh_from_db()
    assert hukou.status == S.CLAIMED


@pytest.mark.parametrize("move", ["approve", "return", "reject", "release"])
def test_nothing_can_be_decided_on_a_task_that_is_not_claimed(submit, health_officer, move):
    task = task_of(submit(), "birth_medical_certificate")
    with pytest.raises(Conflict):
        if move == "approve":
            services.task_approve(actor=health_officer, task_id=task.id)
        elif move == "return":
            services.task_return(
                actor=health_officer, task_id=task.id, reason="x", items=["fields.newborn.name"]
            )
        elif move == "reject":
            services.task_reject(actor=health_officer, task_id=task.id, reason="x")
        else:
            services.task_release(actor=health_officer, task_id=task.id)
    task.refresh_from_db()
    assert task.status == S.READY


def test_a_waiting_task_cannot_be_claimed(submit, police_officer):
    hukou = task_of(submit(), "hukou_registration")
    with pytest.raises(Conflict):
        services.task_claim(actor=police_officer, task_id=hukou.id)


def test_an_approved_task_cannot_be_approved_again_or_rejected(submit, health_officer):
    application = submit()
    task = approve(health_officer, application, "birth_medical_certificate")
    first_outputs = task.outputs
    with pytest.raises(Conflict):
        services.task_approve(actor=health_officer, task_id=task.id)
    with pytest.raises(Conflict):
        services.task_reject(actor=health_officer, task_id=task.id, reason="x")
    task.refresh_from_db()
    assert task.outputs == first_outputs and task.status == S.APPROVED


def test_an_officer_of_another_agency_cannot_touch_the_task(submit, police_officer, outsider):
    task = task_of(submit(), "birth_medical_certificate")
    for actor in (police_officer, outsider):
        with pytest.raises(NotFound):
            services.task_claim(actor=actor, task_id=task.id)
        with pytest.raises(NotFound):
            services.task_approve(actor=actor, task_id=task.id)
    task.refresh_from_db()
    assert task.status == S.READY
    assert not Event.objects.filter(event_type="task.claimed").exists()


def test_only_the_applicant_can_correct(submit, health_officer, other_resident):
    application = submit()
    task = task_of(application, "birth_medical_certificate")
    services.task_claim(actor=health_officer, task_id=task.id)
    services.task_return(actor=health_officer, task_id=task.id, reason="typo", items=["fields.newborn.name"])
    with pytest.raises(NotFound):
        services.application_correct(
            actor=other_resident,
            application_id=application.id,
            task_id=task.id,
            values={"newborn.name": "x"},
            materials={},
        )
    task.refresh_from_db()
    assert task.status == S.RETURNED


def test_a_correction_of_a_task_that_was_not_returned_is_a_conflict(submit):
    application = submit()
    task = task_of(application, "birth_medical_certificate")
    with pytest.raises(Conflict):
        services.application_correct(
            actor=application.applicant,
            application_id=application.id,
            task_id=task.id,
            values={},
            materials={},
        )


def test_document_numbers_do_not_repeat(submit, health_officer):
    numbers = set()
    for i in range(3):
        application = submit(values=another_baby(i + 1))
        numbers.add(
            approve(health_officer, application, "birth_medical_certificate").outputs[
                "birth_certificate_number"
            ]
        )
    assert len(numbers) == 3


def test_every_transition_table_entry_is_a_known_state():
    for model in (Task, Application):
        for old, targets in model.TRANSITIONS.items():
            assert old in model.Status.values
            assert targets <= set(model.Status.values)
