"""A real Chromium: the hotline operator logs a phone call with the keyboard only, and the street officer
signs for the report, records the first contact and closes it, confirming first."""

import importlib
import os

import pytest
from django.apps import apps
from playwright.sync_api import expect

from banshi.cases.tests.test_browser import new_page
from banshi.problems.models import Report

# Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


@pytest.fixture
def staff_world(transactional_db, catalog, request):
    """The world of the problems tests, after a transactional test emptied the tiers its migration
    wrote."""
    importlib.import_module("banshi.problems.migrations.0002_default_tiers").create(apps, None)
    return request.getfixturevalue("world")


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "a password")
    page.click("#login")
    expect(page.locator("#logout")).to_be_visible()


def test_the_operator_logs_a_call_with_the_keyboard_and_the_street_officer_closes_it(
    production_static, live_server, browser, staff_world
):
    page = new_page(browser, live_server.url)
    log_in(page, "operator")
    expect(page).to_have_url(f"{live_server.url}/problems/staff/operator/")
    phone = page.locator("#id_reporter_phone")
    expect(phone).to_be_focused()
    page.keyboard.type("13800000001")
    expect(page.locator("#caller")).to_contain_text("张*")
    page.keyboard.press("Tab")  # the caller's name: an account's is known
    page.keyboard.press("Tab")
    expect(page.locator("#id_category_search")).to_be_focused()
    page.keyboard.type("道路")
    expect(page.locator("#id_category")).to_have_value("roads")
    page.keyboard.press("Tab")
    expect(page.locator("#id_category")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#id_district")).to_be_focused()
    for _ in range(3):  # 万州, 涪陵, 渝中
        page.keyboard.press("ArrowDown")
    expect(page.locator("#id_district")).to_have_value("500103")
    expect(page.locator("#id_street option").nth(1)).to_be_attached()
    page.keyboard.press("Tab")  # the street
    page.keyboard.press("Tab")  # the community
    page.keyboard.press("Tab")
    expect(page.locator("#id_address")).to_be_focused()
    page.keyboard.type("解放碑步行街 8 号")
    page.keyboard.press("Tab")
    page.keyboard.type("路面塌陷，有一个大坑")
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#id_address")).to_be_focused()
    page.keyboard.press("Enter")
    number = page.locator("#filed-number")
    expect(number).to_be_visible()
    report = Report.objects.get()
    expect(number).to_have_text(report.number)
    assert (report.reporter, report.unit) == (staff_world.resident, staff_world.street_office)
    # Ready for the next call.
    expect(page.locator("#id_reporter_phone")).to_be_focused()
    expect(page.locator("#id_reporter_phone")).to_have_value("")
    page.context.close()

    page = new_page(browser, live_server.url)
    log_in(page, "street_officer")
    expect(page).to_have_url(f"{live_server.url}/problems/staff/")
    page.click(f'#queue a:has-text("{report.number}")')
    expect(page.locator("#reporter-phone")).to_have_text("13800000001")
    page.click("#sign")
    page.check("#id_contact-kind_0")
    page.fill("#id_contact-note", "约好明天上门")
    page.click("#contact")
    page.fill("#id_close-text", "已修补路面")
    page.click("#close")
    expect(page.locator("#confirm-text")).to_contain_text("已修补路面")
    page.click("#confirm")
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("#close-form")).to_have_count(0)
    report.refresh_from_db()
    assert report.status == Report.Status.CLOSED
    page.context.close()
