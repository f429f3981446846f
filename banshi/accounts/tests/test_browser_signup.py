"""A real Chromium on a phone-sized screen signs up: every field's error at once, the passwords still
typed after another field's error, the code texted to the number, and the page asked for at the end."""

import os

import pytest
from playwright.sync_api import expect

from banshi.accounts.models import User
from banshi.cases.tests.test_browser import new_page, signup_code
from banshi.conftest import PASSWORD

# Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

PHONE = "13700000051"
PHONE_VIEWPORT = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}


def test_a_resident_signs_up_on_a_phone_in_one_round_and_lands_on_the_page_they_wanted(
    transactional_db, live_server, browser, catalog, sms_outbox
):
    page = new_page(browser, live_server.url, **PHONE_VIEWPORT)
    page.goto("/bundles/newborn/")
    # The header's link keeps the page, and so does the log-in page's.
    page.click('nav a[href^="/accounts/login/"]')
    page.click('nav a[href^="/accounts/signup/"]')
    expect(page).to_have_url(f"{live_server.url}/accounts/signup/?next=%2Fbundles%2Fnewborn%2F")

    page.fill("#id_phone", "1370000")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("#send-code")
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("手机号")  # the page is in the browser's language
    expect(summary.locator("li")).to_have_count(2)  # the number and the missing name, together
    expect(page.locator("#id_password1")).to_have_value(PASSWORD)
    expect(page.locator("#id_password2")).to_have_value(PASSWORD)

    page.fill("#id_phone", PHONE)
    page.fill("#id_display_name", "张丽")
    page.click("#send-code")
    expect(page.locator("#id_code")).to_be_focused()
    expect(page.locator("#id_password1")).to_have_value(PASSWORD)
    assert not User.objects.filter(phone=PHONE).exists()

    page.fill("#id_code", signup_code(PHONE))
    page.click("#signup")
    expect(page).to_have_url(f"{live_server.url}/bundles/newborn/")
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("#logout")).to_be_visible()
    assert User.objects.get(phone=PHONE).display_name == "张丽"
    page.context.close()
