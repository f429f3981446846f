"""The fragments the video window's pages swap in with htmx, in a real Chromium against uvicorn: the
call panel keeps what the clerk is entering while the other side changes what it shows, and the queue
page, without a socket, learns of the call by polling."""

import os

import pytest
from playwright.sync_api import expect, sync_playwright

from banshi.remote import services
from banshi.remote.tests.servers import CALL_CHROMIUM_ARGS, asgi_server, call_page, can_log_in, log_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

ANSWERS = {
    "register_with": "father",
    "collector": "mother",
    "maternity_reimbursement": "no",
    "card_delivery": "window",
}


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CALL_CHROMIUM_ARGS)
        yield browser
        browser.close()


def share(session, resident, uploads, name: str) -> None:
    """The resident shares (again) their application, every document but the household register."""
    materials = {key: upload for key, upload in uploads.items() if key != "hukou_book"}
    draft = {
        "bundle": "newborn",
        "answers": ANSWERS,
        "values": {"newborn.name": name},
        "materials": materials,
    }
    services.call_draft_share(actor=resident, session_id=session.pk, draft=draft)


def test_what_the_clerk_is_entering_survives_the_changes_of_the_other_side(
    transactional_db, chromium, call_session, call_clerk, resident, uploads, tmp_path
):
    can_log_in(call_clerk)
    share(call_session, resident, uploads, "王小明")
    with asgi_server(tmp_path) as base:
        desk = call_page(chromium, base)
        log_in(desk, call_clerk.username)
        desk.goto(f"/video/calls/{call_session.pk}/")
        expect(desk.locator("#call-panel")).to_contain_text("王小明")

        # Half-way through one verdict, the clerk records another, and one is refused beside its field.
        desk.check("#review-mother_id_card-needs_fixing")
        desk.fill("#review-mother_id_card-reason", "照片模糊")
        desk.check("#review-father_id_card-accepted")
        desk.click("#review-father_id_card-save")
        expect(desk.locator("#material-father_id_card")).to_have_attribute("data-verdict", "accepted")
        desk.check("#review-marriage_certificate-needs_fixing")
        desk.click("#review-marriage_certificate-save")
        refused = desk.locator("#review-marriage_certificate .error-message")
        expect(refused).to_be_visible()

        # The resident shares again: the panel shows it, and leaves the clerk's entries as they were.
        share(call_session, resident, uploads, "王小红")
        desk.evaluate("htmx.trigger(document.getElementById('call-panel'), 'refresh')")  # as the socket does
        expect(desk.locator("#call-panel")).to_contain_text("王小红")
        expect(desk.locator("#review-mother_id_card-needs_fixing")).to_be_checked()
        expect(desk.locator("#review-mother_id_card-reason")).to_have_value("照片模糊")
        expect(desk.locator("#review-marriage_certificate-needs_fixing")).to_be_checked()
        expect(refused).to_be_visible()
        expect(desk.locator("#material-father_id_card")).to_have_attribute("data-verdict", "accepted")

        # The resident's video shows nothing yet (they have not joined): no still, said beside the button.
        desk.click("#capture-hukou_book")
        expect(desk.locator("#capture-hukou_book-form .error-message")).to_be_visible()
        expect(desk.locator("#material-hukou_book")).to_have_attribute("data-uploaded", "no")

        # The unsaved verdict, recorded at last.
        desk.click("#review-mother_id_card-save")
        expect(desk.locator("#material-mother_id_card")).to_have_attribute("data-verdict", "needs_fixing")
        expect(desk.locator("#verdict-mother_id_card")).to_contain_text("照片模糊")
        desk.context.close()


def test_without_a_socket_the_queue_page_polls_and_shows_the_call(
    transactional_db, chromium, call_window, call_clerk, resident, tmp_path
):
    can_log_in(resident)
    services.ticket_take(actor=resident, window_id=call_window.pk)
    with asgi_server(tmp_path) as base:
        home = call_page(chromium, base)
        home.add_init_script("delete window.WebSocket;")
        log_in(home, resident.username)
        home.goto(f"/video/windows/{call_window.pk}/queue/")
        expect(home.locator("#ticket-position")).to_have_text("1")
        expect(home.locator("#join-call")).to_be_hidden()
        session = services.call_start(actor=call_clerk)
        expect(home.locator("#join-call")).to_be_visible(timeout=12_000)
        expect(home.locator("#join-call")).to_have_attribute("href", f"/video/calls/{session.pk}/")
        expect(home.locator("#join-call")).to_be_focused()
        home.context.close()
