"""A real Chromium on a phone: switching the language or the large-text mode in the middle of a form
keeps everything typed (not an empty form, not the older draft)."""

import os

import pytest
from playwright.sync_api import expect

from banshi.cases.tests import test_browser
from banshi.cases.tests.test_browser import log_in
from banshi.conftest import newborn_values

# Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

PHONE_VIEWPORT = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}


def serve_static(route) -> None:
    """The site's own static files, found as `collectstatic` finds them: pytest-django's live server
    serves them only from STATIC_ROOT, which the tests do not fill, and this page needs its script."""
    from urllib.parse import urlsplit

    from django.contrib.staticfiles import finders

    found = finders.find(urlsplit(route.request.url).path.removeprefix("/static/"))
    if found:
        route.fulfill(path=found)
    else:
        route.fulfill(status=404)


def new_page(browser, base_url: str):
    page = test_browser.new_page(browser, base_url, **PHONE_VIEWPORT)
    page.context.route("**/static/**", serve_static)
    return page


def field(key: str) -> str:
    return "#fields-" + key.replace(".", "-").replace("_", "-")


def test_switching_language_and_text_size_mid_form_keeps_what_was_typed(
    transactional_db, live_server, browser, resident
):
    page = new_page(browser, live_server.url)
    log_in(page, resident.username)
    page.goto("/bundles/newborn/questions/")
    for question, option in (
        ("register-with", "father"),
        ("collector", "mother"),
        ("maternity-reimbursement", "no"),
        ("card-delivery", "window"),
    ):
        page.check(f"#answers-{question}-{option}")
    page.click("#continue")
    expect(page).to_have_url(f"{live_server.url}/bundles/newborn/details/")

    # An older draft: the name as first typed, sent with the page's errors.
    page.fill(field("newborn.name"), "王小红")
    page.click("#continue")
    expect(page.locator(field("newborn.name"))).to_have_value("王小红")

    values = newborn_values()
    page.fill(field("newborn.name"), "王小明")
    page.fill(field("mother.name"), values["mother.name"])
    page.fill(field("mother.id_number"), values["mother.id_number"])
    page.check(field("newborn.sex") + "-female")
    page.select_option(field("household.area"), "500103")

    page.click('header button[name="language"][value="en"]')
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(field("newborn.name"))).to_have_value("王小明")
    expect(page.locator(field("mother.name"))).to_have_value(values["mother.name"])
    expect(page.locator(field("mother.id_number"))).to_have_value(values["mother.id_number"])
    expect(page.locator(field("newborn.sex") + "-female")).to_be_checked()
    expect(page.locator(field("household.area"))).to_have_value("500103")

    page.fill(field("father.name"), values["father.name"])
    page.click('header button[name="on"][value="1"]')
    expect(page.locator("html")).to_have_class("large-text")
    expect(page.locator(field("newborn.name"))).to_have_value("王小明")
    expect(page.locator(field("father.name"))).to_have_value(values["father.name"])
    expect(page.locator(field("newborn.sex") + "-female")).to_be_checked()

    # Once back, the page is the server's again: a reload shows the draft, not a copy kept in the tab.
    page.reload()
    expect(page.locator(field("newborn.name"))).to_have_value("王小红")
    page.context.close()


def test_the_sign_up_form_keeps_what_was_typed_through_a_language_switch(
    transactional_db, live_server, browser, catalog
):
    page = new_page(browser, live_server.url)
    page.goto("/accounts/signup/?next=/bundles/newborn/")
    page.fill("#id_phone", "13700000061")
    page.fill("#id_display_name", "张丽")
    page.click('header button[name="language"][value="en"]')
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#id_phone")).to_have_value("13700000061")
    expect(page.locator("#id_display_name")).to_have_value("张丽")
    expect(page.locator('#signup-form input[name="next"]')).to_have_value("/bundles/newborn/")
    page.context.close()
