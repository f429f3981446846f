"""The window clerk's pages, driven with Django's test client: find or open a resident's account, the
resident's own form filled in for them, the code they read out, and the hand-over of the results."""

import re

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from banshi.accounts.models import User
from banshi.cases.models import Application, WindowConfirmation
from banshi.cases.tests.helpers import work_everything
from banshi.cases.tests.test_pages import answers_post, fields_post, files_post, logged_in, text
from banshi.conftest import ANSWERS, NEWBORN_MATERIALS, _clerk, newborn_values, run_queued_texts

pytestmark = pytest.mark.django_db

PHONE = "13700000003"


def clerk_client(clerk) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(clerk)
    return client


def base(resident: User) -> str:
    return f"/window/residents/{resident.pk}/bundles/newborn"


def fill_in_for(client: Client, resident: User) -> None:
    response = client.post(f"{base(resident)}/questions/", answers_post())
    assert response.status_code == 302 and response.url == f"{base(resident)}/details/"
    # The resident served is the mother, who applies and collects: her number is her account's.
    fields = fields_post(**{"mother.phone": resident.phone})
    response = client.post(f"{base(resident)}/details/", {**fields, **files_post()})
    assert response.status_code == 302, text(response)
    assert response.url == f"{base(resident)}/check/"


def send_code(client: Client, resident: User, sms_outbox, capture) -> str:
    with capture(execute=True):
        response = client.post(f"{base(resident)}/check/")
    assert response.status_code == 302 and response.url == f"{base(resident)}/confirm/"
    run_queued_texts()
    recipient, message = sms_outbox[-1]
    assert recipient == resident.phone
    return re.search(r"\b(\d{6})\b", message).group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


@pytest.fixture
def sent(window_clerk, resident, sms_outbox, django_capture_on_commit_callbacks):
    """A clerk's client with the resident's form filled in and the code sent: (client, code)."""
    client = clerk_client(window_clerk)
    fill_in_for(client, resident)
    return client, send_code(client, resident, sms_outbox, django_capture_on_commit_callbacks)


@pytest.fixture
def accepted(sent, resident) -> Application:
    client, code = sent
    response = client.post(f"{base(resident)}/confirm/", {"code": code})
    assert response.status_code == 302, text(response)
    return Application.objects.get()


def test_a_clerk_serves_a_walk_in_resident_from_search_to_the_accepted_application(
    window_clerk, catalog, sms_outbox, django_capture_on_commit_callbacks
):
    client = clerk_client(window_clerk)
    console = client.get("/window/")
    assert console.status_code == 200 and "Find the resident" in text(console)

    search = client.get("/window/", {"phone": PHONE})
    assert search.status_code == 200
    assert "No account has this mobile number" in text(search)
    assert f'value="{PHONE}"' in text(search)

    created = client.post("/window/residents/new/", {"phone": PHONE, "display_name": "李华"})
    resident = User.objects.get(phone=PHONE)
    assert created.status_code == 302 and created.url == f"/window/residents/{resident.pk}/"
    assert not resident.has_usable_password()
    page = text(client.get(created.url))
    assert "李*" in page and "137****0003" in page and "李华" not in page
    assert f'href="{base(resident)}/questions/"' in page

    assert client.get(f"{base(resident)}/questions/").status_code == 200
    fill_in_for(client, resident)
    check = text(client.get(f"{base(resident)}/check/"))
    assert "Acting for 李* (137****0003)" in check
    assert "王小明" in check and "mother_id_card.png" in check
    assert f'href="{base(resident)}/details/#fields-mother-id-number"' in check
    assert "Send the confirmation code" in check

    code = send_code(client, resident, sms_outbox, django_capture_on_commit_callbacks)
    confirm_page = text(client.get(f"{base(resident)}/confirm/"))
    assert "137****0003" in confirm_page and code not in confirm_page

    refused = client.post(f"{base(resident)}/confirm/", {"code": wrong(code)})
    assert refused.status_code == 400
    assert "Confirmation code is not right: 4 tries left" in text(refused)
    assert not Application.objects.exists()

    accepted = client.post(f"{base(resident)}/confirm/", {"code": code})
    application = Application.objects.get()
    assert accepted.status_code == 302 and accepted.url == f"/window/applications/{application.number}/"
    assert application.applicant == resident
    assert application.submitted_by == window_clerk
    assert application.channel == Application.Channel.WINDOW
    assert application.window.members.filter(user=window_clerk).exists()
    assert application.confirmed_at is not None
    assert application.materials.count() == len(NEWBORN_MATERIALS)
    assert application.values["newborn.name"] == newborn_values()["newborn.name"]
    assert application.answers == ANSWERS

    # A resent confirmation (a double click, the back button) gives the same application.
    again = client.post(f"{base(resident)}/confirm/", {"code": code})
    assert again.status_code == 302 and again.url == accepted.url
    assert Application.objects.count() == 1

    detail = text(client.get(accepted.url))
    assert application.number in detail and "137****0003" in detail
    assert "The results can be handed over once every service is done." in detail
    listing = text(client.get("/window/applications/"))
    assert application.number in listing

    # The resident sees where the application was made.
    status = text(
        logged_in(resident).get(f"/applications/{application.number}/", headers={"accept-language": "en"})
    )
    assert 'data-channel="window"' in status and "At a window" in status
    assert application.window.name in status


def test_searching_a_known_number_opens_the_residents_page(window_clerk, resident):
    response = clerk_client(window_clerk).get("/window/", {"phone": resident.phone})
    assert response.status_code == 302 and response.url == f"/window/residents/{resident.pk}/"


def test_a_malformed_number_is_refused_next_to_the_field(window_clerk, catalog):
    response = clerk_client(window_clerk).get("/window/", {"phone": "1234"})
    assert response.status_code == 400
    assert "Mobile number must be an 11-digit mainland mobile number" in text(response)


def test_an_account_is_not_opened_for_a_number_already_registered(window_clerk, resident):
    response = clerk_client(window_clerk).post(
        "/window/residents/new/", {"phone": resident.phone, "display_name": "某人"}
    )
    assert response.status_code == 400 and "Mobile number is already registered" in text(response)
    assert User.objects.filter(phone=resident.phone).count() == 1


def test_an_expired_code_is_refused(sent, resident):
    client, code = sent
    WindowConfirmation.objects.update(expires_at=WindowConfirmation.objects.get().created_at)
    response = client.post(f"{base(resident)}/confirm/", {"code": code})
    assert response.status_code == 400 and "has expired" in text(response)
    assert not Application.objects.exists()


def test_five_wrong_codes_lock_it(sent, resident):
    client, code = sent
    for left in (4, 3, 2, 1):
        response = client.post(f"{base(resident)}/confirm/", {"code": wrong(code)})
        assert response.status_code == 400 and f"{left} tr" in text(response)
    last = client.post(f"{base(resident)}/confirm/", {"code": wrong(code)})
    assert "it was the last try" in text(last)
    locked = client.post(f"{base(resident)}/confirm/", {"code": code})
    assert locked.status_code == 400 and "too many times" in text(locked)
    assert not Application.objects.exists()


def test_a_code_that_is_not_six_digits_is_refused_without_counting(sent, resident):
    client, _code = sent
    response = client.post(f"{base(resident)}/confirm/", {"code": "12ab"})
    assert response.status_code == 400 and "must be the 6 digits" in text(response)
    assert WindowConfirmation.objects.get().attempts == 0


def test_a_failing_sms_gateway_neither_breaks_the_clerks_page_nor_loses_the_code(
    window_clerk, resident, sms_outbox, settings
):
    settings.NOTIFY_SMS_BACKEND = "banshi.notify.tests.backends.BrokenGateway"
    client = clerk_client(window_clerk)
    fill_in_for(client, resident)
    response = client.post(f"{base(resident)}/check/")
    assert response.status_code == 302 and response.url == f"{base(resident)}/confirm/"
    run_queued_texts()  # the worker meets the failing gateway; nothing is raised into a request
    assert WindowConfirmation.objects.count() == 1
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1

    again = client.post(f"{base(resident)}/check/", follow=True)
    assert again.status_code == 200 and "A code was sent less than a minute ago" in text(again)
    assert WindowConfirmation.objects.count() == 1


def test_only_window_clerks_may_use_the_window(resident, health_officer, outsider, catalog):
    for user in (resident, health_officer, outsider):
        client = logged_in(user)
        for path in (
            "/window/",
            "/window/applications/",
            f"/window/residents/{resident.pk}/",
            f"{base(resident)}/questions/",
            f"{base(resident)}/confirm/",
        ):
            assert client.get(path).status_code == 403, (user, path)
        assert client.post("/window/residents/new/", {"phone": PHONE, "display_name": "x"}).status_code == 403
    assert not User.objects.filter(phone=PHONE).exists()
    anonymous = Client().get("/window/")
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")


def test_a_clerk_of_another_window_cannot_see_or_hand_over_the_application(accepted, officers):
    work_everything(accepted, officers)
    other = clerk_client(_clerk("other-clerk", window_name="江北区政务服务中心综合窗口"))
    assert other.get(f"/window/applications/{accepted.number}/").status_code == 404
    response = other.post(f"/window/applications/{accepted.number}/hand-over/", {"delivery": "window"})
    assert response.status_code == 404
    assert accepted.number not in text(other.get("/window/applications/"))
    accepted.refresh_from_db()
    assert accepted.handed_over_at is None


def test_results_are_not_handed_over_before_the_application_is_complete(accepted, window_clerk):
    client = clerk_client(window_clerk)
    response = client.post(f"/window/applications/{accepted.number}/hand-over/", {"delivery": "window"})
    assert response.status_code == 409
    assert "Only a complete application" in text(response)
    accepted.refresh_from_db()
    assert accepted.handed_over_at is None


def test_posting_the_results_requires_a_tracking_number(accepted, window_clerk, officers, resident):
    work_everything(accepted, officers)
    client = clerk_client(window_clerk)
    page = text(client.get(f"/window/applications/{accepted.number}/"))
    assert 'id="hand-over-form"' in page
    assert "/certificates/" in page and ".pdf" in page  # the documents to print
    assert accepted.number in text(client.get("/window/applications/"))

    missing = client.post(f"/window/applications/{accepted.number}/hand-over/", {"delivery": "post"})
    assert missing.status_code == 400
    assert "Postal tracking number is required when the results are posted" in text(missing)
    accepted.refresh_from_db()
    assert accepted.handed_over_at is None

    # Nothing is posted without the full postal address the clerk takes from the resident first.
    no_address = client.post(
        f"/window/applications/{accepted.number}/hand-over/",
        {"delivery": "post", "tracking_number": "SF1234567890"},
        headers={"accept-language": "en"},
    )
    assert no_address.status_code == 409 and "postal address" in text(no_address)
    address = {
        "delivery": "post",
        "recipient": "李梅",
        "phone": "13800138000",
        "address": "重庆市渝中区解放碑路 1 号",
        "postcode": "400010",
    }
    assert client.post(f"/window/applications/{accepted.number}/delivery/", address).status_code == 302

    posted = client.post(
        f"/window/applications/{accepted.number}/hand-over/",
        {"delivery": "post", "tracking_number": "SF1234567890"},
    )
    assert posted.status_code == 302
    accepted.refresh_from_db()
    assert (accepted.result_delivery, accepted.tracking_number) == ("post", "SF1234567890")
    assert "tracking number SF1234567890" in text(client.get(posted.url))
    status = text(
        logged_in(resident).get(f"/applications/{accepted.number}/", headers={"accept-language": "en"})
    )
    assert "posted, tracking number SF1234567890" in status


def test_a_clerk_hands_the_results_over_at_the_window(accepted, window_clerk, officers):
    work_everything(accepted, officers)
    client = clerk_client(window_clerk)
    assert "1 application is complete: hand over its results" in text(client.get("/window/"))
    ready = text(client.get("/window/applications/"))
    assert 'id="ready"' in ready and accepted.number in ready
    response = client.post(f"/window/applications/{accepted.number}/hand-over/", {"delivery": "window"})
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.handed_over_at is not None and accepted.result_delivery == "window"
    assert "Handed over at the window" in text(client.get(response.url))
    assert "hand over" not in text(client.get("/window/"))
    again = client.post(f"/window/applications/{accepted.number}/hand-over/", {"delivery": "window"})
    assert again.status_code == 409


def test_the_clerks_drafts_for_two_residents_do_not_mix(window_clerk, resident, other_resident):
    client = clerk_client(window_clerk)
    client.get(f"/window/residents/{resident.pk}/")
    fill_in_for(client, resident)
    client.get(f"/window/residents/{other_resident.pk}/")
    response = client.get(f"{base(other_resident)}/details/")
    assert response.status_code == 302 and response.url == f"{base(other_resident)}/questions/"
    # Serving another resident forgets the first one's draft: they have left the window.
    assert client.get(f"{base(resident)}/check/").url == f"{base(resident)}/questions/"
