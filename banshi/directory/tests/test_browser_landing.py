"""A real Chromium on a phone: each member of staff logs in from the home page and lands where they work,
with their own pages in the menu."""

import os

import pytest
from playwright.sync_api import expect

from banshi.cases.tests.test_browser import new_page
from banshi.conftest import PASSWORD, _user
from banshi.directory.models import Area, Membership, Window

# Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

PHONE_VIEWPORT = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}


def log_in_from_home(page, username: str) -> None:
    page.goto("/")
    page.click('nav a[href^="/accounts/login/"]')
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login")


def test_officer_clerk_and_supervisor_each_land_where_they_work(
    transactional_db, live_server, browser, health_officer, window_clerk
):
    video = Window.objects.create(
        name="渝中区视频窗口", kind=Window.Kind.VIDEO, area=Area.objects.get(code="500103")
    )
    video_clerk = _user("vclerk")
    Membership.objects.create(user=video_clerk, role=Membership.Role.CLERK, window=video)
    supervisor = _user("supervisor")
    Membership.objects.create(user=supervisor, role=Membership.Role.SUPERVISOR)

    for username, landing, present, absent in (
        ("health", "/work/", ["/work/"], ["/applications/", "/video/", "/supervise/"]),
        ("clerk", "/window/", ["/window/"], ["/applications/", "/work/"]),
        ("vclerk", "/video/console/", ["/video/console/"], ["/applications/", "/window/"]),
        ("supervisor", "/supervise/", ["/supervise/", "/video/stats/"], ["/applications/", "/work/"]),
    ):
        page = new_page(browser, live_server.url, **PHONE_VIEWPORT)
        log_in_from_home(page, username)
        expect(page).to_have_url(f"{live_server.url}{landing}")
        nav = page.locator("nav.site-nav")
        for href in present:
            expect(nav.locator(f'a[href="{href}"]')).to_be_visible()
        for href in absent:
            expect(nav.locator(f'a[href="{href}"]')).to_have_count(0)
        page.context.close()
