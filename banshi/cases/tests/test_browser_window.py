"""A real Chromium at the window: the clerk submits the newborn bundle for a walk-in resident, the
automatic services complete on their own, the officers finish the rest, the clerk prints the
certificates and hands them over, and the public verification page of one of them says genuine."""

import os
import re

import pytest
from playwright.sync_api import expect

from banshi.audit.models import Event
from banshi.cases.models import Application, Task
from banshi.cases.tests.helpers import run_worker
from banshi.cases.tests.test_browser import log_in, new_page, work_queue
from banshi.certificates.models import Certificate
from banshi.conftest import (
    FATHER_ID,
    MOTHER_ID,
    NEWBORN_MATERIALS,
    fill_newborn_details,
    newborn_values,
)

# Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

PHONE = "13700000077"
RESIDENT = "张丽"
AUTOMATIC = ("vaccination_certificate", "medical_insurance_enrolment", "insurance_premium")
# The 6 digits of the confirmation code, wherever they stand in the text (Chinese has no word breaks).
CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")


def decided_by_rule(task: Task) -> bool:
    approved = Event.objects.filter(
        subject_type="cases.task", subject_id=str(task.pk), event_type="task.approved"
    ).get()
    return approved.actor is None


def test_a_clerk_serves_a_walk_in_resident_and_prints_certificates_that_verify_as_genuine(
    transactional_db,
    live_server,
    browser,  # noqa: F811 (the imported fixture)
    window_clerk,
    officers,
    sms_outbox,
    tmp_path,
):
    # The clerk finds no account for the resident's number and opens one.
    page = new_page(browser, live_server.url)
    log_in(page, window_clerk.username)
    page.goto("/window/")
    page.fill("#search_phone", PHONE)
    page.click("#find")
    expect(page.locator("#create-form #id_phone")).to_have_value(PHONE)
    page.fill("#create-form #id_display_name", RESIDENT)
    page.click("#create")
    expect(page.locator("#resident-phone")).to_have_text("137****0077")
    expect(page.locator("#resident-name")).to_have_text("张*")

    # The resident's own pages, filled in by the clerk for them.
    page.click('#bundles a[data-bundle="newborn"]')
    expect(page.locator("#acting-for")).to_contain_text("137****0077")
    for question, option in (
        ("register-with", "father"),
        ("collector", "mother"),
        ("maternity-reimbursement", "no"),
        ("card-delivery", "window"),
    ):
        page.check(f"#answers-{question}-{option}")
    page.click("#continue")

    expect(page).to_have_url(re.compile(r"/window/residents/\d+/bundles/newborn/details/$"))
    fill_newborn_details(
        page, tmp_path, values=newborn_values(**{"mother.name": RESIDENT, "mother.phone": PHONE})
    )

    expect(page).to_have_url(re.compile(r"/window/residents/\d+/bundles/newborn/check/$"))
    expect(page.locator("main")).to_contain_text("王小明")
    expect(page.locator("main")).to_contain_text("marriage_certificate.png")
    page.click("#submit")

    # The resident reads out the code texted to them (the live server runs in this process).
    expect(page).to_have_url(re.compile(r"/window/residents/\d+/bundles/newborn/confirm/$"))
    run_worker()
    texts = [text for recipient, text in sms_outbox if recipient == PHONE]
    assert len(texts) == 1, sms_outbox
    code = CODE.search(texts[0]).group(1)
    expect(page.locator("main")).not_to_contain_text(code)
    page.fill("#id_code", code)
    page.click("#confirm")

    expect(page).to_have_url(re.compile(r"/window/applications/[^/]+/$"))
    expect(page.locator(".message-success")).to_be_visible()
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    application = Application.objects.get(number=number)
    assert application.channel == Application.Channel.WINDOW
    assert application.applicant.phone == PHONE
    assert application.submitted_by == window_clerk
    assert application.materials.count() == len(NEWBORN_MATERIALS)

    # The vaccination certificate needs nobody.
    run_worker()
    vaccination = Task.objects.get(application=application, service="vaccination_certificate")
    assert vaccination.status == Task.Status.APPROVED

    # The officers, each in a browser of their own, in dependency order; the worker decides the
    # enrolment and the premium as soon as the hukou registration gives the baby an ID number.
    for agency in ("health_commission", "public_security", "hrss"):
        officer_page = new_page(browser, live_server.url)
        log_in(officer_page, officers[agency].username)
        work_queue(officer_page, number)
        officer_page.context.close()
        run_worker()
        assert not Task.objects.filter(application=application, agency__code=agency).exclude(
            status=Task.Status.APPROVED
        ), f"{agency} left tasks unfinished"

    application.refresh_from_db()
    assert application.status == Application.Status.COMPLETE
    tasks = {task.service: task for task in Task.objects.filter(application=application)}
    assert {task.status for task in tasks.values()} == {Task.Status.APPROVED}
    for service in AUTOMATIC:
        assert decided_by_rule(tasks[service]), f"{service} was not decided automatically"
    assert not any(decided_by_rule(task) for service, task in tasks.items() if service not in AUTOMATIC)

    # The clerk finds it ready to hand over and prints every certificate.
    page.goto("/window/applications/")
    page.locator(f'#ready .card[data-number="{number}"] a').click()
    expect(page.locator("#application-status")).to_have_attribute("data-status", "complete")
    expect(page.locator(".task[data-status='approved']")).to_have_count(len(tasks))
    links = page.locator("#certificates a")
    certificates = Certificate.objects.filter(application=application)
    expect(links).to_have_count(certificates.count())
    assert certificates.count() == 5  # birth, vaccination, hukou, enrolment, social security card
    for href in links.evaluate_all("links => links.map(link => link.getAttribute('href'))"):
        response = page.request.get(href)
        assert response.status == 200, href
        assert response.headers["content-type"] == "application/pdf", href
        assert response.body().startswith(b"%PDF"), href

    page.click("#hand-over")  # at the window, the preselected way
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("#handed-over")).to_be_visible()
    application.refresh_from_db()
    assert application.handed_over_at is not None
    assert application.result_delivery == Application.ResultDelivery.WINDOW
    page.context.close()

    # Anyone holding the paper can check it, and learns nothing that identifies the family.
    birth_certificate = certificates.get(document_type="birth_certificate_number")
    visitor = new_page(browser, live_server.url)
    visitor.goto(f"/verify/{birth_certificate.number}")
    # The number alone says only that it exists; the code printed beside it shows the details.
    expect(visitor.locator("#verify-result")).to_have_attribute("data-status", "code_needed")
    visitor.fill("#verify-code", birth_certificate.verification_code_display.lower())
    visitor.click(".verify-form button[type=submit]")
    expect(visitor.locator("#verify-result")).to_have_attribute("data-status", "valid")
    expect(visitor.locator("main")).to_contain_text(birth_certificate.number)
    expect(visitor.locator("main")).to_contain_text("王**")
    html = visitor.content()
    for secret in (
        "王小明",
        RESIDENT,
        "王强",
        MOTHER_ID,
        FATHER_ID,
        tasks["hukou_registration"].outputs["newborn.id_number"],
    ):
        assert secret not in html, secret
    assert not ID_NUMBER.search(visitor.locator("body").inner_text())
    visitor.context.close()
