"""A real Chromium on a phone-sized screen: the resident asks for the results by post, gives the full
postal address after sending, goes Back to the confirmation, sees what they sent, and is told the
tracking number; another application is withdrawn with a reason, after a page that asks first."""

import os

import pytest
from playwright.sync_api import expect

from banshi.cases.models import Application, Task
from banshi.cases.tests.helpers import work_everything
from banshi.cases.tests.test_browser import log_in, new_page
from banshi.conftest import fill_newborn_details, newborn_values

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}
ADDRESS = "重庆市渝中区解放碑街道民族路100号"


def send_newborn(page, live_server, tmp_path, *, delivery: str) -> str:
    page.goto("/bundles/newborn/questions/")
    for question, option in (
        ("register-with", "father"),
        ("collector", "mother"),
        ("maternity-reimbursement", "no"),
        ("card-delivery", delivery),
    ):
        page.check(f"#answers-{question}-{option}")
    page.click("#continue")
    values = newborn_values(**({"delivery.address": ADDRESS} if delivery == "post" else {}))
    fill_newborn_details(page, tmp_path, values=values)
    expect(page).to_have_url(f"{live_server.url}/bundles/newborn/check/")
    page.click("#submit")
    return page.locator("#reference").inner_text().strip()


def test_results_by_post_from_the_address_to_the_tracking_number(
    transactional_db, live_server, browser, resident, officers, tmp_path
):
    page = new_page(browser, live_server.url, **PHONE)
    log_in(page, resident.username)
    number = send_newborn(page, live_server, tmp_path, delivery="post")

    # Back lands on the confirmation, not on an empty first step.
    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/applications/{number}/submitted/")
    expect(page.locator("#reference")).to_have_text(number)

    # The posting step: the address typed in the form, the postcode still to give.
    page.click("#complete-address")
    expect(page.locator("#id_address")).to_have_value(ADDRESS)
    expect(page.locator("#id_phone")).to_have_value(resident.phone)
    page.fill("#id_postcode", "40001")
    page.click("#save-delivery")
    expect(page.locator(".error-summary, #error-summary").first).to_contain_text("6")
    page.fill("#id_postcode", "400010")
    page.click("#save-delivery")
    expect(page).to_have_url(f"{live_server.url}/applications/{number}/")
    expect(page.locator("#postal-address")).to_contain_text("400010")
    expect(page.locator("#address-incomplete")).to_have_count(0)

    # What was sent, in full, on the resident's own page.
    expect(page.locator("#sent-fields")).to_contain_text(newborn_values()["mother.id_number"])
    expect(page.locator("#sent-documents a")).to_have_count(4)

    application = Application.objects.get(number=number)
    work_everything(application, officers)
    task = Task.objects.filter(application=application, agency__code="hrss").get()
    officer = new_page(browser, live_server.url)
    log_in(officer, officers["hrss"].username)
    officer.goto(f"/work/tasks/{task.pk}/")
    expect(officer.locator("#post-to")).to_contain_text("400010")
    officer.fill("#tracking-number", "SF1234567890")
    officer.click("#record-posting")
    expect(officer.locator("#posted")).to_contain_text("SF1234567890")
    officer.context.close()

    page.reload()
    expect(page.locator("#application-delivery")).to_contain_text("SF1234567890")
    page.goto("/applications/")
    expect(page.locator(f"#application-{number}")).to_contain_text("王小明")
    page.context.close()


def test_a_resident_withdraws_an_application_after_a_page_that_asks_first(
    transactional_db, live_server, browser, resident, tmp_path
):
    page = new_page(browser, live_server.url, **PHONE)
    log_in(page, resident.username)
    number = send_newborn(page, live_server, tmp_path, delivery="window")
    page.click("#status-link")
    page.click("#withdraw")
    expect(page.locator("h1")).to_be_visible()
    page.click("#confirm-withdraw")  # no reason yet: asked for, nothing withdrawn
    expect(page.locator("#withdraw-form .error-message")).to_be_visible()
    assert Application.objects.get(number=number).status == Application.Status.IN_PROGRESS
    page.fill("#id_reason", "我们改到窗口办理")
    page.click("#confirm-withdraw")
    expect(page).to_have_url(f"{live_server.url}/applications/{number}/")
    expect(page.locator("#application-status")).to_have_attribute("data-status", "withdrawn")
    expect(page.locator("#withdrawn-reason")).to_have_text("我们改到窗口办理")
    expect(page.locator("#withdraw")).to_have_count(0)
    assert not Task.objects.filter(application__number=number).exclude(status=Task.Status.CANCELLED)
    page.context.close()
