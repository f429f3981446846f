"""A real Chromium on a phone: the header's language switch takes the resident to Traditional Chinese."""

import os

import pytest
from playwright.sync_api import expect

from banshi.ui.tests.test_browser_switches import new_page

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


def test_choosing_traditional_chinese_in_the_header_shows_the_page_in_it(
    transactional_db, live_server, browser, catalog
):
    page = new_page(browser, live_server.url)
    page.goto("/")
    header = page.locator("header .header-tools")
    expect(header.locator('[aria-current="true"]')).to_have_text("简体中文")
    page.click('header button[name="language"][value="zh-hant"]')
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    expect(page.locator("h1")).to_have_text("一件事，一次辦")
    expect(page.locator(".card-list")).to_contain_text("新生兒出生一件事")
    expect(header.locator('[aria-current="true"]')).to_have_text("繁體中文")
    expect(header.locator('button[name="language"]')).to_have_text(["简体中文", "English"])
