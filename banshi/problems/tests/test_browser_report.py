"""A real Chromium on a phone: a resident reports a problem with a pin on the map and a photo, and is
shown the open report of the same kind nearby before sending theirs."""

import importlib
import os

import pytest
from django.apps import apps as django_apps
from PIL import Image
from playwright.sync_api import expect

from banshi.problems.models import Photo, Report, Tier
from banshi.problems.tests.conftest import file_web
from banshi.ui.tests.test_browser_switches import new_page

# Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


@pytest.fixture
def tiers(transactional_db, catalog):
    """The areas and the default tiers a migration loads, again if an earlier transactional test flushed
    them."""
    if not Tier.objects.exists():
        importlib.import_module("banshi.problems.migrations.0002_default_tiers").create(django_apps, None)


def test_a_resident_reports_with_a_pin_and_a_photo_and_is_shown_the_same_problem_nearby(
    tiers, world, live_server, browser, tmp_path
):
    earlier = file_web(world, lat="29.557100", lng="106.577100")
    photo = tmp_path / "pothole.jpg"
    Image.new("RGB", (120, 90), (90, 90, 90)).save(photo, "JPEG")

    page = new_page(browser, live_server.url)
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto("/accounts/login/")
    page.fill("#id_username", world.other_resident.username)
    page.fill("#id_password", "a password")
    page.click("#login")
    expect(page.locator("#logout")).to_be_visible()

    page.goto("/problems/report/")
    page.select_option("#id_category", "roads")
    pick_map = page.locator("#pick-map")
    expect(pick_map).to_have_attribute("data-outlines", "38")
    pick_map.scroll_into_view_if_needed()
    box = pick_map.bounding_box()
    assert box["width"] <= 390
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(pick_map).to_have_attribute("data-picked", "true")
    assert page.input_value("#id_lat") != ""
    # The pin moved onto the spot, a few metres from the earlier report.
    page.fill("#id_lat", "29.557000")
    page.fill("#id_lng", "106.577000")
    page.locator("#id_lng").dispatch_event("change")
    page.click("#continue")

    suggestion = page.locator(f"#nearby-{earlier.number}")
    expect(suggestion).to_be_visible()
    expect(suggestion.locator("button")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("张丽")

    page.fill("#id_description", "人行道上又一个坑，和上次不在同一处")
    page.set_input_files("#id_photos", str(photo))
    page.click("#send-report")

    expect(page.locator("#photos img")).to_have_count(1)
    report = Report.objects.exclude(pk=earlier.pk).get()
    assert page.url.endswith(f"/problems/{report.number}/")
    assert report.reporter == world.other_resident and str(report.lat) == "29.557000"
    assert Photo.objects.filter(report=report).count() == 1
    # The page is there before its photo has loaded: wait for the picture itself, then read its size.
    page.wait_for_function(
        "() => { const img = document.querySelector('#photos img');"
        " return img !== null && img.complete && img.naturalWidth > 0; }"
    )
    natural = page.locator("#photos img").evaluate("img => img.naturalWidth")
    assert natural == 120
    assert problems == []  # no script error, nothing the CSP refused


def test_picking_the_district_fills_the_streets_and_a_street_its_communities(
    tiers, world, live_server, browser
):
    from banshi.directory.selectors import communities_of, streets_of

    street_code, _name = streets_of(district_code="500103")[0]
    community_code, _name = communities_of(street_code=street_code)[0]
    page = new_page(browser, live_server.url)
    page.goto("/accounts/login/")
    page.fill("#id_username", world.resident.username)
    page.fill("#id_password", "a password")
    page.click("#login")
    page.goto("/problems/report/")
    expect(page.locator("#id_street option")).to_have_count(1)
    page.select_option("#id_district", "500103")
    expect(page.locator(f"#id_street option[value='{street_code}']")).to_have_count(1)
    page.select_option("#id_street", street_code)
    expect(page.locator(f"#id_community option[value='{community_code}']")).to_have_count(1)
