"""A real Chromium on a phone, a problem from start to end: a resident reports it with a pin and a photo
and is shown the same problem nearby; the hotline operator logs a phone call; the street officer signs
for the resident's report, contacts them and closes it with a photo of the work; the resident answers
that it is solved and they are satisfied; and the public statistics page counts it solved at once."""

import importlib
import os

import pytest
from django.apps import apps as django_apps
from PIL import Image
from playwright.sync_api import expect

from banshi.cases.tests import test_browser
from banshi.problems.models import Callback, Photo, Report, Tier
from banshi.problems.tests.conftest import file_web
from banshi.ui.tests.test_browser_switches import PHONE_VIEWPORT

# Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


@pytest.fixture
def tiers(transactional_db, catalog):
    """The areas and the default tiers a migration loads, again if an earlier transactional test flushed
    them."""
    if not Tier.objects.exists():
        importlib.import_module("banshi.problems.migrations.0002_default_tiers").create(django_apps, None)


def new_page(browser, base_url: str):
    """A phone's page; the static files come from the live server as in production (hashed names)."""
    return test_browser.new_page(browser, base_url, **PHONE_VIEWPORT)


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "a password")
    page.click("#login")
    expect(page.locator("#logout")).to_be_visible()


def solved_counter(page) -> int:
    page.goto("/problems/stats/")
    return int(page.locator("#stats-counter .stats-counter").inner_text().strip())


def test_a_problem_reported_on_a_phone_is_handled_answered_solved_and_counted_on_the_statistics_page(
    production_static, tiers, world, live_server, browser, tmp_path
):
    earlier = file_web(world, lat="29.557100", lng="106.577100")
    before = tmp_path / "pothole.jpg"
    Image.new("RGB", (120, 90), (90, 90, 90)).save(before, "JPEG")
    after = tmp_path / "repaired.jpg"
    Image.new("RGB", (100, 80), (40, 40, 40)).save(after, "JPEG")
    problems: list[str] = []

    def watched(page):
        page.on("console", lambda message: message.type == "error" and problems.append(message.text))
        page.on("pageerror", lambda error: problems.append(str(error)))
        return page

    # Anyone reads the counter of problems solved, without logging in.
    page = watched(new_page(browser, live_server.url))
    counted_before = solved_counter(page)
    page.context.close()

    # The resident reports with a pin and a photo, and is shown the same problem nearby first.
    page = watched(new_page(browser, live_server.url))
    log_in(page, world.other_resident.username)
    page.goto("/problems/report/")
    page.select_option("#id_category", "roads")
    pick_map = page.locator("#pick-map")
    pick_map.scroll_into_view_if_needed()
    box = pick_map.bounding_box()
    assert box["width"] <= 390
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(pick_map).to_have_attribute("data-picked", "true")
    page.fill("#id_lat", "29.557000")
    page.fill("#id_lng", "106.577000")
    page.locator("#id_lng").dispatch_event("change")
    page.select_option("#id_district", "500103")  # 渝中区, where the roads go to the street office
    page.click("#continue")
    expect(page.locator(f"#nearby-{earlier.number}")).to_be_visible()
    page.fill("#id_description", "人行道上又一个坑，和上次不在同一处")
    page.set_input_files("#id_photos", str(before))
    page.click("#send-report")
    expect(page.locator("#photos img")).to_have_count(1)
    report = Report.objects.exclude(pk=earlier.pk).get()
    assert page.url.endswith(f"/problems/{report.number}/")
    assert report.reporter == world.other_resident and report.unit == world.street_office
    page.context.close()

    # The operator logs a phone call: another report, texted its reference number.
    page = watched(new_page(browser, live_server.url))
    log_in(page, "operator")
    page.goto("/problems/staff/operator/")
    page.fill("#id_reporter_phone", "13800000001")
    page.select_option("#id_category", "roads")
    page.select_option("#id_district", "500103")
    page.fill("#id_address", "解放碑步行街 10 号")
    page.fill("#id_description", "路灯不亮")
    page.click("#save-call")
    call = Report.objects.exclude(pk__in=[earlier.pk, report.pk]).get()
    expect(page.locator("#filed-number")).to_have_text(call.number)
    assert call.channel == Report.Channel.PHONE and call.reporter == world.resident
    page.context.close()

    # The street officer signs for the resident's report, contacts them and closes it with a photo.
    page = watched(new_page(browser, live_server.url))
    log_in(page, "street_officer")
    page.click(f'#queue a:has-text("{report.number}")')
    page.click("#sign")
    page.check("#id_contact-kind_0")
    page.fill("#id_contact-note", "约好明天上门")
    page.click("#contact")
    page.fill("#id_close-text", "已修补路面")
    page.click("#close")
    expect(page.locator("#confirm-text")).to_contain_text("已修补路面")
    page.set_input_files("#id_close-photos", str(after))
    page.click("#confirm")
    expect(page.locator(".message-success")).to_be_visible()
    report.refresh_from_db()
    assert report.status == Report.Status.CLOSED
    assert Photo.objects.filter(report=report, kind=Photo.Kind.CLOSURE).count() == 1
    page.context.close()

    # The resident sees the photo of the work and answers: solved, satisfied.
    page = watched(new_page(browser, live_server.url))
    log_in(page, world.other_resident.username)
    page.goto(f"/problems/{report.number}/")
    expect(page.locator("#photos img")).to_have_count(2)
    page.check("#id_solved_0")
    page.check("#id_satisfaction_0")
    page.click("#callback-form button[type=submit]")
    expect(page.locator("#callback-given")).to_be_visible()
    answer = Callback.objects.get(report=report)
    assert answer.solved and answer.satisfaction == Callback.Satisfaction.SATISFIED
    page.context.close()

    # The public page counts it at once: the counter moved by one, and the unit's solved among called back.
    page = watched(new_page(browser, live_server.url))
    assert solved_counter(page) == counted_before + 1
    unit_row = page.locator(f'#stats-table tr[data-unit="{world.street_office.code}"]')
    expect(unit_row.locator("td").nth(5)).to_contain_text("(1/1)")  # solved among called back
    page.context.close()
    assert problems == []  # no script error, nothing the CSP refused
