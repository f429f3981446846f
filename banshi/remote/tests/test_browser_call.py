"""A real video call between two Chromium pages with fake cameras, through uvicorn serving HTTP and
WebSockets as `make run` does: the resident takes a number, the clerk calls them, both see each other,
the resident shares their unfinished application, the clerk keeps a still of the missing document from
the video and accepts every document, and the resident sends the application from home, results by
post. A reload on either side rejoins the same call."""

import os
import re

import pytest
from playwright.sync_api import expect, sync_playwright

from banshi.cases.models import Application, Upload
from banshi.conftest import NEWBORN_MATERIALS, fill_newborn_details, newborn_values
from banshi.remote import services
from banshi.remote.models import CallSession, PreReview
from banshi.remote.tests.servers import (
    CALL_CHROMIUM_ARGS,
    asgi_server,
    call_page,
    can_log_in,
    expect_connected,
    log_in,
)

# Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

CAPTURED = "hukou_book"
# The browser refuses the camera and microphone (NotAllowedError), or has no camera (NotFoundError).
REFUSE_MEDIA = """(() => {
  const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (constraints) =>
    "ERROR_NAME" === "NotAllowedError" || constraints.video
      ? Promise.reject(new DOMException("refused in the test", "ERROR_NAME"))
      : real(constraints);
})();"""


def assert_becomes(session: CallSession, status: str, page) -> None:
    """The call's row reaches `status`: the pages show a change before the server has recorded what
    both sides reported, so the row is read again until it does (or the wait of an `expect` runs out)."""
    for _ in range(100):
        session.refresh_from_db()
        if session.status == status:
            return
        page.wait_for_timeout(100)
    assert session.status == status


@pytest.fixture(scope="module")
def call_browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CALL_CHROMIUM_ARGS)
        yield browser
        browser.close()


def start_application(page, tmp_path, *, leave_out: str) -> None:
    """The resident's unfinished newborn application: results by post, every document but one."""
    page.goto("/bundles/newborn/questions/")
    for question, option in (
        ("register-with", "father"),
        ("collector", "mother"),
        ("maternity-reimbursement", "no"),
        ("card-delivery", "post"),
    ):
        page.check(f"#answers-{question}-{option}")
    page.click("#continue")
    expect(page).to_have_url(re.compile(r"/bundles/newborn/details/$"))
    fill_newborn_details(
        page,
        tmp_path,
        values=newborn_values(**{"delivery.address": "重庆市渝中区解放碑街道民族路100号"}),
        leave_out=leave_out,
    )
    # The missing document stops the form here; what was given is kept in the draft.
    expect(page.locator("#error-summary")).to_be_visible()


def test_a_resident_is_called_shows_documents_on_camera_and_sends_the_application_from_home(
    transactional_db, call_browser, call_window, call_clerk, resident, tmp_path
):
    can_log_in(call_clerk, resident)
    with asgi_server(tmp_path) as base:
        home = call_page(call_browser, base, viewport={"width": 390, "height": 844}, is_mobile=True)
        log_in(home, resident.username)
        start_application(home, tmp_path, leave_out=CAPTURED)

        # The resident takes a number and waits on the queue page.
        home.goto(f"/video/windows/{call_window.pk}/queue/")
        home.select_option("select[name=bundle_code]", "newborn")
        home.click("#take-number")
        expect(home.locator("#ticket-position")).to_have_text("1")
        expect(home.locator("#join-call")).to_be_hidden()

        # The clerk's console counts them live, and the clerk calls the next resident.
        desk = call_page(call_browser, base)
        desk_context = desk.context
        log_in(desk, call_clerk.username)
        desk.goto("/video/console/")
        expect(desk.locator("#queue-waiting")).to_have_text("1")
        desk.click("#call-next")
        expect(desk).to_have_url(re.compile(r"/video/calls/\d+/$"))
        session = CallSession.objects.get(clerk=call_clerk)

        # The resident's page learns of the call by itself, without a reload. The clerk alone on
        # the call's page is no connected call.
        expect(home.locator("#join-call")).to_be_visible()
        session.refresh_from_db()
        assert session.status == CallSession.Status.CALLING and session.connected_at is None
        home.click("#join-call")
        expect(home).to_have_url(f"{base}/video/calls/{session.pk}/")
        for page in (home, desk):
            expect_connected(page)
        assert_becomes(session, CallSession.Status.ACTIVE, home)

        # They talk in the chat too.
        desk.fill("#chat-input", "请把户口簿举到镜头前")
        desk.click("#chat-send")
        expect(home.locator("#chat-log")).to_contain_text("请把户口簿举到镜头前")

        # The resident shares the application; the clerk sees it beside the video.
        home.click("#share-application")
        expect(desk.locator("#shared-bundle")).to_have_attribute("data-bundle", "newborn")
        expect(desk.locator("#call-panel")).to_contain_text("王小明")
        expect(desk.locator(f"#material-{CAPTURED}")).to_have_attribute("data-uploaded", "no")

        # The clerk keeps a still of the household register held up to the resident's camera.
        desk.click(f"#capture-{CAPTURED}")
        expect(desk.locator(f"#material-{CAPTURED}")).to_have_attribute("data-uploaded", "yes")
        expect(home.locator(f"#material-{CAPTURED}")).to_have_attribute("data-uploaded", "yes")
        captured = Upload.objects.get(pk=CallSession.objects.get(pk=session.pk).draft["materials"][CAPTURED])
        assert captured.owner == resident
        assert captured.kind == Upload.Kind.PNG

        # A verdict without a reason for "needs fixing" is refused beside the field.
        desk.check("#review-marriage_certificate-needs_fixing")
        desk.click("#review-marriage_certificate-save")
        expect(desk.locator("#review-marriage_certificate .error-message")).to_be_visible()

        # Every document accepted; the resident sees each verdict as it is given.
        for key in NEWBORN_MATERIALS:
            desk.check(f"#review-{key}-accepted")
            desk.click(f"#review-{key}-save")
            expect(home.locator(f"#material-{key}")).to_have_attribute("data-verdict", "accepted")
        assert PreReview.objects.filter(session=session, verdict=PreReview.Verdict.ACCEPTED).count() == 4

        # A reload on either side rejoins the same call, with the chat as it was.
        home.reload()
        for page in (home, desk):
            expect_connected(page)
        expect(home.locator("#chat-log li")).to_have_count(1)
        expect(home.locator("#chat-log")).to_contain_text("请把户口簿举到镜头前")
        assert_becomes(session, CallSession.Status.ACTIVE, home)

        # The clerk closes the tab: the resident is told, the call waits, the console offers to resume.
        desk.close()
        expect(home.locator("#call-status")).to_have_attribute("data-state", "reconnecting")
        assert_becomes(session, CallSession.Status.INTERRUPTED, home)
        desk = desk_context.new_page()
        desk.goto("/video/console/")
        expect(desk.locator(f"#call-{session.pk}")).to_have_attribute("data-status", "interrupted")
        # "Call the next resident" cannot be used meanwhile, and looks it.
        call_next = desk.locator("#call-next")
        expect(call_next).to_be_disabled()
        expect(call_next).to_have_css("cursor", "not-allowed")
        expect(call_next).to_have_css("box-shadow", "none")
        desk.click(f"#resume-{session.pk}")
        for page in (home, desk):
            expect_connected(page)
        assert_becomes(session, CallSession.Status.ACTIVE, home)
        # The resumed call shows the same conversation on both sides.
        home.fill("#chat-input", "户口簿在这里")
        home.click("#chat-send")
        for page in (home, desk):
            expect(page.locator("#chat-log li")).to_have_count(2)
            expect(page.locator("#chat-log li").first).to_contain_text("请把户口簿举到镜头前")
            expect(page.locator("#chat-log li").last).to_contain_text("户口簿在这里")

        # Ending asks first, and the outcome is the clerk's to choose: without one nothing ends.
        asked: list[str] = []
        desk.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        desk.click("#end-call-button")
        expect(desk.locator("#end-outcome")).to_have_value("")
        session.refresh_from_db()
        assert session.status == CallSession.Status.ACTIVE and not asked  # the browser kept the form
        desk.select_option("#end-outcome", CallSession.Outcome.PRE_REVIEWED)
        desk.click("#end-call-button")
        for page in (home, desk):
            expect(page.locator("#call-status")).to_have_attribute("data-state", "ended")
        assert len(asked) == 1  # asked once, and only once the outcome was chosen
        # The pages say the call is over: no video boxes, no live buttons, no chat box; the chat stays.
        for page in (home, desk):
            for gone in (".call-videos", ".call-controls", "#chat-form", "#end-call"):
                expect(page.locator(gone)).to_be_hidden()
            expect(page.locator("#chat-log li")).to_have_count(2)
        session.refresh_from_db()
        assert session.status == CallSession.Status.ENDED
        assert session.signaling_messages > 0

        # Back home, the resident sends the application; the results come by post.
        home.click("#call-summary")
        home.click("#continue-application")
        expect(home).to_have_url(f"{base}/bundles/newborn/check/")
        home.click("#submit")
        number = home.locator("#reference").inner_text().strip()
        application = Application.objects.get(number=number)
        assert application.channel == Application.Channel.VIDEO
        assert application.result_delivery == Application.ResultDelivery.POST
        assert application.materials.get(key=CAPTURED).upload_id == captured.pk
        session.refresh_from_db()
        assert session.application == application
        home.context.close()
        desk_context.close()


@pytest.mark.parametrize(
    "refusal, problem",
    [
        ("NotAllowedError", "media_denied"),  # the resident said no to the camera and the microphone
        ("NotFoundError", "camera_missing"),  # the resident's computer has no camera, only a microphone
    ],
)
def test_a_resident_without_a_camera_is_told_why_and_still_sees_and_hears_the_clerk(
    refusal, problem, transactional_db, call_browser, call_window, call_clerk, resident, tmp_path
):
    can_log_in(call_clerk, resident)
    services.ticket_take(actor=resident, window_id=call_window.pk)
    session = services.call_start(actor=call_clerk)
    with asgi_server(tmp_path) as base:
        home = call_page(call_browser, base)
        home.add_init_script(REFUSE_MEDIA.replace("ERROR_NAME", refusal))
        log_in(home, resident.username)
        desk = call_page(call_browser, base)
        log_in(desk, call_clerk.username)
        home.goto(f"/video/calls/{session.pk}/")
        desk.goto(f"/video/calls/{session.pk}/")

        expect(home.locator("#call-problem")).to_have_attribute("data-problem", problem)
        expect(home.locator("#call-problem")).to_be_visible()
        expect(desk.locator("#call-problem")).to_be_hidden()
        expect_connected(home)  # the clerk's camera, received
        expect(desk.locator("#call-status")).to_have_attribute("data-state", "connected")
        expect(home.locator("#toggle-video")).to_be_disabled()
        home.context.close()
        desk.context.close()
