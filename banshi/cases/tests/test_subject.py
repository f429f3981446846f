"""One baby, one application: a second open or complete application for the same subject (the mother
and the moment of the birth) is refused with a link to the first, in the database even when two
arrive at once; a near one warns the officer; an application refused as a whole revokes its
documents and frees its subject."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from banshi.audit.models import Event
from banshi.cases import services
from banshi.cases.models import Application, SubjectClaim, Task
from banshi.cases.selectors import possible_duplicates
from banshi.cases.tests.helpers import approve, task_of
from banshi.certificates.models import Certificate
from banshi.conftest import ANSWERS, NEWBORN_MATERIALS, another_baby, newborn_values, png_bytes
from banshi.lib.errors import Conflict

S = Task.Status
A = Application.Status


def test_a_second_application_for_the_same_baby_is_refused_with_a_link_to_the_first(submit):
    first = submit()
    before = (Application.objects.count(), Task.objects.count(), Event.objects.count())
    with pytest.raises(Conflict) as caught:
        submit(values=newborn_values(**{"newborn.name": "王小刚"}))  # another name, the same birth
    assert first.number in str(caught.value)
    assert caught.value.link == (first.get_absolute_url(), f"See application {first.number}")
    assert (Application.objects.count(), Task.objects.count(), Event.objects.count()) == before


def test_someone_else_applying_for_the_same_baby_learns_only_that_an_application_exists(
    submit, other_resident
):
    submit()
    uploads = {
        key: services.upload_create(
            owner=other_resident, file=SimpleUploadedFile(f"{key}.png", png_bytes(color))
        ).id
        for key, color in zip(NEWBORN_MATERIALS, ["red", "green", "blue", "yellow"], strict=True)
    }
    with pytest.raises(Conflict) as caught:
        services.application_submit(
            actor=other_resident,
            applicant=other_resident,
            bundle_code="newborn",
            answers=ANSWERS,
            values=newborn_values(**{"mother.phone": other_resident.phone}),
            materials=uploads,
        )
    assert "by someone else" in str(caught.value)
    assert "BS" not in str(caught.value) and caught.value.link is None
    assert Application.objects.count() == 1


def test_a_repeated_idempotency_key_still_returns_the_first_application(submit):
    first = submit(idempotency_key="k-1")
    assert submit(values=newborn_values(), idempotency_key="k-1").pk == first.pk
    assert Application.objects.count() == 1


def test_another_baby_of_the_same_mother_is_accepted_and_the_officer_is_warned_of_a_near_one(
    submit, health_officer, client
):
    first = submit()
    twin = submit(values=another_baby(3))  # the same day, three minutes earlier
    assert possible_duplicates(application=twin) == [first]
    assert possible_duplicates(application=first) == [twin]
    next_year = submit(values=another_baby(60 * 24 * 3))  # another day: not near
    assert possible_duplicates(application=next_year) == []
    client.force_login(health_officer)
    task = task_of(twin, "birth_medical_certificate")
    page = client.get(f"/work/tasks/{task.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="possible-duplicate"' in page and first.number in page
    other = task_of(next_year, "birth_medical_certificate")
    assert 'id="possible-duplicate"' not in client.get(f"/work/tasks/{other.pk}/").content.decode()


def test_refusing_the_whole_application_revokes_its_documents_and_frees_the_baby(
    submit, health_officer, police_officer
):
    first = submit()
    certificate = approve(health_officer, first, "birth_medical_certificate").outputs[
        "birth_certificate_number"
    ]
    vaccination = task_of(first, "vaccination_certificate")
    services.task_claim(actor=health_officer, task_id=vaccination.id)
    hukou = task_of(first, "hukou_registration")
    services.task_claim(actor=police_officer, task_id=hukou.id)
    services.application_reject(actor=police_officer, task_id=hukou.id, reason="重复申请")
    first.refresh_from_db()
    assert first.status == A.CLOSED
    statuses = dict(Task.objects.filter(application=first).values_list("service", "status"))
    assert statuses["hukou_registration"] == S.REJECTED
    assert statuses["birth_medical_certificate"] == S.APPROVED
    assert statuses["vaccination_certificate"] == S.CANCELLED  # claimed by another officer, cancelled
    assert statuses["social_security_card"] == S.CANCELLED
    revoked = Certificate.objects.get(number=certificate)
    assert revoked.status == Certificate.Status.REVOKED and revoked.revoke_reason == "重复申请"
    assert Event.objects.filter(event_type="certificate.revoked", subject_id=str(revoked.pk)).exists()
    assert not SubjectClaim.objects.filter(application=first).exists()
    assert submit(values=newborn_values()).status == A.IN_PROGRESS  # the baby may be applied for again


def test_refusing_one_service_keeps_the_other_documents_and_closing_frees_the_subject(submit, health_officer):
    first = submit()
    approve(health_officer, first, "vaccination_certificate")
    task = task_of(first, "birth_medical_certificate")
    services.task_claim(actor=health_officer, task_id=task.id)
    services.task_reject(actor=health_officer, task_id=task.id, reason="材料不清")
    assert Certificate.objects.get(application=first).status == Certificate.Status.VALID
    first.refresh_from_db()
    assert first.status == A.CLOSED  # the services after the birth certificate were cancelled
    assert not SubjectClaim.objects.filter(application=first).exists()  # it may be applied for again


def test_only_the_officer_holding_the_task_refuses_the_whole_application(
    submit, health_officer, police_officer
):
    first = submit()
    task = task_of(first, "birth_medical_certificate")
    with pytest.raises(Conflict):
        services.application_reject(actor=health_officer, task_id=task.id, reason="重复")
    services.task_claim(actor=health_officer, task_id=task.id)
    from banshi.lib.errors import NotFound

    with pytest.raises(NotFound):
        services.application_reject(actor=police_officer, task_id=task.id, reason="重复")
    assert Application.objects.get(pk=first.pk).status == A.IN_PROGRESS


@pytest.mark.django_db(transaction=True)
def test_two_submissions_of_the_same_baby_at_once_make_one_application(submit):
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def work():
        try:
            start.wait()
            submit(values=newborn_values())
            outcomes.append("made")
        except Conflict:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["made", "refused"]
    assert Application.objects.count() == 1 and SubjectClaim.objects.count() == 1


def test_the_page_refusing_a_second_application_links_to_the_first(resident):
    from banshi.cases.tests.test_pages import apply, fill_in, logged_in

    client = logged_in(resident)
    first = apply(client)
    fill_in(client)
    response = client.post("/bundles/newborn/check/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert f'<a href="{first.get_absolute_url()}">See application {first.number}</a>' in page
    assert Application.objects.count() == 1


def test_the_officer_refuses_the_whole_application_from_the_task_page(submit, health_officer, client):
    first = submit()
    task = task_of(first, "birth_medical_certificate")
    services.task_claim(actor=health_officer, task_id=task.id)
    client.force_login(health_officer)
    page = client.get(f"/work/tasks/{task.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="reject-whole"' in page
    asked = client.post(
        f"/work/tasks/{task.pk}/reject/",
        {"reject-reason": "重复申请", "reject-whole": "application"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert asked.status_code == 200 and "Refuse the whole application?" in asked.content.decode()
    first.refresh_from_db()
    assert first.status == A.IN_PROGRESS  # nothing refused before it is confirmed
    response = client.post(
        f"/work/tasks/{task.pk}/reject/",
        {"reject-reason": "重复申请", "reject-whole": "application", "confirmed": "yes"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == A.CLOSED
    assert not Task.objects.filter(application=first, status__in=Task.OPEN).exists()
    assert Event.objects.filter(event_type="task.rejected", extra__whole_application=True).count() == 1


def test_applications_kept_before_subjects_are_claimed_and_their_duplicates_listed(submit):
    import io

    from django.core.management import call_command

    first, second, other = submit(), submit(), submit()
    second.values = first.values  # as two were accepted for one baby before subjects were held
    second.save(update_fields=["values"])
    SubjectClaim.objects.all().delete()
    out = io.StringIO()
    call_command("claim_subjects", stdout=out)
    assert f"{second.number}: the same subject as {first.number}" in out.getvalue()
    assert set(SubjectClaim.objects.values_list("application__number", flat=True)) == {
        first.number,
        other.number,
    }
    call_command("claim_subjects", stdout=io.StringIO())  # safe to run again
    assert SubjectClaim.objects.count() == 2
