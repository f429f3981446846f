"""A real Chromium through the pages: a resident signs up and applies for the newborn bundle, the four
agencies' officers work their queues in dependency order, and the resident sees the case complete."""

import os
import re

import pytest
from playwright.sync_api import expect

from banshi.cases.models import Application, Task
from banshi.conftest import NEWBORN_MATERIALS, PASSWORD, fill_newborn_details, newborn_values

# Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

PHONE = "13700000042"


def new_page(browser, base_url: str, **options):
    context = browser.new_context(base_url=base_url, locale="zh-CN", **options)
    context.set_default_timeout(15_000)
    return context.new_page()


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login")
    expect(page.locator("#logout")).to_be_visible()


def signup_code(phone: str) -> str:
    """The code the sign-up page texted to `phone` (the live server runs in this process)."""
    from banshi.cases.tests.helpers import run_worker
    from banshi.conftest import SmsOutbox

    run_worker()
    texts = [text for recipient, text in SmsOutbox.sent if recipient == phone]
    assert texts, SmsOutbox.sent
    return re.search(r"(?<!\d)(\d{6})(?!\d)", texts[-1]).group(1)


def work_queue(page, number: str) -> None:
    """Claim and approve every ready task of the application in this officer's queue, as they come."""
    while True:
        page.goto("/work/")
        ready = page.locator("#ready .queue-item", has_text=number)
        if ready.count() == 0:
            return
        ready.first.locator("a").click()
        page.click("#claim")
        expect(page.locator("#task-status")).to_have_attribute("data-status", "claimed")
        page.click("#approve")
        expect(page.locator(".message-success")).to_be_visible()


def test_a_newborn_application_goes_from_the_resident_through_four_agencies_to_complete(
    transactional_db, live_server, browser, officers, sms_outbox, tmp_path
):
    # The resident, on a phone, signs up on the way into the bundle.
    page = new_page(browser, live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto("/")
    page.click('a[href="/bundles/newborn/"]')
    page.click("#start")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/bundles/newborn/questions/")
    page.click('main a[href^="/accounts/signup/"]')
    page.fill("#id_phone", PHONE)
    page.fill("#id_display_name", "张丽")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("#send-code")
    page.fill("#id_code", signup_code(PHONE))
    page.click("#signup")

    expect(page).to_have_url(f"{live_server.url}/bundles/newborn/questions/")
    for question, option in (
        ("register-with", "father"),
        ("collector", "mother"),
        ("maternity-reimbursement", "no"),
        ("card-delivery", "window"),
    ):
        page.check(f"#answers-{question}-{option}")
    page.click("#continue")

    expect(page).to_have_url(f"{live_server.url}/bundles/newborn/details/")
    fill_newborn_details(page, tmp_path, values=newborn_values(**{"mother.phone": PHONE}))

    expect(page).to_have_url(f"{live_server.url}/bundles/newborn/check/")
    expect(page.locator("main")).to_contain_text("王小明")
    expect(page.locator("main")).to_contain_text("marriage_certificate.png")
    page.click("#submit")
    number = page.locator("#reference").inner_text().strip()
    application = Application.objects.get(number=number)
    assert application.applicant.phone == PHONE
    assert application.materials.count() == len(NEWBORN_MATERIALS)

    # Each officer in a browser of their own, in the order the services depend on each other.
    for code in ("health_commission", "public_security", "medical_insurance", "hrss"):
        officer_page = new_page(browser, live_server.url)
        log_in(officer_page, officers[code].username)
        work_queue(officer_page, number)
        officer_page.context.close()
        assert not Task.objects.filter(application=application, agency__code=code).exclude(
            status=Task.Status.APPROVED
        ), f"{code} left tasks unfinished"

    page.goto(f"/applications/{number}/")
    expect(page.locator("#application-status")).to_have_attribute("data-status", "complete")
    newborn_id = Task.objects.get(application=application, service="hukou_registration").outputs[
        "newborn.id_number"
    ]
    expect(page.locator("#task-hukou_registration")).to_contain_text(newborn_id)
    expect(page.locator(".task[data-status='approved']")).to_have_count(6)
    page.context.close()
