"""The call page and the requests made during a call: only its two participants see them, each does
one thing through one service, answers in the project's JSON error shape, and tells both pages of the
call what changed."""

import asyncio
import re

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers, get_channel_layer
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from banshi.audit.models import Event
from banshi.cases.models import Draft, Upload
from banshi.conftest import NEWBORN_MATERIALS, png_bytes
from banshi.remote import services
from banshi.remote.models import CallSession, PreReview

ANSWERS = {
    "register_with": "father",
    "collector": "mother",
    "maternity_reimbursement": "no",
    "card_delivery": "window",
}


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def browser_of(user, draft: dict | None = None) -> Client:
    """A signed-in browser; with `draft`, the newborn application its user has started."""
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    if draft is not None:
        Draft.objects.create(
            owner=user, applicant=user, bundle_code="newborn", token="t", updated_at=timezone.now(), **draft
        )
    return client


@pytest.fixture
def draft(resident, uploads):
    """The resident's unfinished newborn application: every document but the household register."""
    return {
        "answers": ANSWERS,
        "values": {"newborn.name": "王小明", "mother.name": "张丽"},
        "materials": {key: uploads[key] for key in NEWBORN_MATERIALS if key != "hukou_book"},
    }


@pytest.fixture
def shared(call_session, resident, draft):
    services.call_draft_share(
        actor=resident, session_id=call_session.pk, draft={"bundle": "newborn", **draft}
    )
    return call_session


def listen(session: CallSession) -> str:
    """A channel in the call's room, as a page's socket would be."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(session.room, channel)
    return channel


def heard(channel: str) -> dict:
    """The next message pushed to the room; a push that never comes fails the test rather than hang it."""

    async def receive() -> dict:
        return await asyncio.wait_for(get_channel_layer().receive(channel), timeout=5)

    return async_to_sync(receive)()


def errors(response) -> list[dict]:
    assert response["Content-Type"] == "application/json"
    return response.json()["errors"]


# --- the page --------------------------------------------------------------------------------------


def test_both_participants_get_the_call_page_with_the_ice_servers(
    call_session, call_clerk, resident, settings
):
    settings.ICE_SERVERS = [{"urls": "turn:turn.example.org:3478", "username": "u", "credential": "p"}]
    for user, role in ((call_clerk, "clerk"), (resident, "resident")):
        response = browser_of(user).get(f"/video/calls/{call_session.pk}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert 'id="remote-video"' in page and "playsinline" in page
        assert 'data-state="connecting"' in page
        config = response.context["config"]
        assert config["role"] == role
        assert config["wsPath"] == f"/ws/calls/{call_session.pk}/"
        assert config["iceServers"] == settings.ICE_SERVERS
        assert '"turn:turn.example.org:3478"' in page  # in the page's JSON, for the script


def test_only_the_call_page_may_use_the_camera_and_the_microphone(call_session, resident):
    client = browser_of(resident)
    policy = dict(
        item.split("=")
        for item in client.get(f"/video/calls/{call_session.pk}/")["Permissions-Policy"].split(", ")
    )
    assert policy["camera"] == policy["microphone"] == "(self)" and policy["display-capture"] == "()"
    for elsewhere in (f"/video/calls/{call_session.pk}/panel/", "/video/", "/"):
        policy = dict(item.split("=") for item in client.get(elsewhere)["Permissions-Policy"].split(", "))
        assert policy["camera"] == policy["microphone"] == "()", elsewhere


def test_nobody_else_sees_the_call_page_or_its_panel(call_session, outsider, other_resident):
    for user in (outsider, other_resident):
        client = browser_of(user)
        assert client.get(f"/video/calls/{call_session.pk}/").status_code == 404
        assert client.get(f"/video/calls/{call_session.pk}/panel/").status_code == 404
    response = Client().get(f"/video/calls/{call_session.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_ended_call_shows_what_was_decided_without_the_video(shared, call_clerk, resident):
    services.prereview_record(
        actor=call_clerk, session_id=shared.pk, material="mother_id_card", verdict="accepted"
    )
    services.call_end(actor=call_clerk, session_id=shared.pk, outcome=CallSession.Outcome.PRE_REVIEWED)
    response = browser_of(resident).get(f"/video/calls/{shared.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-state="ended"' in page
    assert 'id="remote-video"' not in page
    assert "js/call.js" not in page
    assert 'id="material-mother_id_card"' in page and 'data-verdict="accepted"' in page
    assert 'id="call-summary"' in page


# --- sharing the application -------------------------------------------------------------------------


def test_the_resident_shares_the_application_they_started(
    call_session, resident, draft, uploads, django_capture_on_commit_callbacks
):
    room = listen(call_session)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser_of(resident, draft).post(
            f"/video/calls/{call_session.pk}/share/", {"bundle": "newborn"}
        )
    assert response.status_code == 200, response.content
    call_session.refresh_from_db()
    assert call_session.draft["bundle"] == "newborn"
    assert call_session.draft["materials"] == draft["materials"]
    assert Event.objects.filter(subject_id=str(call_session.pk), event_type="call.draft_shared").exists()
    assert heard(room) == {"type": "call.event", "event": "draft"}


def test_sharing_without_a_started_application_is_refused_beside_the_button(call_session, resident):
    response = browser_of(resident).post(f"/video/calls/{call_session.pk}/share/", {"bundle": "newborn"})
    assert response.status_code == 400
    assert [error["field"] for error in errors(response)] == ["bundle"]
    call_session.refresh_from_db()
    assert call_session.draft == {}


def test_only_the_resident_shares_and_only_in_their_call(call_session, call_clerk, other_resident, draft):
    response = browser_of(call_clerk, draft).post(
        f"/video/calls/{call_session.pk}/share/", {"bundle": "newborn"}
    )
    assert response.status_code == 403
    assert errors(response)[0]["field"] == ""
    response = browser_of(other_resident, draft).post(
        f"/video/calls/{call_session.pk}/share/", {"bundle": "newborn"}
    )
    assert response.status_code == 404
    call_session.refresh_from_db()
    assert call_session.draft == {}


# --- the clerk's stills and verdicts -------------------------------------------------------------------


def capture(client, session, material="hukou_book", content=None):
    file = SimpleUploadedFile("capture.png", content or png_bytes("white"), content_type="image/png")
    return client.post(f"/video/calls/{session.pk}/capture/", {"material": material, "file": file})


def test_the_clerk_keeps_a_still_from_the_video_as_the_residents_document(
    shared, call_clerk, resident, django_capture_on_commit_callbacks
):
    room = listen(shared)
    with django_capture_on_commit_callbacks(execute=True):
        response = capture(browser_of(call_clerk), shared)
    assert response.status_code == 201, response.content
    upload = Upload.objects.get(pk=response.json()["upload"])
    assert upload.owner == resident and upload.kind == Upload.Kind.PNG
    shared.refresh_from_db()
    assert shared.draft["materials"]["hukou_book"] == upload.pk
    assert heard(room) == {"type": "call.event", "event": "draft"}
    # Both may look at it through the call.
    for user in (call_clerk, resident):
        file = browser_of(user).get(response.json()["url"])
        assert file.status_code == 200
        assert file["Content-Type"] == "image/png"
        assert b"".join(file.streaming_content).startswith(b"\x89PNG")


def test_a_still_that_is_not_an_image_or_of_no_document_is_refused(shared, call_clerk):
    clerk = browser_of(call_clerk)
    response = capture(clerk, shared, content=b"not a picture at all")
    assert response.status_code == 400
    assert errors(response)[0]["field"] == "file"
    response = capture(clerk, shared, material="passport")
    assert response.status_code == 400
    assert errors(response)[0]["field"] == "material"
    response = clerk.post(f"/video/calls/{shared.pk}/capture/", {"material": "hukou_book"})
    assert errors(response) == [{"field": "file", "message": "is missing"}]
    shared.refresh_from_db()
    assert "hukou_book" not in shared.draft["materials"]


def test_a_still_before_anything_was_shared_is_a_conflict(call_session, call_clerk):
    response = capture(browser_of(call_clerk), call_session)
    assert response.status_code == 409
    assert Upload.objects.count() == 0


def test_the_resident_cannot_capture_or_review(shared, resident):
    client = browser_of(resident)
    assert capture(client, shared).status_code == 403
    response = client.post(
        f"/video/calls/{shared.pk}/review/", {"material": "mother_id_card", "verdict": "accepted"}
    )
    assert response.status_code == 403
    assert not PreReview.objects.exists()


def test_the_clerks_verdicts_reach_both_pages(shared, call_clerk, django_capture_on_commit_callbacks):
    room = listen(shared)
    clerk = browser_of(call_clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(
            f"/video/calls/{shared.pk}/review/",
            {"material": "marriage_certificate", "verdict": "needs_fixing", "reason": "照片模糊"},
        )
    assert response.status_code == 200
    assert response.json() == {
        "material": "marriage_certificate",
        "verdict": "needs_fixing",
        "reason": "照片模糊",
    }
    assert heard(room) == {"type": "call.event", "event": "review"}
    panel = clerk.get(f"/video/calls/{shared.pk}/panel/").content.decode()
    assert 'id="material-marriage_certificate"' in panel and 'data-verdict="needs_fixing"' in panel
    assert "照片模糊" in panel


def test_needs_fixing_without_a_reason_is_refused_beside_the_reason(shared, call_clerk):
    response = browser_of(call_clerk).post(
        f"/video/calls/{shared.pk}/review/", {"material": "mother_id_card", "verdict": "needs_fixing"}
    )
    assert response.status_code == 400
    assert [error["field"] for error in errors(response)] == ["reason"]
    assert not PreReview.objects.exists()


def test_the_clerk_sees_the_shared_application_with_links_to_its_documents(shared, call_clerk, draft):
    panel = browser_of(call_clerk).get(f"/video/calls/{shared.pk}/panel/").content.decode()
    assert "王小明" in panel
    for key in NEWBORN_MATERIALS:
        assert f'id="review-{key}"' in panel
        assert f'id="capture-{key}"' in panel
    assert f'href="/video/calls/{shared.pk}/materials/mother_id_card/"' in panel
    assert 'id="material-hukou_book"' in panel and 'data-uploaded="no"' in panel


def test_documents_of_the_call_are_not_served_to_others_or_beyond_the_shared_ones(
    shared, outsider, call_clerk
):
    assert browser_of(outsider).get(f"/video/calls/{shared.pk}/materials/mother_id_card/").status_code == 404
    assert browser_of(call_clerk).get(f"/video/calls/{shared.pk}/materials/hukou_book/").status_code == 404


# --- ending ------------------------------------------------------------------------------------------------


def test_the_clerk_ends_the_call_and_both_pages_are_told(
    call_session, call_clerk, resident, django_capture_on_commit_callbacks
):
    room = listen(call_session)
    assert (
        browser_of(resident).post(f"/video/calls/{call_session.pk}/end/", {"outcome": "served"}).status_code
        == 403
    )
    clerk = browser_of(call_clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(f"/video/calls/{call_session.pk}/end/", {"outcome": "served"})
    assert response.status_code == 200
    assert response.json()["status"] == "ended"
    assert heard(room) == {"type": "call.event", "event": "ended"}
    call_session.refresh_from_db()
    assert call_session.status == CallSession.Status.ENDED
    again = clerk.post(f"/video/calls/{call_session.pk}/end/", {"outcome": "served"})
    assert again.status_code == 404
    assert errors(again)[0]["field"] == ""


def test_an_unknown_outcome_is_refused(call_session, call_clerk):
    response = browser_of(call_clerk).post(f"/video/calls/{call_session.pk}/end/", {"outcome": "great"})
    assert response.status_code == 400
    assert errors(response)[0]["field"] == "outcome"
    call_session.refresh_from_db()
    assert call_session.status == CallSession.Status.CALLING


def test_the_requests_need_the_csrf_token(call_session, call_clerk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(call_clerk)
    assert client.post(f"/video/calls/{call_session.pk}/end/", {"outcome": "served"}).status_code == 403
    page = client.get(f"/video/calls/{call_session.pk}/")
    token = page.context["config"]["csrf"]
    response = client.post(
        f"/video/calls/{call_session.pk}/end/", {"outcome": "served"}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200


def test_any_caller_of_the_services_tells_both_pages_once_it_is_committed(
    call_session, call_clerk, django_capture_on_commit_callbacks
):
    room = listen(call_session)
    with django_capture_on_commit_callbacks(execute=False) as scheduled:
        services.call_end(actor=call_clerk, session_id=call_session.pk, outcome="served")
    assert scheduled, "the push waits for the commit"
    for callback in scheduled:
        callback()
    pushed = [heard(room)]
    assert {"type": "call.event", "event": "ended"} in pushed


# --- the page's own requests (htmx): answered with what the page swaps in ------------------------------

FROM_PAGE = {"HX-Request": "true"}


def test_the_page_gets_the_sockets_path_below_the_sites_prefix_and_the_close_codes(
    call_session, call_clerk, settings
):
    from banshi.remote import consumers

    settings.PUBLIC_URL = "https://zwfw.example.gov.cn/banshi"
    config = browser_of(call_clerk).get(f"/video/calls/{call_session.pk}/").context["config"]
    assert config["wsPath"] == f"/banshi/ws/calls/{call_session.pk}/"
    assert config["closeCodes"] == {
        "refused": consumers.CLOSE_REFUSED,
        "ended": consumers.CLOSE_ENDED,
        "replaced": consumers.CLOSE_REPLACED,
        "flooded": consumers.CLOSE_FLOODED,
    }


def test_the_page_loads_the_vendored_htmx_by_its_hashed_name(call_session, call_clerk, production_static):
    from django.contrib.staticfiles.storage import staticfiles_storage

    from banshi.conftest import vendored

    page = browser_of(call_clerk).get(f"/video/calls/{call_session.pk}/").content.decode()
    for name in (vendored("htmx.org"), vendored("idiomorph"), "js/morph.js", "js/call.js"):
        url = staticfiles_storage.url(name)
        assert re.fullmatch(r"/static/.+\.[0-9a-f]{12}\.js", url)
        assert f'<script src="{url}" defer></script>' in page
        assert (production_static / url.removeprefix("/static/")).is_file()
    # Nothing a Content-Security-Policy without inline scripts would block.
    assert inline_scripts(page) == []


def inline_scripts(page: str) -> list[str]:
    """The page's scripts that are not files: <script> blocks that run, and on…= attributes."""
    from html.parser import HTMLParser

    found = []

    class Scripts(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if tag == "script" and "src" not in attributes and attributes.get("type") != "application/json":
                found.append(f"<script {attributes}>")
            found.extend(f"{tag} {name}=" for name, _value in attrs if name.startswith("on"))

    Scripts().feed(page)
    return found


def test_sharing_from_the_page_is_answered_with_the_panel(call_session, resident, draft):
    response = browser_of(resident, draft).post(
        f"/video/calls/{call_session.pk}/share/", {"bundle": "newborn"}, headers=FROM_PAGE
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    panel = response.content.decode()
    assert 'id="shared-bundle" data-bundle="newborn"' in panel and "王小明" in panel
    assert re.search(r'<form [^>]*id="share-newborn"[^>]*data-answered', panel)
    call_session.refresh_from_db()
    assert call_session.draft["bundle"] == "newborn"


def test_a_refused_verdict_from_the_page_is_answered_beside_the_reason(shared, call_clerk):
    response = browser_of(call_clerk).post(
        f"/video/calls/{shared.pk}/review/",
        {"material": "mother_id_card", "verdict": "needs_fixing"},
        headers=FROM_PAGE,
    )
    assert response.status_code == 400
    panel = response.content.decode()
    form = re.search(r'<form id="review-mother_id_card".*?</form>', panel, re.S).group(0)
    assert "data-answered" in form
    label, _rest = form.split('<textarea name="reason"')
    assert label.rindex('class="error-message"') > label.index('for="review-mother_id_card-reason"')
    # The other forms are not the answer: the page leaves what is being entered in them alone.
    other = re.search(r'<form id="review-father_id_card".*?</form>', panel, re.S).group(0)
    assert "data-keep-input" in other and "data-answered" not in other and "error-message" not in other
    assert not PreReview.objects.exists()


def test_a_verdict_from_the_page_is_answered_with_the_panel_showing_it(
    shared, call_clerk, django_capture_on_commit_callbacks
):
    room = listen(shared)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser_of(call_clerk).post(
            f"/video/calls/{shared.pk}/review/",
            {"material": "mother_id_card", "verdict": "accepted"},
            headers=FROM_PAGE,
        )
    assert response.status_code == 200
    assert 'id="material-mother_id_card" data-material="mother_id_card" data-verdict="accepted"' in (
        response.content.decode()
    )
    assert heard(room) == {"type": "call.event", "event": "review"}


def test_a_capture_without_a_picture_is_answered_beside_the_button(shared, call_clerk):
    response = browser_of(call_clerk).post(
        f"/video/calls/{shared.pk}/capture/", {"material": "hukou_book"}, headers=FROM_PAGE
    )
    assert response.status_code == 400
    form = re.search(r'<form id="capture-hukou_book-form".*?</form>', response.content.decode(), re.S).group(
        0
    )
    assert "There is no picture from the resident&#x27;s camera yet." in form and "data-answered" in form
    shared.refresh_from_db()
    assert "hukou_book" not in shared.draft["materials"]


def test_a_still_from_the_page_is_answered_with_the_panel_linking_it(shared, call_clerk):
    file = SimpleUploadedFile("capture.png", png_bytes("white"), content_type="image/png")
    response = browser_of(call_clerk).post(
        f"/video/calls/{shared.pk}/capture/", {"material": "hukou_book", "file": file}, headers=FROM_PAGE
    )
    assert response.status_code == 200
    assert 'id="material-hukou_book" data-material="hukou_book" data-verdict="" data-uploaded="yes"' in (
        response.content.decode()
    )


def test_ending_from_the_page_leaves_the_rest_to_the_page(call_session, call_clerk):
    clerk = browser_of(call_clerk)
    refused = clerk.post(f"/video/calls/{call_session.pk}/end/", {"outcome": "great"}, headers=FROM_PAGE)
    assert refused.status_code == 400
    form = refused.content.decode()
    assert form.count("<form ") == 1 and 'id="end-call"' in form and "data-answered" in form
    assert form.index('class="error-message"') > form.index('for="end-outcome"')
    response = clerk.post(f"/video/calls/{call_session.pk}/end/", {"outcome": "served"}, headers=FROM_PAGE)
    assert response.status_code == 204
    call_session.refresh_from_db()
    assert call_session.status == CallSession.Status.ENDED


def test_ending_the_call_asks_first_and_has_no_outcome_chosen(call_session, call_clerk, draft):
    page = browser_of(call_clerk).get(f"/video/calls/{call_session.pk}/").content.decode()
    form = page[page.index('<form id="end-call"') : page.index("</form>", page.index('<form id="end-call"'))]
    assert 'hx-confirm="End the call for both of you? It cannot be resumed."' in form
    assert '<option value="" selected>Choose the outcome…</option>' in form
    assert form.count(" selected") == 1  # nothing but the empty choice is chosen for the clerk
    for empty in ({}, {"outcome": ""}):
        refused = browser_of(call_clerk).post(
            f"/video/calls/{call_session.pk}/end/", empty, headers=FROM_PAGE
        )
        assert refused.status_code == 400
        assert "is required: choose what the call came to" in refused.content.decode()
    call_session.refresh_from_db()
    assert call_session.status == CallSession.Status.CALLING and call_session.outcome == ""


def test_the_chat_comes_back_with_the_page_on_both_sides_and_stays_once_the_call_has_ended(
    call_session, call_clerk, resident
):
    services.call_chat_post(actor=call_clerk, session_id=call_session.pk, text="请把户口簿举到镜头前")
    services.call_chat_post(actor=resident, session_id=call_session.pk, text="<b>好的</b>")
    for user, mine, theirs in (
        (call_clerk, "请把户口簿举到镜头前", "Resident"),
        (resident, "&lt;b&gt;好的", "Clerk"),
    ):
        page = browser_of(user).get(f"/video/calls/{call_session.pk}/").content.decode()
        log = page[page.index('<ol id="chat-log"') : page.index("</ol>", page.index('<ol id="chat-log"'))]
        assert log.count("<li ") == 2
        assert f'<li class="chat-mine"><strong>You: </strong>{mine}' in log
        assert f'<li class="chat-theirs"><strong>{theirs}: </strong>' in log
        assert "<b>" not in log
        assert 'id="chat-form"' in page
    services.call_end(actor=call_clerk, session_id=call_session.pk, outcome=CallSession.Outcome.SERVED)
    page = browser_of(resident).get(f"/video/calls/{call_session.pk}/").content.decode()
    assert page.count('<li class="chat-') == 2  # the record of the advice given
    assert 'id="chat-form"' not in page and 'id="remote-video"' not in page
    assert 'id="toggle-audio"' not in page and "js/call.js" not in page
