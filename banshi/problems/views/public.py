"""The public map of open and solved reports (never a private one), filtered by category and status,
and its pins as JSON."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from banshi.problems.forms import MapFilterForm
from banshi.problems.selectors import MapPin, map_pins

# The list beside the map, for a reader without JavaScript or a screen reader.
LIST_LIMIT = 50


def _pin_json(pin: MapPin) -> dict[str, object]:
    return {
        "lat": pin.lat,
        "lng": pin.lng,
        "title": f"{pin.category} · {pin.number}",
        "url": reverse("problems:report_detail", args=[pin.number]),
        "status": pin.status,
    }


@require_GET
def problem_map(request: HttpRequest) -> HttpResponse:
    form = MapFilterForm(request.GET)
    filters = form.filters()
    query = "&".join(f"{key}={value}" for key, value in filters.items() if value)
    pins_url = reverse("problems:map_json") + (f"?{query}" if query else "")
    pins = map_pins(category=filters["category"], status=filters["status"], limit=LIST_LIMIT)
    return render(request, "problems/map.html", {"form": form, "pins_url": pins_url, "pins": pins})


@require_GET
def problem_map_json(request: HttpRequest) -> JsonResponse:
    """`GET /problems/map.json?category=CODE&status=open|solved`: at most 500 pins, the newest first."""
    filters = MapFilterForm(request.GET).filters()
    pins = map_pins(category=filters["category"], status=filters["status"])
    response = JsonResponse([_pin_json(pin) for pin in pins], safe=False)
    response["Cache-Control"] = "public, max-age=60"
    return response
