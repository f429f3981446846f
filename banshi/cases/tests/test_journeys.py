"""The journeys that must hold to the end: the resident sees and controls what they sent (what they sent,
the subject and progress, withdrawing), results reach them by post from every channel, a correction
corrects, the window clerk serves the resident in front of them, supervisors call back, and refusing
asks first."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from banshi.audit.models import Access, Event
from banshi.cases import services
from banshi.cases.models import Application, Correction, Rating, Task
from banshi.cases.services.rate import application_rate
from banshi.cases.tests.helpers import approve, task_of, work_everything
from banshi.cases.tests.test_pages import apply, fill_in, logged_in, text
from banshi.cases.tests.test_ratings import finish
from banshi.cases.tests.test_window_pages import accepted, clerk_client, sent  # noqa: F401
from banshi.certificates.models import Certificate
from banshi.conftest import ANSWERS, _clerk, _user, make_id, newborn_values, png_bytes, run_queued_texts
from banshi.directory.models import Membership
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.notify.models import Notification
from banshi.notify.services import notification_deliver

pytestmark = pytest.mark.django_db

S = Task.Status
A = Application.Status
POSTAL = {
    "recipient": "张丽",
    "phone": "13800000001",
    "address": "重庆市渝中区解放碑街道民族路100号",
    "postcode": "400010",
}
BY_POST = {**ANSWERS, "card_delivery": "post"}


def by_post_values(**overrides):
    return newborn_values(**{"delivery.address": "重庆市渝中区解放碑街道民族路100号", **overrides})


def en(client, url):
    return text(client.get(url, headers={"accept-language": "en"}))


def events_of(subject, event_type):
    return Event.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk), event_type=event_type
    )


# 8. The resident sees and controls what they sent.


def test_the_status_page_shows_the_applicant_everything_they_sent_in_full(resident):
    client = logged_in(resident)
    application = apply(client)
    page = en(client, application.get_absolute_url())
    what_was_sent = page[page.index('id="what-you-sent"') :]
    for value in ("张丽", newborn_values()["mother.id_number"], "13800000001", "王小明", "渝中区"):
        assert value in what_was_sent
    documents = re.findall(r'href="/materials/(\d+)/"', what_was_sent)
    assert len(documents) == 4
    assert client.get(f"/materials/{documents[0]}/").status_code == 200
    assert not Access.objects.exists()  # one's own data is no access to record


def test_my_applications_names_the_baby_and_counts_the_services_done(resident, health_officer):
    client = logged_in(resident)
    application = apply(client)
    approve(health_officer, application, "vaccination_certificate")
    page = en(client, "/applications/")
    card = page[page.index(f'id="application-{application.number}"') :]
    assert "王小明" in card
    total = application.tasks.count()
    assert f"1 of {total} services done" in card


def test_back_after_sending_lands_on_the_confirmation_not_an_empty_first_step(resident):
    client = logged_in(resident)
    application = apply(client)
    for step in ("check", "details"):
        back = client.get(f"/bundles/newborn/{step}/")
        assert back.status_code == 302 and back.url == f"/applications/{application.number}/submitted/"
    assert Application.objects.count() == 1


def test_an_application_is_withdrawn_with_a_reason_its_tasks_cancelled_and_audited(submit, resident):
    application = submit()
    services.application_withdraw(actor=resident, application_id=application.pk, reason="Applied twice")
    application.refresh_from_db()
    assert application.status == A.WITHDRAWN and application.withdrawn_reason == "Applied twice"
    assert set(application.tasks.values_list("status", flat=True)) == {S.CANCELLED}
    event = events_of(application, "application.withdrawn").get()
    assert (event.actor, event.old_state, event.new_state, event.reason) == (
        resident,
        A.IN_PROGRESS,
        A.WITHDRAWN,
        "Applied twice",
    )
    assert Event.objects.filter(event_type="task.cancelled").count() == application.tasks.count()


def test_a_withdrawal_revokes_the_documents_issued_automatically(submit, resident):
    from banshi.cases.services.automatic import task_decide_automatically

    application = submit()
    vaccination = task_of(application, "vaccination_certificate")
    assert task_decide_automatically(task_id=vaccination.pk) == "approved"
    assert Certificate.objects.filter(application=application, status="valid").count() == 1
    services.application_withdraw(actor=resident, application_id=application.pk, reason="Moved away")
    assert not Certificate.objects.filter(application=application, status="valid").exists()
    assert Event.objects.filter(event_type="certificate.revoked").count() == 1


def test_no_withdrawal_once_an_officer_approved_a_service_or_without_a_reason(
    submit, resident, other_resident, health_officer
):
    application = submit()
    with pytest.raises(FieldErrors) as caught:
        services.application_withdraw(actor=resident, application_id=application.pk, reason="  ")
    assert set(caught.value.errors) == {"reason"}
    with pytest.raises(NotFound):
        services.application_withdraw(actor=other_resident, application_id=application.pk, reason="x")
    approve(health_officer, application, "birth_medical_certificate")
    with pytest.raises(Conflict):
        services.application_withdraw(actor=resident, application_id=application.pk, reason="Too late")
    application.refresh_from_db()
    assert application.status == A.IN_PROGRESS and application.withdrawn_reason == ""
    assert not Event.objects.filter(event_type="application.withdrawn").exists()


def test_a_returned_application_can_still_be_withdrawn(submit, resident, health_officer):
    application = submit()
    task = task_of(application, "birth_medical_certificate")
    services.task_claim(actor=health_officer, task_id=task.pk)
    services.task_return(
        actor=health_officer, task_id=task.pk, reason="Blurred", items=["fields.newborn.name"]
    )
    services.application_withdraw(actor=resident, application_id=application.pk, reason="Changed my mind")
    task.refresh_from_db()
    assert task.status == S.CANCELLED and task.paused_at is None


def test_the_withdraw_page_asks_first_and_only_the_applicant_reaches_it(resident, other_resident):
    client = logged_in(resident)
    application = apply(client)
    url = f"/applications/{application.number}/withdraw/"
    assert 'id="withdraw"' in en(client, application.get_absolute_url())
    asked = en(client, url)
    assert "Withdrawing cannot be undone." in asked and 'id="confirm-withdraw"' in asked
    assert logged_in(other_resident).get(url).status_code == 404
    assert logged_in(other_resident).post(url, {"reason": "x"}).status_code == 404
    empty = client.post(url, {"reason": ""}, headers={"accept-language": "en"})
    assert empty.status_code == 400 and 'id="error-summary"' in text(empty)
    application.refresh_from_db()
    assert application.status == A.IN_PROGRESS
    done = client.post(url, {"reason": "We applied at the window instead"})
    assert done.status_code == 302
    page = en(client, application.get_absolute_url())
    assert "We applied at the window instead" in page and "You withdrew the application" in page
    assert 'id="withdraw"' not in page


# 5. Results delivery for every channel.


def test_an_online_application_asking_for_post_is_to_be_posted_and_asks_for_the_full_address(
    submit, resident
):
    application = submit(answers=BY_POST, values=by_post_values())
    assert application.result_delivery == Application.ResultDelivery.POST
    assert application.post_address == "重庆市渝中区解放碑街道民族路100号"
    assert not application.postal_address_complete  # the postcode is asked next
    client = logged_in(resident)
    confirmation = en(client, f"/applications/{application.number}/submitted/")
    assert 'id="complete-address"' in confirmation
    assert 'id="address-incomplete"' in en(client, application.get_absolute_url())


def test_an_application_collected_at_the_window_asks_for_no_address(submit):
    application = submit()
    assert application.result_delivery == Application.ResultDelivery.WINDOW
    assert (application.post_address, application.post_postcode) == ("", "")


def test_the_postal_address_is_checked_field_by_field_and_nothing_half_saved(submit, resident):
    application = submit(answers=BY_POST, values=by_post_values())
    with pytest.raises(FieldErrors) as caught:
        services.application_delivery_set(
            actor=resident,
            application_id=application.pk,
            delivery="post",
            recipient="",
            phone="12345",
            address="x",
            postcode="4000",
        )
    assert set(caught.value.errors) == {"recipient", "phone", "address", "postcode"}
    application.refresh_from_db()
    assert application.post_postcode == "" and not events_of(application, "application.delivery_set").exists()


def test_posting_needs_the_full_address_then_the_resident_is_texted_the_tracking_number(
    submit, resident, officers, health_officer, sms_outbox
):
    application = submit(answers=BY_POST, values=by_post_values())
    work_everything(application, officers)
    with pytest.raises(Conflict):
        services.application_results_sent(
            actor=health_officer, application_id=application.pk, delivery="post", tracking_number="SF1"
        )
    services.application_delivery_set(
        actor=resident, application_id=application.pk, delivery="post", **POSTAL
    )
    assert events_of(application, "application.delivery_set").get().extra == {}  # no address in the log
    services.application_results_sent(
        actor=health_officer, application_id=application.pk, delivery="post", tracking_number="SF1"
    )
    note = Notification.objects.filter(user=resident, body__contains="SF1").get()
    notification_deliver(notification_id=note.pk)  # what the worker's job does: the text message
    assert any("SF1" in message for recipient, message in sms_outbox if recipient == resident.phone)
    page = en(logged_in(resident), application.get_absolute_url())
    assert "posted, tracking number SF1" in page and "400010" in page


def test_a_resident_who_collects_can_switch_to_post_on_the_status_page(submit, resident, other_resident):
    application = submit()
    client = logged_in(resident)
    url = f"/applications/{application.number}/delivery/"
    assert logged_in(other_resident).get(url).status_code == 404
    assert logged_in(other_resident).post(url, {"delivery": "post", **POSTAL}).status_code == 404
    bad = client.post(
        url, {"delivery": "post", **POSTAL, "postcode": "40"}, headers={"accept-language": "en"}
    )
    assert bad.status_code == 400 and "Postcode" in text(bad) and "6 digits" in text(bad)
    assert client.post(url, {"delivery": "post", **POSTAL}).status_code == 302
    application.refresh_from_db()
    assert application.postal_address_complete and application.result_delivery == "post"
    assert 'id="postal-address"' in en(client, application.get_absolute_url())
    back = client.post(url, {"delivery": "window"})
    assert back.status_code == 302
    application.refresh_from_db()
    assert application.result_delivery == "window" and application.post_address == ""


def test_a_clerk_of_another_window_cannot_set_the_delivery(accepted, resident):  # noqa: F811
    other = _clerk("other-clerk", window_name="江北区政务服务中心综合窗口")
    with pytest.raises(NotFound):
        services.application_delivery_set(actor=other, application_id=accepted.pk, delivery="post", **POSTAL)
    assert clerk_client(other).get(f"/window/applications/{accepted.number}/delivery/").status_code == 404


# 4. A correction must correct.


def _returned(submit, officer, items):
    application = submit()
    task = task_of(application, "birth_medical_certificate")
    services.task_claim(actor=officer, task_id=task.pk)
    services.task_return(actor=officer, task_id=task.pk, reason="The card photo is blurred", items=items)
    return application, task


def test_sending_the_same_photo_or_value_back_is_not_a_correction(submit, resident, health_officer):
    application, task = _returned(
        submit, health_officer, ["fields.mother.id_number", "materials.mother_id_card"]
    )
    old = application.materials.get(key="mother_id_card", replaced=False).upload
    same_bytes = services.upload_create(
        owner=resident, file=SimpleUploadedFile("again.png", png_bytes("red"))
    )
    with pytest.raises(FieldErrors) as caught:
        services.application_correct(
            actor=resident,
            application_id=application.pk,
            task_id=task.pk,
            values={"mother.id_number": newborn_values()["mother.id_number"]},
            materials={"mother_id_card": same_bytes.pk},
        )
    assert set(caught.value.errors) == {"fields.mother.id_number", "materials.mother_id_card"}
    with pytest.raises(FieldErrors) as caught:
        services.application_correct(
            actor=resident,
            application_id=application.pk,
            task_id=task.pk,
            values={"mother.id_number": make_id(birth="19920514", sequence="044")},
            materials={"mother_id_card": old.pk},
        )
    assert set(caught.value.errors) == {"materials.mother_id_card"}
    with pytest.raises(FieldErrors) as caught:  # an item left out is not corrected either
        services.application_correct(
            actor=resident,
            application_id=application.pk,
            task_id=task.pk,
            values={"mother.id_number": make_id(birth="19920514", sequence="044")},
            materials={},
        )
    assert "materials.mother_id_card" in caught.value.errors
    task.refresh_from_db()
    assert task.status == S.RETURNED and not Correction.objects.exists()
    assert not Event.objects.filter(event_type="task.corrected").exists()


def test_a_correction_is_kept_with_old_and_new_and_goes_back_to_the_officer_who_returned_it(
    submit, resident, health_officer
):
    application, task = _returned(
        submit, health_officer, ["fields.mother.id_number", "materials.mother_id_card"]
    )
    old = application.materials.get(key="mother_id_card", replaced=False).upload
    new_card = services.upload_create(owner=resident, file=SimpleUploadedFile("new.png", png_bytes("purple")))
    new_id = make_id(birth="19920514", sequence="044")
    services.application_correct(
        actor=resident,
        application_id=application.pk,
        task_id=task.pk,
        values={"mother.id_number": new_id},
        materials={"mother_id_card": new_card.pk},
    )
    task.refresh_from_db()
    assert task.status == S.CLAIMED and task.claimed_by == health_officer
    correction = Correction.objects.get()
    assert (correction.returned_by, correction.reason) == (health_officer, "The card photo is blurred")
    assert correction.changes == [
        {"item": "fields.mother.id_number", "old": newborn_values()["mother.id_number"], "new": new_id},
        {"item": "materials.mother_id_card", "old": old.pk, "new": new_card.pk},
    ]
    event = events_of(task, "task.corrected").get()
    assert (event.old_state, event.new_state) == (S.RETURNED, S.CLAIMED)
    assert new_id not in str(event.extra)  # the values stay on the case, out of the audit log

    page = en(logged_in(health_officer), task.get_absolute_url())
    history = page[page.index('id="corrections"') :]
    assert "The card photo is blurred" in history
    assert newborn_values()["mother.id_number"] in history and new_id in history
    assert f"/materials/{old.pk}/" in history and f"/materials/{new_card.pk}/" in history


def test_a_colleague_sees_the_correction_history_masked(submit, resident, health_officer):
    from banshi.conftest import _officer

    application, task = _returned(submit, health_officer, ["fields.mother.id_number"])
    new_id = make_id(birth="19920514", sequence="044")
    services.application_correct(
        actor=resident,
        application_id=application.pk,
        task_id=task.pk,
        values={"mother.id_number": new_id},
        materials={},
    )
    colleague = _officer("colleague", "health_commission")
    page = en(logged_in(colleague), task.get_absolute_url())
    history = page[page.index('id="corrections"') :]
    assert "The card photo is blurred" in history
    assert new_id not in history and newborn_values()["mother.id_number"] not in history


def test_a_correction_goes_to_the_queue_when_the_returning_officer_left_the_agency(
    submit, resident, health_officer
):
    application, task = _returned(submit, health_officer, ["fields.newborn.name"])
    Membership.objects.filter(user=health_officer).delete()
    services.application_correct(
        actor=resident,
        application_id=application.pk,
        task_id=task.pk,
        values={"newborn.name": "王小红"},
        materials={},
    )
    task.refresh_from_db()
    assert task.status == S.READY and task.claimed_by is None


# 9. The window clerk serves the person in front of them.


def test_the_clerk_sees_the_resident_s_open_and_past_applications_masked_until_the_code(
    window_clerk, resident, submit, sms_outbox, django_capture_on_commit_callbacks
):
    open_one = submit()
    past = finish(submit(idempotency_key="2"), status=A.COMPLETE)
    client = clerk_client(window_clerk)
    url = f"/window/residents/{resident.pk}/"
    page = text(client.get(url))
    assert open_one.number in page[page.index('id="open-applications"') : page.index('id="bundles"')]
    assert past.number in page[page.index('id="past-applications"') :]
    assert "王小明" not in page and resident.phone not in page
    assert not Access.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{url}identity/", {"send": "1"}).status_code == 302
    run_queued_texts()
    recipient, message = sms_outbox[-1]
    assert recipient == resident.phone
    code = re.search(r"\b(\d{6})\b", message).group(1)
    wrong = client.post(f"{url}identity/", {"code": f"{(int(code) + 1) % 10**6:06d}"})
    assert wrong.status_code == 400 and "王小明" not in text(wrong)
    assert client.post(f"{url}identity/", {"code": code}).status_code == 302

    full = text(client.get(url))
    assert "王小明" in full and resident.phone in full and 'id="access-recorded"' in full
    access = Access.objects.get()
    assert (access.actor, access.resident_id, access.kind, access.purpose) == (
        window_clerk,
        resident.pk,
        Access.Kind.CASE,
        Access.Purpose.WINDOW,
    )
    assert Event.objects.filter(event_type="window_confirmation.identity_confirmed").count() == 1


def test_another_clerk_does_not_inherit_the_resident_s_confirmation(
    window_clerk, resident, submit, sms_outbox, django_capture_on_commit_callbacks
):
    submit()
    client = clerk_client(window_clerk)
    url = f"/window/residents/{resident.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{url}identity/", {"send": "1"})
    run_queued_texts()
    code = re.search(r"\b(\d{6})\b", sms_outbox[-1][1]).group(1)
    client.post(f"{url}identity/", {"code": code})
    other = _clerk("other-clerk", window_name="江北区政务服务中心综合窗口")
    page = text(clerk_client(other).get(url))
    assert "王小明" not in page and resident.phone not in page
    assert logged_in(resident).get(url).status_code == 403


# 10. Supervisors act on what they are asked to do.


@pytest.fixture
def supervisor(catalog):
    user = _user("supervisor")
    Membership.objects.create(user=user, role=Membership.Role.SUPERVISOR)
    return user


def test_the_call_back_list_reveals_the_phone_on_request_and_records_it(
    submit, resident, supervisor, health_officer
):
    application = finish(submit())
    rating = application_rate(actor=resident, application_id=application.pk, level=1, comment="")
    client = logged_in(supervisor)
    page = en(client, "/supervise/ratings/")
    assert resident.phone not in page and f"/supervise/applications/{application.number}/" in page
    assert not Access.objects.exists()
    shown = client.post(f"/supervise/ratings/{rating.pk}/phone/", headers={"accept-language": "en"})
    assert shown.status_code == 200 and f'href="tel:{resident.phone}"' in text(shown)
    access = Access.objects.get()
    assert (access.actor, access.resident_id, access.kind, access.purpose, access.application_id) == (
        supervisor,
        resident.pk,
        Access.Kind.CONTACT,
        Access.Purpose.FOLLOW_UP,
        application.pk,
    )
    assert logged_in(health_officer).post(f"/supervise/ratings/{rating.pk}/phone/").status_code == 403
    assert logged_in(resident).get(f"/supervise/applications/{application.number}/").status_code == 403
    case = en(client, f"/supervise/applications/{application.number}/")
    assert application.number in case and newborn_values()["mother.id_number"] not in case


def test_the_outcome_of_the_call_is_chosen_and_recorded(submit, resident, supervisor):
    application = finish(submit())
    rating = application_rate(actor=resident, application_id=application.pk, level=2, comment="")
    client = logged_in(supervisor)
    missing = client.post(
        "/supervise/ratings/",
        {"rating": str(rating.pk), f"r{rating.pk}-note": "Called"},
        headers={"accept-language": "en"},
    )
    assert missing.status_code == 400 and "Outcome of the call" in text(missing)
    rating.refresh_from_db()
    assert rating.followed_up_at is None
    done = client.post(
        "/supervise/ratings/",
        {
            "rating": str(rating.pk),
            f"r{rating.pk}-outcome": "not_reached",
            f"r{rating.pk}-note": "No answer twice",
        },
    )
    assert done.status_code == 302
    rating.refresh_from_db()
    assert rating.follow_up_outcome == Rating.Outcome.NOT_REACHED
    assert events_of(rating, "rating.followed_up").get().extra["outcome"] == "not_reached"
    assert 'data-outcome="not_reached"' in en(client, "/supervise/ratings/")


# 17. Irreversible moves ask first.


def test_refusing_a_task_without_the_confirmation_refuses_nothing(submit, health_officer):
    task = task_of(submit(), "birth_medical_certificate")
    client = logged_in(health_officer)
    client.post(f"/work/tasks/{task.pk}/claim/")
    asked = client.post(f"/work/tasks/{task.pk}/reject/", {"reject-reason": "Not born here"})
    assert asked.status_code == 200 and 'name="confirmed" value="yes"' in text(asked)
    task.refresh_from_db()
    assert task.status == S.CLAIMED
    client.post(f"/work/tasks/{task.pk}/reject/", {"reject-reason": "Not born here", "confirmed": "yes"})
    task.refresh_from_db()
    assert task.status == S.REJECTED and task.decision_reason == "Not born here"


def test_another_agency_s_officer_sees_neither_the_task_nor_the_files_of_its_correction(
    submit, resident, health_officer, police_officer
):
    application, task = _returned(submit, health_officer, ["materials.mother_id_card"])
    old = application.materials.get(key="mother_id_card", replaced=False).upload
    new_card = services.upload_create(owner=resident, file=SimpleUploadedFile("new.png", png_bytes("purple")))
    services.application_correct(
        actor=resident,
        application_id=application.pk,
        task_id=task.pk,
        values={},
        materials={"mother_id_card": new_card.pk},
    )
    police = logged_in(police_officer)
    assert police.get(task.get_absolute_url()).status_code == 404
    for upload in (old, new_card):
        assert police.get(f"/materials/{upload.pk}/").status_code == 404
    assert not Access.objects.filter(actor=police_officer).exists()
    # The officer who returned it opens both, and each look is recorded.
    health = logged_in(health_officer)
    for upload in (old, new_card):
        assert health.get(f"/materials/{upload.pk}/").status_code == 200
    assert Access.objects.filter(actor=health_officer, kind=Access.Kind.DOCUMENT).count() == 2


def test_the_check_page_says_how_the_results_reach_the_resident(resident):
    client = logged_in(resident)
    fill_in(client)
    page = en(client, "/bundles/newborn/check/")
    assert 'id="results-at-window"' in page and 'id="choose-post"' in page


def test_the_officer_at_work_on_a_withdrawn_application_is_told_and_sees_why(
    submit, resident, health_officer
):
    from banshi.notify.models import Notification

    application = submit()
    task = task_of(application, "birth_medical_certificate")
    services.task_claim(actor=health_officer, task_id=task.pk)
    services.application_withdraw(actor=resident, application_id=application.pk, reason="Applied twice")
    task.refresh_from_db()
    assert task.status == S.CANCELLED
    assert Notification.objects.filter(user=health_officer, title__contains=application.number).exists()
    page = en(logged_in(health_officer), task.get_absolute_url())
    assert "Applied twice" in page and 'id="claim"' not in page
