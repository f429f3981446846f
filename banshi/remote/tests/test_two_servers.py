"""Two server processes sharing a Redis channel layer, as a city runs several behind one proxy: the
resident's browser talks to one, the clerk's to the other, and the call still connects (the queue
update and every signaling message cross from one process to the other through Redis)."""

import os
import re

import pytest
from playwright.sync_api import expect, sync_playwright

from banshi.remote.models import CallSession
from banshi.remote.tests.servers import (
    CALL_CHROMIUM_ARGS,
    asgi_server,
    call_page,
    can_log_in,
    expect_connected,
    log_in,
    redis_server,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


def test_a_call_connects_between_browsers_served_by_two_processes(
    transactional_db, call_window, call_clerk, resident, tmp_path
):
    can_log_in(call_clerk, resident)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        redis_server(tmp_path) as redis_url,
        asgi_server(tmp_path / "a", redis_url=redis_url, name="server-a") as server_a,
        asgi_server(tmp_path / "b", redis_url=redis_url, name="server-b") as server_b,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CALL_CHROMIUM_ARGS)
        home = call_page(browser, server_a)
        log_in(home, resident.username)
        home.goto(f"/video/windows/{call_window.pk}/queue/")
        home.click("#take-number")
        expect(home.locator("#ticket-position")).to_have_text("1")

        desk = call_page(browser, server_b)
        log_in(desk, call_clerk.username)
        desk.goto("/video/console/")
        desk.click("#call-next")
        expect(desk).to_have_url(re.compile(r"/video/calls/\d+/$"))

        # The clerk's call, made on server B, reaches the resident's page on server A.
        expect(home.locator("#join-call")).to_be_visible()
        home.click("#join-call")
        for page in (home, desk):
            expect_connected(page)
        desk.fill("#chat-input", "您好")
        desk.click("#chat-send")
        expect(home.locator("#chat-log")).to_contain_text("您好")
        session = CallSession.objects.get(clerk=call_clerk)
        assert session.status == CallSession.Status.ACTIVE
        browser.close()
