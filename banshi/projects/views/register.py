"""The public register: the list with its filters and map, a project's page, its photos and documents,
and the export of the list as CSV or XLSX."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from banshi.projects.files import file_path
from banshi.projects.forms import LinkReportForm, MoveForm, RegisterFilterForm, UpdateForm
from banshi.projects.models import Project, UpdateDocument, UpdatePhoto
from banshi.projects.selectors import can_import, map_pins, project_page, register_page
from banshi.projects.services.transfer import FORMATS, export_bytes

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    # Unbound without a query string, so that the first visit shows no errors.
    form = RegisterFilterForm(request.GET or None)
    filters = form.filters()
    page = register_page(filters, page=_page_number(request))
    query = filters.query_string()
    return render(
        request,
        "projects/register.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "pins_url": reverse("projects:map_json") + (f"?{query}" if query else ""),
            "can_import": can_import(user=request.user),
        },
    )


@require_GET
def register_map_json(request: HttpRequest) -> JsonResponse:
    """`GET /projects/map.json` with the register's filters: at most 500 pins."""
    filters = RegisterFilterForm(request.GET).filters()
    pins = [
        {
            "title": pin["title"],
            "status": pin["status"],
            "lat": pin["lat"],
            "lng": pin["lng"],
            "url": reverse("projects:detail", args=[pin["id"]]),
        }
        for pin in map_pins(filters)
    ]
    response = JsonResponse(pins, safe=False)
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_GET
def register_export(request: HttpRequest, file_format: str) -> HttpResponse:
    if file_format not in FORMATS:
        raise Http404
    filters = RegisterFilterForm(request.GET).filters()
    response = HttpResponse(
        export_bytes(filters, file_format=file_format), content_type=CONTENT_TYPES[file_format]
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="projects-{stamp}.{file_format}"'
    return response


@require_GET
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    page = project_page(viewer=request.user, project_id=project_id)
    if page is None:
        raise Http404
    # A project's page is the register's address and its id (`<int:project_id>/`): a parent's hundred
    # parts are linked without a hundred reverse() calls.
    context = {"page": page, "project": page.project, "register_url": reverse("projects:register")}
    if page.editable:
        context["update_form"] = UpdateForm(indicators=page.indicators)
        context["link_form"] = LinkReportForm()
        context["move_form"] = MoveForm()
        context["moves"] = sorted(Project.TRANSITIONS[Project.Status(page.project.status)])
        context["status_labels"] = dict(Project.Status.choices)
    return render(request, "projects/project_detail.html", context)


def _file(path: str, content_type: str, *, name: str = "") -> FileResponse:
    target = file_path(path)
    if not target.is_file():
        raise Http404
    response = FileResponse(target.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400"
    if name:
        response["Content-Disposition"] = "inline"
    return response


@require_GET
def update_photo(request: HttpRequest, photo_id: int) -> FileResponse:
    photo = UpdatePhoto.objects.filter(pk=photo_id).only("path").first()
    if photo is None:
        raise Http404
    return _file(photo.path, "image/jpeg")


@require_GET
def update_document(request: HttpRequest, document_id: int) -> FileResponse:
    document = UpdateDocument.objects.filter(pk=document_id).only("path", "name").first()
    if document is None:
        raise Http404
    return _file(document.path, "application/pdf", name=document.name)


def forbid_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
