"""The map component (components/_map.html): everything it needs comes from the site, the tile server is
a setting, and with none the map is drawn on the vendored district outlines."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("banshi.ui.tests.map_page")]


def page() -> str:
    response = Client(headers={"Accept-Language": "en"}).get("/test-map/")
    assert response.status_code == 200
    return response.content.decode()


def attribute(html: str, map_id: str, name: str) -> str | None:
    tag = re.search(rf'<div class="map[^"]*" id="{map_id}"[^>]*>', html, re.S)
    assert tag, map_id
    found = re.search(rf'\s{name}="([^"]*)"', tag.group(0))
    return found.group(1) if found else None


def test_without_a_tile_server_the_map_is_given_the_district_outlines_and_no_tile_url():
    html = page()
    assert attribute(html, "pins-map", "data-tile-url") == ""
    outlines = attribute(html, "pins-map", "data-outlines-url")
    assert outlines == "/static/geo/chongqing-districts.geojson"
    geojson = json.loads(open(finders.find("geo/chongqing-districts.geojson"), encoding="utf-8").read())
    codes = [feature["properties"]["code"] for feature in geojson["features"]]
    assert len(codes) == 38 and all(code.startswith("50") and len(code) == 6 for code in codes)
    assert codes == sorted(codes)


def test_the_tile_url_is_the_setting_and_its_server_is_allowed_to_send_images(settings):
    settings.MAP_TILE_URL = "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© 测绘"
    html = page()
    assert attribute(html, "pins-map", "data-tile-url") == "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
    assert attribute(html, "pins-map", "data-tile-attribution") == "© 测绘"


def test_the_default_policy_lets_images_come_from_the_site_only():
    assert settings.MAP_TILE_URL == ""
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] == ["'self'", "data:"]


def test_the_component_runs_no_inline_script_and_loads_everything_from_the_site():
    html = page()
    for script in re.findall(r"<script[^>]*>", html):
        assert "src=" in script or 'type="application/json"' in script, script
    assert '<script src="/static/ui/map.js" defer>' in html
    assert "/static/vendor/leaflet-1.9.4/dist/leaflet.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    # The pins' titles are data, escaped, never markup.
    assert "<b>解放碑</b>" not in html and "\\u003Cb\\u003E" in html


def test_pick_mode_names_its_two_inputs_and_a_map_without_it_names_none():
    html = page()
    assert attribute(html, "pick-map", "data-pick-lat") == "id_lat"
    assert attribute(html, "pick-map", "data-pick-lng") == "id_lng"
    assert attribute(html, "pick-map", "data-pins-url") == "/test-map/pins.json"
    assert attribute(html, "pins-map", "data-pick-lat") is None
    assert attribute(html, "pins-map", "data-pins-script") == "map-pins"
