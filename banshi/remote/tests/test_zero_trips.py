"""Zero trips to the end: the resident's documents are checked on a video call, the application is
sent from home as a video application with the results by post, and an officer records the posting."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.files.uploadedfile import SimpleUploadedFile

from banshi.accounts.models import User
from banshi.audit.models import Event
from banshi.cases.draft import DraftKey, draft_get
from banshi.cases.models import Application, Task
from banshi.cases.services import application_results_sent
from banshi.cases.services.delivery import application_delivery_set
from banshi.cases.tests.helpers import work_everything
from banshi.cases.tests.test_pages import answers_post, fields_post, files_post
from banshi.conftest import ANSWERS, NEWBORN_MATERIALS, another_baby, png_bytes
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.notify.models import Notification
from banshi.remote import services
from banshi.remote.models import CallSession
from banshi.remote.tests.fixtures import clerk_fixture, client_of, window_fixture  # noqa: F401 (fixtures)


def post_results(**kwargs):
    return application_results_sent(delivery=Application.ResultDelivery.POST, **kwargs)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_video_hours")]
ADDRESS = "重庆市渝中区解放碑街道民族路100号"
BY_POST = {**ANSWERS, "card_delivery": "post"}


def text(response) -> str:
    return response.content.decode()


def fill_in(client, answers=BY_POST, materials=NEWBORN_MATERIALS) -> dict:
    """The resident's draft of the newborn bundle, as saved by the pages (documents as given)."""
    client.post("/bundles/newborn/questions/", answers_post(answers))
    client.post(
        "/bundles/newborn/details/", {**fields_post(**{"delivery.address": ADDRESS}), **files_post(materials)}
    )
    return draft_of(client)


def draft_of(client) -> dict:
    """The newborn draft of the client's signed-in user, as the pages keep it."""
    draft = draft_get(User.objects.get(pk=client.session[SESSION_KEY]), DraftKey("newborn"))
    assert draft is not None
    return draft


def reviewed_call(window, clerk, resident, draft, *, verdicts=None) -> CallSession:
    """A finished call on which the resident shared `draft` and the clerk gave the verdicts (every
    document applicable accepted, unless told otherwise)."""
    services.ticket_take(actor=resident, window_id=window.pk, bundle_code="newborn")
    session = services.call_start(actor=clerk)
    services.call_connected(session_id=session.pk)
    services.call_draft_share(actor=resident, session_id=session.pk, draft={"bundle": "newborn", **draft})
    for material in NEWBORN_MATERIALS:
        verdict = (verdicts or {}).get(material, "accepted")
        reason = "看不清" if verdict == "needs_fixing" else ""
        services.prereview_record(
            actor=clerk, session_id=session.pk, material=material, verdict=verdict, reason=reason
        )
    services.call_end(actor=clerk, session_id=session.pk, outcome=CallSession.Outcome.PRE_REVIEWED)
    session.refresh_from_db()
    return session


def send(client) -> Application:
    response = client.post("/bundles/newborn/check/")
    assert response.status_code == 302, text(response)
    return Application.objects.get(number=response.url.split("/")[2])


def test_a_resident_is_served_by_video_from_the_first_call_to_the_posted_results(
    window, clerk, resident, officers, health_officer
):
    client = client_of(resident)
    # The resident has three documents; the household register is shown on camera and kept as a still.
    draft = fill_in(client, materials=["mother_id_card", "father_id_card", "marriage_certificate"])
    services.ticket_take(actor=resident, window_id=window.pk, bundle_code="newborn")
    session = services.call_start(actor=clerk)
    services.call_connected(session_id=session.pk)
    services.call_draft_share(actor=resident, session_id=session.pk, draft={"bundle": "newborn", **draft})
    still = SimpleUploadedFile("still.png", png_bytes("orange"), content_type="image/png")
    kept = services.call_capture_attach(actor=clerk, session_id=session.pk, material="hukou_book", file=still)
    for material in NEWBORN_MATERIALS:
        services.prereview_record(actor=clerk, session_id=session.pk, material=material, verdict="accepted")
    services.call_end(actor=clerk, session_id=session.pk, outcome=CallSession.Outcome.PRE_REVIEWED)

    summary = text(client.get(f"/video/calls/{session.pk}/summary/", headers={"accept-language": "en"}))
    assert summary.count('data-verdict="accepted"') == 4 and 'id="continue-application"' in summary
    response = client.post(f"/video/calls/{session.pk}/continue/")
    assert response.status_code == 302 and response.url == "/bundles/newborn/check/"
    assert draft_of(client)["materials"]["hukou_book"] == kept.pk

    check = client.get("/bundles/newborn/check/", headers={"accept-language": "en"})
    assert check.status_code == 200
    assert 'id="video-prereview"' in text(check) and 'id="results-by-post"' in text(check)
    application = send(client)
    assert application.channel == Application.Channel.VIDEO and application.window == window
    assert application.result_delivery == Application.ResultDelivery.POST
    assert application.materials.get(key="hukou_book").upload == kept
    session.refresh_from_db()
    assert session.application == application
    assert Event.objects.get(event_type="call.application_sent").extra == {
        "application": application.number,
        "delivery": "post",
    }

    page = text(client.get(f"/applications/{application.number}/", headers={"accept-language": "en"}))
    assert 'data-channel="video"' in page and "By video" in page
    assert 'id="application-prereview"' in page and page.count('data-verdict="accepted"') == 4
    assert "to be posted to you" in page
    # The form asks the address; the postcode, recipient and number are given on the status page.
    assert 'id="address-incomplete"' in page
    postal = {
        "delivery": "post",
        "recipient": "李梅",
        "phone": "13800138000",
        "address": "重庆市渝中区解放碑路 1 号",
        "postcode": "400010",
    }
    assert client.post(f"/applications/{application.number}/delivery/", postal).status_code == 302

    work_everything(application, officers)
    application.refresh_from_db()
    assert application.status == Application.Status.COMPLETE
    task = Task.objects.filter(application=application, agency__code="health_commission").first()
    officer = client_of(health_officer)
    task_page = text(officer.get(f"/work/tasks/{task.pk}/"))
    assert 'id="post-form"' in task_page
    response = officer.post(
        f"/applications/{application.number}/post/",
        {"tracking_number": "SF1234567890", "next": f"/work/tasks/{task.pk}/"},
    )
    assert response.status_code == 302 and response.url == f"/work/tasks/{task.pk}/"
    application.refresh_from_db()
    assert application.tracking_number == "SF1234567890" and application.handed_over_at is not None
    note = Notification.objects.filter(user=resident).latest("id")
    assert "SF1234567890" in note.body and note.url == f"/applications/{application.number}/"
    assert 'id="posted"' in text(officer.get(f"/work/tasks/{task.pk}/"))
    assert "SF1234567890" in text(client.get(f"/applications/{application.number}/"))


def test_results_collected_at_the_window_keep_the_video_channel_and_offer_post(window, clerk, resident):
    client = client_of(resident)
    draft = fill_in(client, answers=ANSWERS)
    reviewed_call(window, clerk, resident, draft)
    check = text(client.get("/bundles/newborn/check/", headers={"accept-language": "en"}))
    assert 'id="results-at-window"' in check and 'id="choose-post"' in check
    assert 'href="/bundles/newborn/questions/#answers-card-delivery-window"' in check
    application = send(client)
    assert application.channel == Application.Channel.VIDEO
    assert application.result_delivery == Application.ResultDelivery.WINDOW


def test_a_document_that_needs_fixing_means_an_ordinary_online_application(window, clerk, resident):
    client = client_of(resident)
    draft = fill_in(client)
    session = reviewed_call(window, clerk, resident, draft, verdicts={"hukou_book": "needs_fixing"})
    check = text(client.get("/bundles/newborn/check/"))
    assert 'id="video-prereview"' not in check
    application = send(client)
    assert application.channel == Application.Channel.ONLINE and application.window is None
    session.refresh_from_db()
    assert session.application is None


def test_a_document_changed_after_the_review_is_no_longer_pre_reviewed(window, clerk, resident):
    client = client_of(resident)
    draft = fill_in(client)
    reviewed_call(window, clerk, resident, draft)
    other = SimpleUploadedFile("hukou_book.png", png_bytes("white"), content_type="image/png")
    client.post(
        "/bundles/newborn/details/",
        {**fields_post(**{"delivery.address": ADDRESS}), "materials.hukou_book": other},
    )
    assert 'id="video-prereview"' not in text(client.get("/bundles/newborn/check/"))
    assert send(client).channel == Application.Channel.ONLINE


def test_a_pre_review_is_used_for_one_application_only(window, clerk, resident):
    client = client_of(resident)
    session = reviewed_call(window, clerk, resident, fill_in(client))
    first = send(client)
    assert first.channel == Application.Channel.VIDEO
    fill_in(client)
    assert 'id="video-prereview"' not in text(client.get("/bundles/newborn/check/"))
    with pytest.raises(Conflict):
        services.application_submit_after_call(
            actor=resident,
            session_id=session.pk,
            answers=BY_POST,
            values={},
            materials=draft_of(client)["materials"],
            idempotency_key="another",
        )
    assert Application.objects.filter(channel=Application.Channel.VIDEO).count() == 1


def test_the_key_of_a_video_application_sent_again_with_other_values_is_refused(window, clerk, resident):
    client = client_of(resident)
    session = reviewed_call(window, clerk, resident, fill_in(client))
    first = send(client)
    assert first.channel == Application.Channel.VIDEO
    with pytest.raises(Conflict) as refused:
        services.application_submit_after_call(
            actor=resident,
            session_id=session.pk,
            answers=first.answers,
            values={**first.values, "newborn.name": "王大明"},
            materials={},
            idempotency_key=first.idempotency_key,
        )
    assert str(refused.value) == "this Idempotency-Key was used for a different application"
    assert Application.objects.get().values["newborn.name"] != "王大明"


def test_an_unfinished_call_or_another_residents_call_is_not_a_pre_review(
    window, clerk, resident, other_resident
):
    client = client_of(resident)
    draft = fill_in(client)
    services.ticket_take(actor=resident, window_id=window.pk)
    session = services.call_start(actor=clerk)
    services.call_draft_share(actor=resident, session_id=session.pk, draft={"bundle": "newborn", **draft})
    for material in NEWBORN_MATERIALS:
        services.prereview_record(actor=clerk, session_id=session.pk, material=material, verdict="accepted")
    assert 'id="video-prereview"' not in text(client.get("/bundles/newborn/check/"))  # still in the call
    services.call_end(actor=clerk, session_id=session.pk, outcome=CallSession.Outcome.PRE_REVIEWED)
    with pytest.raises(NotFound):
        services.application_submit_after_call(
            actor=other_resident,
            session_id=session.pk,
            answers=BY_POST,
            values={},
            materials=draft["materials"],
        )
    assert client_of(other_resident).post(f"/video/calls/{session.pk}/continue/").status_code == 404
    assert client_of(clerk).post(f"/video/calls/{session.pk}/continue/").status_code == 404


# --- posting the results ------------------------------------------------------------------------------


@pytest.fixture
def complete_by_post(window, clerk, resident, officers) -> Application:
    client = client_of(resident)
    reviewed_call(window, clerk, resident, fill_in(client))
    application = send(client)
    application_delivery_set(
        actor=resident,
        application_id=application.pk,
        delivery="post",
        recipient="李梅",
        phone="13800138000",
        address="重庆市渝中区解放碑路 1 号",
        postcode="400010",
    )
    work_everything(application, officers)
    application.refresh_from_db()
    return application


def test_the_posting_needs_a_tracking_number(complete_by_post, health_officer):
    for blank in ("", "   ", None):
        with pytest.raises(FieldErrors):
            post_results(actor=health_officer, application_id=complete_by_post.pk, tracking_number=blank)
    with pytest.raises(FieldErrors):
        post_results(actor=health_officer, application_id=complete_by_post.pk, tracking_number="9" * 41)
    complete_by_post.refresh_from_db()
    assert complete_by_post.handed_over_at is None


def test_only_an_officer_with_a_task_in_the_application_records_the_posting(
    complete_by_post, resident, outsider, clerk, hrss_officer
):
    from banshi.conftest import _officer
    from banshi.directory.models import Agency

    Agency.objects.get_or_create(
        code="civil_affairs", defaults={"name_zh": "民政局", "name_en": "Civil affairs"}
    )
    unrelated = _officer("civil", "civil_affairs")
    for stranger in (resident, outsider, clerk, unrelated):
        with pytest.raises(NotFound):
            post_results(actor=stranger, application_id=complete_by_post.pk, tracking_number="SF1")
        response = client_of(stranger).post(
            f"/applications/{complete_by_post.number}/post/", {"tracking_number": "SF1"}
        )
        assert response.status_code in (302, 404)
    complete_by_post.refresh_from_db()
    assert complete_by_post.handed_over_at is None and complete_by_post.tracking_number == ""
    post_results(actor=hrss_officer, application_id=complete_by_post.pk, tracking_number="SF1")
    event = Event.objects.get(event_type="application.posted")
    assert event.actor == hrss_officer and "SF1" not in str(event.extra)


def test_results_are_posted_once_and_only_when_complete_and_asked_for(
    complete_by_post, health_officer, submit, resident
):
    post_results(actor=health_officer, application_id=complete_by_post.pk, tracking_number="SF1")
    with pytest.raises(Conflict):
        post_results(actor=health_officer, application_id=complete_by_post.pk, tracking_number="SF2")
    complete_by_post.refresh_from_db()
    assert complete_by_post.tracking_number == "SF1"
    # Another baby's, its results collected at the window, still in progress.
    at_window = submit(values=another_baby(1), idempotency_key="window")
    with pytest.raises(Conflict):
        post_results(actor=health_officer, application_id=at_window.pk, tracking_number="SF3")
    Application.objects.filter(pk=at_window.pk).update(result_delivery=Application.ResultDelivery.POST)
    with pytest.raises(Conflict):  # not complete yet
        post_results(actor=health_officer, application_id=at_window.pk, tracking_number="SF3")
    assert Application.objects.get(pk=at_window.pk).handed_over_at is None


def test_the_api_sends_a_prereviewed_draft_as_a_video_application_like_the_pages(
    window, clerk, resident, api_as
):
    draft = fill_in(client_of(resident))
    session = reviewed_call(window, clerk, resident, draft)
    response = api_as(resident).post(
        "/api/v1/applications",
        {
            "bundle": "newborn",
            "answers": draft["answers"],
            "fields": draft["values"],
            "materials": draft["materials"],
        },
        headers={"Idempotency-Key": "api-after-call"},
    )
    assert response.status_code == 201, response.content
    application = Application.objects.get(pk=response.json()["id"])
    assert application.channel == Application.Channel.VIDEO and application.window == window
    assert application.result_delivery == Application.ResultDelivery.POST
    session.refresh_from_db()
    assert session.application == application
