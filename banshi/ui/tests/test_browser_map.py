"""A real Chromium on a phone, with no network but the site's: the map component draws Chongqing's
district outlines when no tile server is set, shows the pins, and in pick mode a tap fills the latitude
and longitude inputs. With a tile server set, it draws the tiles instead."""

import os
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from banshi.ui.tests.test_browser_switches import new_page

# Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.urls("banshi.ui.tests.map_page")]


def open_map(browser, live_server):
    page = new_page(browser, live_server.url)
    elsewhere: list[str] = []
    problems: list[str] = []
    page.on(
        "request",
        lambda request: (
            urlsplit(request.url).netloc != urlsplit(live_server.url).netloc
            and not request.url.startswith("data:")
            and elsewhere.append(request.url)
        ),
    )
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto("/test-map/")
    return page, elsewhere, problems


def test_with_no_tile_server_the_map_draws_the_district_outlines_and_the_pins(
    transactional_db, live_server, browser
):
    page, elsewhere, problems = open_map(browser, live_server)
    pins_map = page.locator("#pins-map")
    expect(pins_map).to_have_attribute("data-outlines", "38")
    expect(pins_map).to_have_attribute("data-base", "outlines")
    expect(pins_map.locator("path.map-outline")).to_have_count(38)
    expect(pins_map.locator(".leaflet-tile")).to_have_count(0)
    # The two pins of the json_script element, coloured by status.
    expect(pins_map).to_have_attribute("data-pins", "2")
    expect(pins_map.locator("path.map-pin")).to_have_count(2)
    expect(pins_map.locator("path.map-pin-open")).to_have_count(1)
    expect(pins_map.locator("path.map-pin-solved")).to_have_count(1)
    # The pin of the JSON URL on the other map.
    expect(page.locator("#pick-map")).to_have_attribute("data-pins", "1")
    expect(page.locator("#pick-map path.map-pin-open")).to_have_count(1)

    # A pin's title is text, its link only one of the site's.
    pins_map.locator("path.map-pin-open").click(force=True)
    popup = pins_map.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("路灯不亮 <b>解放碑</b>")
    expect(popup.locator("a")).to_have_attribute("href", "/problems/1/")
    expect(popup.locator("b")).to_have_count(0)

    box = pins_map.bounding_box()
    assert box["width"] <= 390 and box["height"] >= 280
    assert elsewhere == [] and problems == []


def test_in_pick_mode_a_tap_on_the_map_fills_the_latitude_and_longitude(
    transactional_db, live_server, browser
):
    page, elsewhere, problems = open_map(browser, live_server)
    pick_map = page.locator("#pick-map")
    expect(pick_map).to_have_attribute("data-outlines", "38")
    expect(page.locator("#id_lat")).to_have_value("")
    pick_map.scroll_into_view_if_needed()
    box = pick_map.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    expect(pick_map).to_have_attribute("data-picked", "true")
    expect(pick_map.locator(".leaflet-marker-icon")).to_have_count(1)
    lat, lng = float(page.input_value("#id_lat")), float(page.input_value("#id_lng"))
    assert 28.1 < lat < 32.3 and 105.2 < lng < 110.3, (lat, lng)  # inside Chongqing
    assert len(page.input_value("#id_lat").split(".")[1]) == 6

    # Typed coordinates move the pin; the map without pick mode fills nothing.
    page.fill("#id_lat", "29.556700")
    page.fill("#id_lng", "106.562900")
    page.locator("#id_lng").dispatch_event("change")
    expect(pick_map.locator(".leaflet-marker-icon")).to_have_count(1)
    page.locator("#pins-map").click(position={"x": 30, "y": 30})
    expect(page.locator("#id_lat")).to_have_value("29.556700")
    expect(page.locator("#pins-map .leaflet-marker-icon")).to_have_count(0)
    assert elsewhere == [] and problems == []


def test_with_a_tile_server_the_map_draws_its_tiles_instead_of_the_outlines(
    transactional_db, live_server, browser, settings
):
    settings.MAP_TILE_URL = live_server.url + "/test-map/tiles/{z}/{x}/{y}.png"
    page, elsewhere, problems = open_map(browser, live_server)
    pins_map = page.locator("#pins-map")
    expect(pins_map).to_have_attribute("data-base", "tiles")
    expect(pins_map.locator("img.leaflet-tile-loaded").first).to_be_visible()
    expect(pins_map.locator("path.map-outline")).to_have_count(0)
    expect(pins_map.locator("path.map-pin")).to_have_count(2)
    assert elsewhere == [] and problems == []
