"""Need to know, and a record of every look: an officer sees a case's personal data in full, and opens its
documents, only for a task they hold or decided themselves, in the pages and the API alike; every such
look is recorded, and the applicant sees who looked."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from banshi.audit.models import Access
from banshi.cases import services
from banshi.cases.tests.helpers import approve, task_of
from banshi.certificates.models import Certificate
from banshi.conftest import (
    ANSWERS,
    FATHER_ID,
    MOTHER_ID,
    NEWBORN_MATERIALS,
    _officer,
    _user,
    another_baby,
    newborn_values,
    png_bytes,
)
from banshi.directory.models import Membership
from banshi.lib.personal import mask_id_number

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def upload_of(application, key: str) -> int:
    return application.materials.get(key=key).upload_id


# --- before claiming: masked, and no document ---------------------------------------------------------------


def test_before_claiming_the_task_page_is_masked_and_its_documents_do_not_open(submit, health_officer):
    application = submit()
    task = task_of(application, "birth_medical_certificate")
    client = logged_in(health_officer)
    page = text(client.get(f"/work/tasks/{task.pk}/"))
    assert MOTHER_ID not in page and mask_id_number(MOTHER_ID) in page
    assert FATHER_ID not in page
    card = upload_of(application, "mother_id_card")
    assert f"/materials/{card}/" not in page
    assert "provided; opens only to the officer handling the task" in page
    assert client.get(f"/materials/{card}/").status_code == 404
    assert not Access.objects.exists()


def test_before_claiming_the_api_masks_the_values_and_names_no_document(submit, health_officer, api_as):
    application = submit()
    task = task_of(application, "birth_medical_certificate")
    detail = api_as(health_officer).get(f"/api/v1/tasks/{task.pk}")
    assert detail.status_code == 200
    body = detail.json()
    assert body["full"] is False
    values = {item["key"]: item["value"] for item in body["fields"]}
    assert values["mother.id_number"] == mask_id_number(MOTHER_ID)
    assert values["newborn.weight_grams"] == 3300  # not personal: shown as it is
    assert MOTHER_ID not in detail.content.decode() and FATHER_ID not in detail.content.decode()
    materials = {item["key"]: item for item in body["materials"]}
    assert materials["mother_id_card"] == {
        "key": "mother_id_card",
        "provided": True,
        "upload": None,
        "kind": None,
    }
    assert body["applicant"] == "1" + "*" * 10  # the resident's name is their number: masked
    assert not Access.objects.exists()


# --- holding the task: in full, and each look recorded ------------------------------------------------------


def test_once_claimed_the_page_shows_everything_and_each_look_is_recorded(submit, resident, health_officer):
    application = submit()
    task = task_of(application, "birth_medical_certificate")
    client = logged_in(health_officer)
    assert client.post(f"/work/tasks/{task.pk}/claim/").status_code == 302
    assert not Access.objects.exists()  # claiming shows nothing yet
    page = text(client.get(f"/work/tasks/{task.pk}/"))
    assert MOTHER_ID in page and FATHER_ID in page
    assert 'id="access-recorded"' in page
    card = upload_of(application, "mother_id_card")
    assert f'href="/materials/{card}/"' in page
    opened = client.get(f"/materials/{card}/")
    assert opened.status_code == 200 and b"".join(opened.streaming_content).startswith(b"\x89PNG")
    client.get(f"/work/tasks/{task.pk}/")

    records = list(Access.objects.order_by("created_at", "id"))
    assert [(r.kind, r.purpose, r.via) for r in records] == [
        (Access.Kind.CASE, Access.Purpose.TASK, Access.Via.PAGE),
        (Access.Kind.DOCUMENT, Access.Purpose.TASK, Access.Via.PAGE),
        (Access.Kind.CASE, Access.Purpose.TASK, Access.Via.PAGE),
    ]
    for record in records:
        assert (record.actor, record.resident, record.application_id, record.task_id, record.agency_id) == (
            health_officer,
            resident,
            application.pk,
            task.pk,
            task.agency_id,
        )
    assert records[1].upload_id == card and records[0].upload_id is None


def test_once_claimed_the_api_shows_everything_and_each_answer_is_recorded(submit, health_officer, api_as):
    application = submit()
    task = task_of(application, "birth_medical_certificate")
    api = api_as(health_officer)
    claimed = api.post(f"/api/v1/tasks/{task.pk}/claim").json()
    detail = api.get(f"/api/v1/tasks/{task.pk}").json()
    for body in (claimed, detail):
        assert body["full"] is True
        values = {item["key"]: item["value"] for item in body["fields"]}
        assert values["mother.id_number"] == MOTHER_ID and values["father.id_number"] == FATHER_ID
        materials = {item["key"]: item for item in body["materials"]}
        assert materials["mother_id_card"]["upload"] == upload_of(application, "mother_id_card")
        assert materials["mother_id_card"]["kind"] == "png"
    records = Access.objects.all()
    assert [(r.kind, r.via, r.task_id) for r in records] == [(Access.Kind.CASE, Access.Via.API, task.pk)] * 2


def test_the_officer_who_decided_a_task_still_sees_it_in_full_and_a_colleague_does_not(
    submit, health_officer
):
    application = submit()
    task = approve(health_officer, application, "birth_medical_certificate")
    assert MOTHER_ID in text(logged_in(health_officer).get(f"/work/tasks/{task.pk}/"))
    assert Access.objects.filter(actor=health_officer, task_id=task.pk).count() == 1

    colleague = _officer("health2", "health_commission")
    client = logged_in(colleague)
    page = text(client.get(f"/work/tasks/{task.pk}/"))
    assert MOTHER_ID not in page and mask_id_number(MOTHER_ID) in page
    assert client.get(f"/materials/{upload_of(application, 'mother_id_card')}/").status_code == 404
    assert not Access.objects.filter(actor=colleague).exists()


def test_a_colleague_holding_the_task_does_not_open_it_for_the_others(submit, health_officer, api_as):
    application = submit()
    task = task_of(application, "birth_medical_certificate")
    services.task_claim(actor=_officer("health2", "health_commission"), task_id=task.pk)
    body = api_as(health_officer).get(f"/api/v1/tasks/{task.pk}").json()
    assert body["full"] is False and MOTHER_ID not in str(body)
    assert not Access.objects.exists()


def test_an_id_number_from_an_earlier_service_is_masked_until_the_task_is_claimed(
    submit, health_officer, police_officer, hrss_officer, api_as
):
    application = submit()
    approve(health_officer, application, "birth_medical_certificate")
    hukou = approve(police_officer, application, "hukou_registration")
    newborn_id = hukou.outputs["newborn.id_number"]
    card = task_of(application, "social_security_card")
    api = api_as(hrss_officer)
    before = {item["key"]: item["value"] for item in api.get(f"/api/v1/tasks/{card.pk}").json()["inputs"]}
    assert before["newborn.id_number"] == mask_id_number(newborn_id)
    assert newborn_id not in text(logged_in(hrss_officer).get(f"/work/tasks/{card.pk}/"))
    after = {
        item["key"]: item["value"] for item in api.post(f"/api/v1/tasks/{card.pk}/claim").json()["inputs"]
    }
    assert after["newborn.id_number"] == newborn_id

    # The hukou task's own output: in full to the officer who issued it, masked to a colleague.
    police = api_as(police_officer).get(f"/api/v1/tasks/{hukou.pk}").json()
    assert police["outputs"]["newborn.id_number"] == newborn_id
    colleague = api_as(_officer("police2", "public_security")).get(f"/api/v1/tasks/{hukou.pk}").json()
    assert colleague["outputs"]["newborn.id_number"] == mask_id_number(newborn_id)


# --- another agency: nothing at all -------------------------------------------------------------------------


def test_an_officer_of_another_agency_sees_nothing_and_no_record_is_written(submit, police_officer, api_as):
    application = submit()
    task = task_of(application, "birth_medical_certificate")
    client = logged_in(police_officer)
    assert client.get(f"/work/tasks/{task.pk}/").status_code == 404
    assert client.get(f"/materials/{upload_of(application, 'mother_id_card')}/").status_code == 404
    api = api_as(police_officer)
    assert api.get(f"/api/v1/tasks/{task.pk}").status_code == 404
    assert api.post(f"/api/v1/tasks/{task.pk}/claim").status_code == 404
    assert not Access.objects.exists()


# --- history: one's own decisions only ----------------------------------------------------------------------


def test_history_lists_only_the_officers_own_decisions_masked(submit, resident, health_officer, api_as):
    resident.display_name = "张丽"
    resident.save(update_fields=["display_name"])
    mine = approve(health_officer, submit(), "birth_medical_certificate")
    colleague = _officer("health2", "health_commission")
    theirs = approve(colleague, submit(), "birth_medical_certificate")
    refused = task_of(submit(), "birth_medical_certificate")
    services.task_claim(actor=colleague, task_id=refused.pk)
    services.task_reject(actor=colleague, task_id=refused.pk, reason="Not born in this city")

    api = api_as(health_officer)
    approved = api.get("/api/v1/tasks", status="approved")
    assert approved.status_code == 200
    assert [row["id"] for row in approved.json()] == [mine.pk]
    assert approved.json()[0]["applicant"] == "张*"
    assert MOTHER_ID not in approved.content.decode()
    assert api.get("/api/v1/tasks", status="rejected").json() == []
    assert [row["id"] for row in api_as(colleague).get("/api/v1/tasks", status="approved").json()] == [
        theirs.pk
    ]
    assert [row["id"] for row in api_as(colleague).get("/api/v1/tasks", status="rejected").json()] == [
        refused.pk
    ]
    assert not Access.objects.exists()  # a list shows nothing in full


# --- certificates -------------------------------------------------------------------------------------------


def test_a_certificate_downloaded_by_staff_is_recorded_and_by_its_applicant_not(
    submit, resident, health_officer, window_clerk
):
    application = submit()
    approve(health_officer, application, "birth_medical_certificate")
    certificate = Certificate.objects.get(application=application, document_type="birth_certificate_number")
    path = f"/certificates/{certificate.number}.pdf"
    assert logged_in(resident).get(path).status_code == 200
    assert not Access.objects.exists()

    colleague = _officer("health2", "health_commission")
    assert logged_in(colleague).get(path).status_code == 200
    record = Access.objects.get()
    assert (record.actor, record.resident, record.kind, record.purpose) == (
        colleague,
        resident,
        Access.Kind.CERTIFICATE,
        Access.Purpose.TASK,
    )
    assert (record.application_id, record.task_id, record.certificate_id, record.agency_id) == (
        application.pk,
        certificate.task_id,
        certificate.pk,
        certificate.agency_id,
    )

    window = Membership.objects.get(user=window_clerk).window
    application.window = window
    application.save(update_fields=["window"])
    assert logged_in(window_clerk).get(path).status_code == 200
    by_clerk = Access.objects.get(actor=window_clerk)
    assert (by_clerk.purpose, by_clerk.window_id, by_clerk.agency_id) == (
        Access.Purpose.WINDOW,
        window.pk,
        None,
    )


# --- a window clerk's scans ---------------------------------------------------------------------------------


def _png(name: str, color: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(color), content_type="image/png")


def test_a_clerk_opening_a_document_they_scanned_for_a_resident_is_recorded(resident, uploads, window_clerk):
    scan = services.upload_create(owner=window_clerk, file=_png("scan.png", "purple"))
    client = logged_in(window_clerk)
    assert client.get(f"/materials/{scan.pk}/").status_code == 200  # their own scan, not sent yet
    assert not Access.objects.exists()
    window = Membership.objects.get(user=window_clerk).window
    application = services.application_submit(
        actor=window_clerk,
        applicant=resident,
        bundle_code="newborn",
        answers=ANSWERS,
        values=newborn_values(),
        materials={**uploads, "mother_id_card": scan.pk},
        channel="window",
        window=window,
    )
    assert client.get(f"/materials/{scan.pk}/").status_code == 200
    record = Access.objects.get()
    assert (record.actor, record.resident, record.kind, record.purpose) == (
        window_clerk,
        resident,
        Access.Kind.DOCUMENT,
        Access.Purpose.WINDOW,
    )
    assert (record.application_id, record.upload_id, record.window_id) == (application.pk, scan.pk, window.pk)
    assert logged_in(resident).get(f"/materials/{scan.pk}/").status_code == 200  # the applicant: no record
    assert Access.objects.count() == 1


# --- the record holds no personal data ----------------------------------------------------------------------


def test_an_access_record_holds_ids_and_kinds_never_the_data(submit, health_officer):
    application = submit()
    task = task_of(application, "birth_medical_certificate")
    client = logged_in(health_officer)
    client.post(f"/work/tasks/{task.pk}/claim/")
    client.get(f"/work/tasks/{task.pk}/")
    client.get(f"/materials/{upload_of(application, 'mother_id_card')}/")
    stored = " ".join(str(row) for row in Access.objects.values_list())
    for personal in (MOTHER_ID, FATHER_ID, "张丽", "王强", "13800000001", "民族路"):
        assert personal not in stored


# --- what the resident sees ---------------------------------------------------------------------------------


def test_the_resident_sees_who_in_which_agency_looked_at_their_application(submit, resident, health_officer):
    health_officer.display_name = "李医生"
    health_officer.save(update_fields=["display_name"])
    application = submit()
    client = logged_in(resident)
    page = text(client.get(f"/applications/{application.number}/"))
    assert "No member of staff has opened your personal details or documents yet." in page

    task = task_of(application, "birth_medical_certificate")
    officer = logged_in(health_officer)
    with time_machine.travel(datetime(2026, 11, 27, 2, 0, tzinfo=UTC), tick=False):
        officer.post(f"/work/tasks/{task.pk}/claim/")
        officer.get(f"/work/tasks/{task.pk}/")
        officer.get(f"/materials/{upload_of(application, 'mother_id_card')}/")
    page = text(client.get(f"/applications/{application.number}/"))
    viewers = re.search(r'<ul class="bullets" id="viewers">(.*?)</ul>', page, re.S).group(1)
    assert "李*" in viewers and "李医生" not in page
    assert task.agency.name in viewers
    assert "2 times" in viewers and "Nov. 27, 2026" in viewers
    assert not Access.objects.filter(actor=resident).exists()  # their own look is not recorded


# --- the supervisors' page ----------------------------------------------------------------------------------


@pytest.fixture
def supervisor(catalog):
    user = _user("supervisor")
    Membership.objects.create(user=user, role=Membership.Role.SUPERVISOR)
    return user


def _looks(submit, officer, count: int, when: datetime) -> None:
    """The officer opens a case they hold, then looks at it `count - 1` times more."""
    with time_machine.travel(when, tick=False):
        application = submit()
        task = task_of(application, "birth_medical_certificate")
        services.task_claim(actor=officer, task_id=task.pk)
        client = logged_in(officer)
        for _ in range(count):
            assert client.get(f"/work/tasks/{task.pk}/").status_code == 200


def test_the_supervisor_lists_the_records_filtered_and_paginated_and_nobody_else_may(
    submit, resident, other_resident, health_officer, supervisor
):
    _looks(submit, health_officer, 51, datetime(2026, 11, 26, 2, 0, tzinfo=UTC))
    colleague = _officer("health2", "health_commission")
    with time_machine.travel(datetime(2026, 11, 27, 2, 0, tzinfo=UTC), tick=False):
        materials = {
            key: services.upload_create(owner=other_resident, file=_png(f"{key}.png", color)).pk
            for key, color in zip(NEWBORN_MATERIALS, ["black", "white", "gray", "orange"], strict=True)
        }
        other = services.application_submit(
            actor=other_resident,
            applicant=other_resident,
            bundle_code="newborn",
            answers=ANSWERS,
            values=another_baby(99, **{"mother.phone": other_resident.phone}),
            materials=materials,
        )
        task = task_of(other, "birth_medical_certificate")
        services.task_claim(actor=colleague, task_id=task.pk)
        logged_in(colleague).get(f"/work/tasks/{task.pk}/")
    assert Access.objects.count() == 52

    client = logged_in(supervisor)
    first = client.get("/supervise/access/")
    assert first.status_code == 200
    page = text(first)
    assert page.count('class="card access-record"') == 50
    assert "Page 1 of 2" in page and "page=2" in page
    assert "13800000001" not in page and "13900000002" not in page  # residents masked
    assert text(client.get("/supervise/access/?page=2")).count('class="card access-record"') == 2

    by_resident = text(client.get("/supervise/access/", {"resident": "13900000002"}))
    assert by_resident.count('class="card access-record"') == 1 and other.number in by_resident
    by_viewer = client.get("/supervise/access/", {"viewer": "health", "page": "2"})
    assert text(by_viewer).count('class="card access-record"') == 1
    assert "viewer=health&amp;page=1" in text(by_viewer)  # the filter is kept across pages
    on_the_day = text(client.get("/supervise/access/", {"since": "2026-11-27", "until": "2026-11-27"}))
    assert on_the_day.count('class="card access-record"') == 1 and other.number in on_the_day

    unknown = client.get(
        "/supervise/access/", {"resident": "13700000000", "until": "2026-11-01", "since": "2026-11-02"}
    )
    assert unknown.status_code == 400
    assert "Resident matches no account" in text(unknown)
    assert "Last day must not be before the first day" in text(unknown)

    for user in (health_officer, resident):
        assert logged_in(user).get("/supervise/access/").status_code == 403
    anonymous = Client().get("/supervise/access/")
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
