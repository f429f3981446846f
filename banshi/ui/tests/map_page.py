"""The site's URLs with a page that shows the map component (components/_map.html) for the tests: pins
from a json_script element and from a JSON URL, a pick-a-point form, and a stand-in tile server."""

import base64

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import RequestContext, Template
from django.urls import include, path

PAGE = Template(
    """{% extends "base.html" %}{% block content %}
<h1>Map</h1>
{{ pins|json_script:"map-pins" }}
{% include "components/_map.html" with map_id="pins-map" label="Reports" pins_script_id="map-pins" %}
<form method="get" action="" id="place-form">
  <label class="label" for="id_lat">Latitude</label>
  <input class="input" id="id_lat" name="lat" inputmode="decimal">
  <label class="label" for="id_lng">Longitude</label>
  <input class="input" id="id_lng" name="lng" inputmode="decimal">
  {% include "components/_map.html" with map_id="pick-map" pick_lat="id_lat" pick_lng="id_lng" pins_url=url %}
</form>
{% endblock %}"""
)

PINS = [
    {
        "lat": 29.5567,
        "lng": 106.5629,
        "title": "路灯不亮 <b>解放碑</b>",
        "url": "/problems/1/",
        "status": "open",
    },
    {
        "lat": 29.7037,
        "lng": 107.3949,
        "title": "井盖缺失",
        "url": "https://elsewhere.example/",
        "status": "solved",
    },
]
FEATURES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [106.55, 29.57]},
            "properties": {"title": "噪音", "status": "open"},
        }
    ],
}
# A grey 1×1 PNG: every tile the stand-in tile server sends.
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGO4e/cuAAVmArlkrCkRAAAAAElFTkSuQmCC"
)


def map_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE.render(RequestContext(request, {"pins": PINS, "url": "/test-map/pins.json"})))


def pins(request: HttpRequest) -> JsonResponse:
    return JsonResponse(FEATURES)


def tile(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    return HttpResponse(TILE, content_type="image/png")


urlpatterns = [
    path("test-map/", map_page),
    path("test-map/pins.json", pins),
    path("test-map/tiles/<int:z>/<int:x>/<int:y>.png", tile),
    path("", include("banshi.urls")),
]
