"""Where a signed-in user starts: staff at their place of work, residents at the services. And the areas
one level below another, for a form that picks a place level by level."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from banshi.directory.selectors import area_choices, staff_landing

# The query parameters naming the parent area, as a form's select sends it (`hx-include`).
PARENT_PARAMETERS = ("parent", "district", "street")
# Reference data: the same for everyone, changed by a release.
AREA_CACHE_SECONDS = 3600


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    return redirect(staff_landing(user=request.user) or "catalog:home")


def _parent(request: HttpRequest) -> str:
    for name in PARENT_PARAMETERS:
        value = request.GET.get(name, "").strip()
        if value:
            return value[:12]
    return ""


@require_GET
def area_children(request: HttpRequest) -> HttpResponse:
    """`GET /areas/children/?parent=CODE`: the areas one level below (the districts and counties with no
    parent; a district's streets and townships; a street's communities and villages) as JSON
    `{"parent": CODE, "areas": [{"code", "name"}]}`; an unknown code has none."""
    parent = _parent(request)
    response = JsonResponse(
        {
            "parent": parent,
            "areas": [{"code": code, "name": name} for code, name in area_choices(parent_code=parent)],
        }
    )
    patch_cache_control(response, public=True, max_age=AREA_CACHE_SECONDS)
    return response


@require_GET
def area_options(request: HttpRequest) -> HttpResponse:
    """`GET /areas/options/?parent=CODE` (or `district=`, `street=`, as a select sends it): the same as
    `<option>`s for the select of the level below, with an empty first choice; `selected=CODE` marks one."""
    parent = _parent(request)
    context = {
        "parent": parent,
        "choices": area_choices(parent_code=parent) if parent else [],
        "selected": request.GET.get("selected", ""),
    }
    response = render(request, "directory/_area_options.html", context)
    patch_cache_control(response, public=True, max_age=AREA_CACHE_SECONDS)
    return response
