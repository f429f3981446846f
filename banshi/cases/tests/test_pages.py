"""The server-rendered pages, driven with Django's test client: the resident's flow, the status page and
its corrections, the officers' queue and decisions, and who may see what."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from banshi.audit.models import Event
from banshi.cases import services
from banshi.cases.draft import DraftKey, draft_get
from banshi.cases.models import Application, ApplicationMaterial, Task, Upload
from banshi.conftest import (
    ANSWERS,
    NEWBORN_MATERIALS,
    PASSWORD,
    _officer,
    make_id,
    newborn_values,
    png_bytes,
    run_queued_texts,
)
from banshi.lib.errors import Conflict, FieldErrors

pytestmark = pytest.mark.django_db

COLORS = ["red", "green", "blue", "yellow"]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def answers_post(answers=None) -> dict:
    return {f"answers.{key}": value for key, value in (answers or ANSWERS).items()}


def fields_post(**overrides) -> dict:
    return {f"fields.{key}": value for key, value in newborn_values(**overrides).items()}


def files_post(keys=NEWBORN_MATERIALS) -> dict:
    return {
        f"materials.{key}": SimpleUploadedFile(f"{key}.png", png_bytes(color), content_type="image/png")
        for key, color in zip(keys, COLORS, strict=False)
    }


def fill_in(client: Client) -> None:
    """Answer the questions and fill in the one form with every document."""
    response = client.post("/bundles/newborn/questions/", answers_post())
    assert response.status_code == 302 and response.url == "/bundles/newborn/details/"
    response = client.post("/bundles/newborn/details/", {**fields_post(), **files_post()})
    assert response.status_code == 302, response.content.decode()
    assert response.url == "/bundles/newborn/check/"


def apply(client: Client) -> Application:
    fill_in(client)
    response = client.post("/bundles/newborn/check/")
    assert response.status_code == 302
    return Application.objects.get(number=response.url.split("/")[2])


def text(response) -> str:
    return response.content.decode()


# --- resident ---------------------------------------------------------------------------------------


def test_the_home_page_lists_the_open_bundles_with_their_promise(client, catalog):
    response = client.get("/", headers={"accept-language": "en"})
    assert response.status_code == 200
    assert "Newborn birth" in text(response)
    assert 'href="/bundles/newborn/"' in text(response)
    assert "Done within 1 working day" in text(response)
    assert '<html lang="en"' in text(response)


def test_the_start_page_says_what_you_need_and_asks_to_log_in_to_continue(client, catalog):
    page = client.get("/bundles/newborn/", headers={"accept-language": "en"})
    assert page.status_code == 200
    assert "Before you start" in text(page)
    assert "Father&#x27;s ID card (both sides)" in text(page)
    assert "Mother&#x27;s bank card" in text(page) and "Maternity reimbursement" in text(page)
    assert "Hukou birth registration" in text(page)
    response = client.get("/bundles/newborn/questions/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=")


def test_an_unknown_bundle_is_not_found(client, catalog):
    assert client.get("/bundles/nothing/").status_code == 404


def test_a_resident_applies_through_the_pages_from_questions_to_the_status_page(resident):
    client = logged_in(resident)
    client.get("/bundles/newborn/questions/")
    fill_in(client)
    check = client.get("/bundles/newborn/check/", headers={"accept-language": "en"})
    assert check.status_code == 200
    page = text(check)
    assert "王小明" in page
    assert "渝中区" in page  # the area's name, not its code
    assert "mother_id_card.png" in page
    optional_left_empty = 1  # the father's mobile number
    assert page.count(">Change<") == (
        len(ANSWERS) + len(newborn_values()) + optional_left_empty + len(NEWBORN_MATERIALS)
    )
    assert 'href="/bundles/newborn/details/#fields-mother-id-number"' in page

    response = client.post("/bundles/newborn/check/")
    application = Application.objects.get(applicant=resident)
    assert response.url == f"/applications/{application.number}/submitted/"
    assert sorted(
        ApplicationMaterial.objects.filter(application=application).values_list("key", flat=True)
    ) == sorted(NEWBORN_MATERIALS)
    assert application.values["mother.id_number"] == newborn_values()["mother.id_number"]
    assert draft_get(resident, DraftKey("newborn")) is None

    confirmation = client.get(response.url, headers={"accept-language": "en"})
    assert application.number in text(confirmation)
    assert "What happens next" in text(confirmation)

    status = client.get(f"/applications/{application.number}/", headers={"accept-language": "en"})
    assert status.status_code == 200
    page = text(status)
    assert "Birth medical certificate" in page and "Health Commission" in page
    assert 'data-status="ready"' in page and 'data-status="waiting"' in page
    assert "Application submitted" in page
    timeline = page[page.index('<ol class="timeline">') :]
    assert newborn_values()["mother.id_number"] not in timeline  # the timeline holds no personal data
    sent = page[page.index('id="what-you-sent"') :]
    assert newborn_values()["mother.id_number"] in sent  # what the applicant sent, theirs in full

    listing = client.get("/applications/")
    assert application.number in text(listing)


def test_the_form_asks_each_applicable_field_once_with_its_input_type(resident):
    client = logged_in(resident)
    client.post("/bundles/newborn/questions/", answers_post({**ANSWERS, "collector": "other"}))
    page = text(client.get("/bundles/newborn/details/"))
    for key in newborn_values():
        assert page.count(f'name="fields.{key}"') >= 1
    assert page.count('name="fields.mother.id_number"') == 1
    assert 'name="fields.collector.name"' in page  # asked because someone else collects
    assert 'name="materials.authorisation_letter"' in page
    assert 'name="fields.mother.bank_account"' not in page  # no maternity reimbursement asked for
    assert re.search(r'type="datetime-local" id="fields-newborn-birth-datetime"', page)
    assert re.search(r'type="tel" id="fields-mother-phone"', page)
    assert re.search(r'type="number" id="fields-newborn-weight-grams"', page)
    assert '<select id="fields-household-area"' in page
    assert 'type="radio" id="fields-newborn-sex-male"' in page
    assert 'accept=".pdf,application/pdf,.jpg,.jpeg,image/jpeg,.png,image/png"' in page
    assert page.count('enctype="multipart/form-data"') == 1


def test_a_form_error_keeps_the_uploaded_documents_and_shows_the_message_next_to_the_field(resident):
    client = logged_in(resident)
    client.post("/bundles/newborn/questions/", answers_post())
    data = {**fields_post(**{"mother.id_number": "500103199205140420"}), **files_post()}
    response = client.post("/bundles/newborn/details/", data, headers={"accept-language": "en"})
    assert response.status_code == 400
    page = text(response)
    assert 'href="#fields-mother-id-number"' in page  # the error summary links to the field
    assert re.search(
        r'id="fields-mother-id-number-error">.*Mother&#x27;s ID number has a wrong check digit', page
    )
    assert page.count("Uploaded:") == len(NEWBORN_MATERIALS)
    assert Upload.objects.filter(owner=resident).count() == len(NEWBORN_MATERIALS)
    assert 'value="王小明"' in page  # what was typed stays

    # Fixing the one field, without uploading anything again, is enough.
    response = client.post("/bundles/newborn/details/", fields_post())
    assert response.status_code == 302 and response.url == "/bundles/newborn/check/"
    client.post("/bundles/newborn/check/")
    application = Application.objects.get(applicant=resident)
    assert application.materials.count() == len(NEWBORN_MATERIALS)


def test_a_missing_document_and_an_unreadable_file_are_named(resident):
    client = logged_in(resident)
    client.post("/bundles/newborn/questions/", answers_post())
    files = files_post(NEWBORN_MATERIALS[:2])
    files["materials.hukou_book"] = SimpleUploadedFile(
        "hukou.png", b"not a png at all", content_type="image/png"
    )
    response = client.post(
        "/bundles/newborn/details/", {**fields_post(), **files}, headers={"accept-language": "en"}
    )
    assert response.status_code == 400
    page = text(response)
    assert 'href="#materials-marriage-certificate"' in page
    assert "Marriage certificate is required" in page
    assert (
        "Household register (cover and the registering parent&#x27;s page) is not a PDF, JPEG or PNG file"
        in page
    )
    assert page.count("Uploaded:") == 2


def test_the_questions_page_shows_an_error_for_each_unanswered_question(resident):
    client = logged_in(resident)
    response = client.post(
        "/bundles/newborn/questions/", {"answers.register_with": "father"}, headers={"accept-language": "en"}
    )
    assert response.status_code == 400
    page = text(response)
    assert 'href="#answers-collector-mother"' in page
    assert "Who applies and collects the results? is required" in page
    assert 'value="father" checked' in page


def test_the_details_and_check_pages_need_the_questions_answered_first(resident):
    client = logged_in(resident)
    assert client.get("/bundles/newborn/details/").url == "/bundles/newborn/questions/"
    assert client.get("/bundles/newborn/check/").url == "/bundles/newborn/questions/"
    client.post("/bundles/newborn/questions/", answers_post())
    assert client.get("/bundles/newborn/check/").url == "/bundles/newborn/details/?validate=1"
    response = client.get("/bundles/newborn/details/?validate=1")
    assert response.status_code == 400 and "error-summary" in text(response)


def test_sending_the_application_twice_makes_one_application(resident):
    client = logged_in(resident)
    fill_in(client)
    stale_session = client.cookies["sessionid"].value
    first = client.post("/bundles/newborn/check/")
    # A second click after the draft was cleared, and a resent POST carrying the old session cookie.
    again = client.post("/bundles/newborn/check/")
    client.cookies["sessionid"] = stale_session
    resent = client.post("/bundles/newborn/check/")
    assert Application.objects.filter(applicant=resident).count() == 1
    assert first.url == again.url == resent.url


def test_another_resident_gets_404_on_the_status_page_and_on_a_material(resident, other_resident):
    application = apply(logged_in(resident))
    upload_id = application.materials.first().upload_id
    other = logged_in(other_resident)
    assert other.get(f"/applications/{application.number}/").status_code == 404
    assert other.get(f"/applications/{application.number}/submitted/").status_code == 404
    assert other.get(f"/materials/{upload_id}/").status_code == 404
    assert Client().get(f"/materials/{upload_id}/").status_code == 302  # to the login page

    own = logged_in(resident).get(f"/materials/{upload_id}/")
    assert own.status_code == 200
    assert own["Content-Type"] == "image/png"
    assert own["X-Content-Type-Options"] == "nosniff"
    assert own["Content-Disposition"].startswith("inline")
    assert b"".join(own.streaming_content).startswith(b"\x89PNG")


# --- officers ---------------------------------------------------------------------------------------


def task_of(application, service) -> Task:
    return Task.objects.get(application=application, service=service)


def test_an_outsider_cannot_reach_the_work_area(outsider, resident, health_officer):
    application = apply(logged_in(resident))
    task = task_of(application, "birth_medical_certificate")
    client = logged_in(outsider)
    assert client.get("/work/").status_code == 403
    assert client.get(f"/work/tasks/{task.pk}/").status_code == 403
    assert client.post(f"/work/tasks/{task.pk}/claim/").status_code == 403
    assert logged_in(resident).get("/work/").status_code == 403
    assert Client().get("/work/").status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.READY


def test_an_officer_of_another_agency_gets_404_on_a_task_and_its_documents(resident, police_officer):
    application = apply(logged_in(resident))
    task = task_of(application, "birth_medical_certificate")
    client = logged_in(police_officer)
    assert client.get(f"/work/tasks/{task.pk}/").status_code == 404
    assert client.post(f"/work/tasks/{task.pk}/claim/").status_code == 404
    mother_card = application.materials.get(key="mother_id_card").upload_id
    assert client.get(f"/materials/{mother_card}/").status_code == 404
    task.refresh_from_db()
    assert task.status == Task.Status.READY


def test_the_queue_lists_ready_tasks_with_the_applicants_name_masked(resident, health_officer):
    resident.display_name = "张丽"
    resident.save()
    application = apply(logged_in(resident))
    page = text(logged_in(health_officer).get("/work/", headers={"accept-language": "en"}))
    assert application.number in page
    assert "张*" in page and "张丽" not in page
    assert page.count('class="card queue-item') == 2  # birth certificate and vaccination
    assert "Birth medical certificate" in page


def test_an_officer_sees_personal_details_in_full_only_once_handling_the_task(resident, health_officer):
    application = apply(logged_in(resident))
    task = task_of(application, "birth_medical_certificate")
    client = logged_in(health_officer)
    mother_id = newborn_values()["mother.id_number"]
    before = text(client.get(f"/work/tasks/{task.pk}/"))
    assert mother_id not in before and mother_id[:3] + "*" in before
    client.post(f"/work/tasks/{task.pk}/claim/")
    after = text(client.get(f"/work/tasks/{task.pk}/"))
    assert mother_id in after
    upload_id = application.materials.get(key="mother_id_card").upload_id
    assert f'href="/materials/{upload_id}/"' in after
    assert client.get(f"/materials/{upload_id}/").status_code == 200
    hukou = application.materials.get(key="hukou_book").upload_id
    assert f'href="/materials/{hukou}/"' not in after  # not a document this service needs


def test_officers_claim_and_approve_every_service_through_the_pages(resident, officers):
    application = apply(logged_in(resident))
    clients = {code: logged_in(user) for code, user in officers.items()}
    for _round in range(5):
        ready = list(
            Task.objects.filter(application=application, status=Task.Status.READY).select_related("agency")
        )
        if not ready:
            break
        for task in ready:
            client = clients[task.agency.code]
            assert f'href="/work/tasks/{task.pk}/"' in text(client.get("/work/"))
            assert client.post(f"/work/tasks/{task.pk}/claim/").url == f"/work/tasks/{task.pk}/"
            response = client.post(f"/work/tasks/{task.pk}/approve/", {})
            assert response.status_code == 302 and response.url == "/work/"
    application.refresh_from_db()
    assert application.status == Application.Status.COMPLETE
    hukou = task_of(application, "hukou_registration")
    page = text(logged_in(resident).get(f"/applications/{application.number}/"))
    assert hukou.outputs["newborn.id_number"] in page
    assert task_of(application, "social_security_card").outputs["social_security_card_number"] in page
    assert 'id="application-status" data-status="complete"' in page


def test_an_officer_may_type_an_output_instead_of_having_it_generated(resident, health_officer):
    application = apply(logged_in(resident))
    task = task_of(application, "birth_medical_certificate")
    client = logged_in(health_officer)
    client.post(f"/work/tasks/{task.pk}/claim/")
    page = text(client.get(f"/work/tasks/{task.pk}/", headers={"accept-language": "en"}))
    assert 'name="approve-outputs.birth_certificate_number"' in page
    assert "Leave blank and the system generates it." in page
    client.post(f"/work/tasks/{task.pk}/approve/", {"approve-outputs.birth_certificate_number": "CSTYPED1"})
    task.refresh_from_db()
    assert task.outputs == {"birth_certificate_number": "CSTYPED1"}


def test_a_claim_taken_by_a_colleague_shows_a_message_not_an_error(resident, health_officer):
    colleague = _officer("health2", "health_commission")
    application = apply(logged_in(resident))
    task = task_of(application, "birth_medical_certificate")
    logged_in(colleague).post(f"/work/tasks/{task.pk}/claim/")
    client = logged_in(health_officer)
    response = client.post(f"/work/tasks/{task.pk}/claim/", follow=True, headers={"accept-language": "en"})
    assert response.status_code == 200
    assert 'class="message message-error"' in text(response)
    approve = client.post(
        f"/work/tasks/{task.pk}/approve/", {}, follow=True, headers={"accept-language": "en"}
    )
    assert "being handled by another officer" in text(approve)
    task.refresh_from_db()
    assert task.status == Task.Status.CLAIMED and task.claimed_by == colleague
    with pytest.raises(Conflict):  # the service agrees with the page
        services.task_approve(actor=health_officer, task_id=task.pk)


def test_an_officer_releases_and_rejects_through_the_pages(resident, health_officer):
    application = apply(logged_in(resident))
    task = task_of(application, "vaccination_certificate")
    client = logged_in(health_officer)
    client.post(f"/work/tasks/{task.pk}/claim/")
    client.post(f"/work/tasks/{task.pk}/release/")
    task.refresh_from_db()
    assert task.status == Task.Status.READY and task.claimed_by is None
    client.post(f"/work/tasks/{task.pk}/claim/")
    empty = client.post(
        f"/work/tasks/{task.pk}/reject/", {"reject-reason": ""}, headers={"accept-language": "en"}
    )
    assert empty.status_code == 400 and "Reason for refusing is required" in text(empty)
    # Refusing asks first, on a page of its own: nothing is refused until it is confirmed.
    asked = client.post(
        f"/work/tasks/{task.pk}/reject/",
        {"reject-reason": "The birth was not in this city."},
        headers={"accept-language": "en"},
    )
    assert asked.status_code == 200 and 'id="confirm-reject"' in text(asked)
    assert "Refusing cannot be undone." in text(asked) and "The birth was not in this city." in text(asked)
    task.refresh_from_db()
    assert task.status == Task.Status.CLAIMED
    assert not Event.objects.filter(event_type="task.rejected").exists()
    client.post(
        f"/work/tasks/{task.pk}/reject/",
        {"reject-reason": "The birth was not in this city.", "confirmed": "yes"},
    )
    task.refresh_from_db()
    assert task.status == Task.Status.REJECTED
    page = text(logged_in(resident).get(f"/applications/{application.number}/"))
    assert "The birth was not in this city." in page


def return_task(application, officer, items, reason="The ID number does not match the card."):
    task = task_of(application, "birth_medical_certificate")
    client = logged_in(officer)
    client.post(f"/work/tasks/{task.pk}/claim/")
    response = client.post(f"/work/tasks/{task.pk}/return/", {"return-items": items, "return-reason": reason})
    assert response.status_code == 302, text(response)
    task.refresh_from_db()
    assert task.status == Task.Status.RETURNED
    return task


def test_a_return_needs_a_reason_and_items_this_service_uses(resident, health_officer):
    application = apply(logged_in(resident))
    task = task_of(application, "birth_medical_certificate")
    client = logged_in(health_officer)
    client.post(f"/work/tasks/{task.pk}/claim/")
    page = text(client.get(f"/work/tasks/{task.pk}/"))
    assert 'value="fields.mother.id_number"' in page
    assert 'value="materials.hukou_book"' not in page  # the hukou book is the police's
    response = client.post(
        f"/work/tasks/{task.pk}/return/", {"return-items": ["materials.hukou_book"], "return-reason": ""}
    )
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.status == Task.Status.CLAIMED


def test_a_returned_task_asks_only_the_named_items_and_the_correction_sends_back_only_that_task(
    resident, health_officer
):
    client = logged_in(resident)
    application = apply(client)
    vaccination = task_of(application, "vaccination_certificate")
    task = return_task(application, health_officer, ["fields.mother.id_number", "materials.mother_id_card"])

    page = text(client.get(f"/applications/{application.number}/", headers={"accept-language": "en"}))
    assert "The ID number does not match the card." in page
    form = re.search(r'<form method="post" action="[^"]*/correct/".*?</form>', page, re.S).group(0)
    assert set(re.findall(r'name="((?:fields|materials)\.[^"]+)"', form)) == {
        "fields.mother.id_number",
        "materials.mother_id_card",
    }
    assert f'value="{newborn_values()["mother.id_number"]}"' in form  # prefilled with the current value
    assert 'name="carried.materials.mother_id_card"' in form

    # A wrong value is shown next to the field and changes nothing.
    bad = client.post(
        f"/applications/{application.number}/tasks/{task.pk}/correct/",
        {"fields.mother.id_number": "123"},
        headers={"accept-language": "en"},
    )
    assert bad.status_code == 400
    assert f'id="t{task.pk}-fields-mother-id-number-error"' in text(bad)
    task.refresh_from_db()
    assert task.status == Task.Status.RETURNED

    new_id = make_id(birth="19920514", sequence="044")
    old_upload = application.materials.get(key="mother_id_card").upload_id
    response = client.post(
        f"/applications/{application.number}/tasks/{task.pk}/correct/",
        {
            "fields.mother.id_number": new_id,
            "materials.mother_id_card": SimpleUploadedFile("new-card.png", png_bytes("purple"), "image/png"),
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    application.refresh_from_db()
    assert task.status == Task.Status.CLAIMED and task.claimed_by == health_officer
    assert application.values["mother.id_number"] == new_id
    current = application.materials.get(key="mother_id_card", replaced=False)
    assert current.upload_id != old_upload and current.upload.original_name == "new-card.png"
    assert task_of(application, "vaccination_certificate").status == vaccination.status
    assert Event.objects.filter(event_type="task.corrected", subject_id=str(task.pk)).count() == 1
    assert Event.objects.filter(event_type="task.corrected").count() == 1


def test_the_status_page_of_someone_else_s_returned_task_cannot_be_corrected(
    resident, other_resident, health_officer
):
    application = apply(logged_in(resident))
    task = return_task(application, health_officer, ["fields.mother.id_number"])
    response = logged_in(other_resident).post(
        f"/applications/{application.number}/tasks/{task.pk}/correct/", {"fields.mother.id_number": "x"}
    )
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == Task.Status.RETURNED


# --- accounts and preferences --------------------------------------------------------------------------


def test_a_resident_signs_up_with_a_mobile_number_and_is_logged_in(
    client, catalog, sms_outbox, django_capture_on_commit_callbacks
):
    fields = {
        "phone": "13700000009",
        "display_name": "李四",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "next": "/bundles/newborn/questions/",
    }
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/accounts/signup/?next=/bundles/newborn/questions/", {**fields, "action": "send"})
    assert sent.status_code == 200
    run_queued_texts()
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", sms_outbox[-1][1]).group(1)
    response = client.post(
        "/accounts/signup/?next=/bundles/newborn/questions/", {**fields, "action": "create", "code": code}
    )
    assert response.status_code == 302 and response.url == "/bundles/newborn/questions/"
    assert client.get("/bundles/newborn/questions/").status_code == 200
    again = Client().post(
        "/accounts/signup/",
        {"phone": "13700000009", "display_name": "x", "password1": PASSWORD, "password2": "other one!"},
        headers={"accept-language": "en"},
    )
    assert again.status_code == 400
    assert "Confirm the password is not the same as the password" in text(again)


def test_a_resident_logs_in_with_the_mobile_number_and_logs_out_by_post(client, resident):
    response = client.post("/accounts/login/", {"username": "13800000001", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/applications/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/applications/").status_code == 302


def test_the_large_text_switch_sets_a_cookie_and_only_redirects_locally(client, catalog):
    response = client.post("/large-text/", {"on": "1", "next": "/bundles/newborn/"})
    assert response.url == "/bundles/newborn/" and response.cookies["large_text"].value == "1"
    assert 'class="large-text"' in text(client.get("/"))
    away = client.post("/large-text/", {"on": "0", "next": "https://example.com/"})
    assert away.url == "/"
    assert 'class="large-text"' not in text(client.get("/"))


def test_the_language_switch_changes_the_page_language(client, catalog):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en"' in text(client.get("/"))
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans"' in text(client.get("/"))


def test_a_service_refusing_an_output_shows_the_message_next_to_its_input(
    resident, health_officer, monkeypatch
):
    application = apply(logged_in(resident))
    task = task_of(application, "birth_medical_certificate")
    client = logged_in(health_officer)
    client.post(f"/work/tasks/{task.pk}/claim/")

    def refuse(**kwargs):
        raise FieldErrors({"outputs.birth_certificate_number": "cannot be generated; enter it"})

    monkeypatch.setattr(services, "task_approve", refuse)
    response = client.post(f"/work/tasks/{task.pk}/approve/", {}, headers={"accept-language": "en"})
    assert response.status_code == 400
    assert "Birth certificate number cannot be generated; enter it" in text(response)
    assert 'href="#id_approve-outputs.birth_certificate_number"' in text(response)


def test_a_correction_sent_twice_shows_a_message_the_second_time(resident, health_officer):
    client = logged_in(resident)
    application = apply(client)
    task = return_task(application, health_officer, ["fields.mother.id_number"])
    url = f"/applications/{application.number}/tasks/{task.pk}/correct/"
    data = {"fields.mother.id_number": make_id(birth="19920514", sequence="044")}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True, headers={"accept-language": "en"})
    assert again.status_code == 200
    assert "not waiting for a correction" in text(again)
    assert Event.objects.filter(event_type="task.corrected").count() == 1
