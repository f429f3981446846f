"""The resident's pages: reporting a problem in two steps (what and where, with the open reports of the
same kind nearby to follow instead; then the details and photos), their reports, and a report's page
with its public timeline, following, reopening and the callback answer."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.directory.selectors import area_lineage
from banshi.problems.forms import CallbackForm, DetailsForm, PlaceForm, ReopenForm
from banshi.problems.models import Category, Report
from banshi.problems.photos import photo_path
from banshi.problems.selectors import (
    ReportView,
    is_following,
    nearby_open_reports,
    photo_for_viewer,
    photos_of,
    report_by_number,
    report_for_viewer,
    report_timeline,
    reports_of_resident,
)
from banshi.problems.services import (
    report_callback,
    report_file_with_photos,
    report_follow,
    report_reopen,
    report_unfollow,
)
from banshi.problems.services.resident import REOPEN_WINDOW
from banshi.ui.forms import form_error_summary
from banshi.ui.views import run_service

if TYPE_CHECKING:
    from django import forms

PLACE_FIELDS = ("category", "lat", "lng", "district", "street", "community", "address")


def _nearby(form: PlaceForm) -> list[Report]:
    category = Category.objects.filter(code=form.cleaned_data["category"], active=True).first()
    if category is None:
        return []
    place = form.place()
    return nearby_open_reports(
        category=category,
        now=timezone.now(),
        district_code=place["district"] or "",
        community=place["community"],
        lat=place["lat"],
        lng=place["lng"],
    )


def _render_place(request: HttpRequest, form: PlaceForm, *, status: int = 200) -> HttpResponse:
    errors = form_error_summary(form) if form.is_bound else []
    return render(request, "problems/report_place.html", {"form": form, "errors": errors}, status=status)


def _render_details(
    request: HttpRequest, form: DetailsForm, *, nearby: list[Report], status: int = 200
) -> HttpResponse:
    errors = form_error_summary(form) if form.is_bound else []
    place = [form[name] for name in PLACE_FIELDS]
    values = {name: str(form[name].value() or "") for name in PLACE_FIELDS}
    deepest = values["community"] or values["street"] or values["district"]
    names = [name for _code, name, _kind in area_lineage(code=deepest[:12])] if deepest else []
    pin = f"{values['lat']}, {values['lng']}" if values["lat"] and values["lng"] else ""
    category = Category.objects.filter(code=values["category"][:40]).first()
    context = {
        "form": form,
        "errors": errors,
        "nearby": nearby,
        "place": place,
        "category_name": category.name if category else "",
        "place_text": " ".join(part for part in [*names, values["address"], pin] if part),
    }
    return render(request, "problems/report_details.html", context, status=status)


@login_required
def report_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step one (GET, and POST `step=place`): the category and the place; step two (POST `step=details`):
    the description, photos and privacy, with the first step's answers carried in hidden fields. Each
    step works without JavaScript; the chained area selects are filled by htmx when it runs, and by the
    "Update the lists" button when it does not."""
    if request.method != "POST":
        return _render_place(request, PlaceForm(initial=request.GET.dict()))
    step = request.POST.get("step", "")
    if step == "details" and request.POST.get("action") != "change":
        return _file(request)
    if request.POST.get("action") in ("areas", "change"):
        return _render_place(request, PlaceForm(initial=request.POST.dict()))
    form = PlaceForm(request.POST)
    if not form.is_valid():
        return _render_place(request, form, status=400)
    details = DetailsForm(initial={**request.POST.dict(), "token": uuid.uuid4().hex})
    return _render_details(request, details, nearby=_nearby(form))


def _file(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DetailsForm(request.POST, request.FILES)
    if not form.is_valid():
        place = PlaceForm(request.POST)
        nearby = _nearby(place) if place.is_valid() else []
        return _render_details(request, form, nearby=nearby, status=400)
    data = form.cleaned_data
    call = run_service(
        request,
        report_file_with_photos,
        form=form,
        actor=request.user,
        photos=data["photos"],
        category=data["category"],
        description=data["description"],
        private=data["private"],
        idempotency_key=data["token"],
        **form.place(),
    )
    if call.response is not None:
        return call.response
    if not call.ok:
        return _render_details(request, form, nearby=[], status=400)
    report = call.result
    messages.success(
        request,
        _("Your report was received. Its reference number is %(number)s.") % {"number": report.number},
    )
    return redirect("problems:report_detail", number=report.number)


@login_required
def my_reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = [
        {
            "report": report,
            "due": report.current_due(),
            "overdue": (due := report.current_due()) is not None and due < now,
        }
        for report in reports_of_resident(user=request.user)
    ]
    return render(request, "problems/my_reports.html", {"rows": rows})


def _view(request: HttpRequest, number: str) -> ReportView:
    report_id = report_by_number(number=number)
    view = report_for_viewer(viewer=request.user, report_id=report_id) if report_id is not None else None
    if view is None:
        raise Http404
    return view


def _reopen_until(report: Report) -> datetime | None:
    if report.status not in Report.DONE or report.closed_at is None:
        return None
    return report.closed_at + REOPEN_WINDOW


def _render_report(
    request: HttpRequest,
    view: ReportView,
    *,
    reopen_form: forms.Form | None = None,
    callback_form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    report = view.report
    own = request.user.is_authenticated and report.reporter_id == request.user.pk
    reopen_until = _reopen_until(report) if own else None
    context: dict[str, Any] = {
        "view": view,
        "report": report,
        "own": own,
        "timeline": report_timeline(view=view),
        "photos": photos_of(view=view),
        "following": is_following(user=request.user, report=report),
        "reopen_until": reopen_until,
        "can_reopen": reopen_until is not None and timezone.now() <= reopen_until,
        "reopen_form": reopen_form or ReopenForm(),
        "can_callback": own and report.status == Report.Status.CLOSED,
        "callback_form": callback_form or CallbackForm(),
        "callback": report.callbacks.order_by("-created_at", "-id").first() if own else None,
        "errors": form_error_summary(bound) if (bound := reopen_form or callback_form) else [],
    }
    return render(request, "problems/report_detail.html", context, status=status)


def report_detail(request: HttpRequest, number: str) -> HttpResponse:
    """A report as the viewer may see it: its reporter the whole of it, anyone else the public parts of
    a report that is not private (never the reporter's name or phone); a private one is not found."""
    return _render_report(request, _view(request, number))


@require_POST
@login_required
def report_follow_view(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    view = _view(request, number)
    call = run_service(request, report_follow, actor=request.user, report_id=view.report.pk)
    if call.response is not None:
        return call.response
    messages.success(request, _("You follow this report: its updates come to your notifications."))
    return redirect("problems:report_detail", number=call.result.report.number)


@require_POST
@login_required
def report_unfollow_view(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    view = _view(request, number)
    call = run_service(request, report_unfollow, actor=request.user, report_id=view.report.pk)
    if call.response is not None:
        return call.response
    messages.success(request, _("You no longer follow this report."))
    return redirect("problems:report_detail", number=number)


@require_POST
@login_required
def report_reopen_view(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    view = _view(request, number)
    if view.report.reporter_id != request.user.pk:
        raise Http404
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _render_report(request, view, reopen_form=form, status=400)
    detail = redirect("problems:report_detail", number=number).url
    call = run_service(
        request,
        report_reopen,
        form=form,
        on_conflict=detail,
        actor=request.user,
        report_id=view.report.pk,
        reason=form.cleaned_data["reason"],
    )
    if call.response is not None:
        return call.response
    if not call.ok:
        return _render_report(request, view, reopen_form=form, status=400)
    messages.success(request, _("The report was reopened and went back to the unit."))
    return redirect(detail)


@require_POST
@login_required
def report_callback_view(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    view = _view(request, number)
    if view.report.reporter_id != request.user.pk:
        raise Http404
    form = CallbackForm(request.POST)
    if not form.is_valid():
        return _render_report(request, view, callback_form=form, status=400)
    detail = redirect("problems:report_detail", number=number).url
    call = run_service(
        request,
        report_callback,
        form=form,
        on_conflict=detail,
        actor=request.user,
        report_id=view.report.pk,
        solved=form.cleaned_data["solved"] == "yes",
        satisfaction=form.cleaned_data["satisfaction"],
        comment=form.cleaned_data["comment"],
    )
    if call.response is not None:
        return call.response
    if not call.ok:
        return _render_report(request, view, callback_form=form, status=400)
    messages.success(request, _("Thank you: your answer was recorded."))
    return redirect(detail)


def photo(request: HttpRequest, photo_id: int) -> FileResponse:
    """A report's photo, to whoever may see the report; a private report's photos are its reporter's
    and the handling units' only."""
    found = photo_for_viewer(viewer=request.user, photo_id=photo_id)
    if found is None:
        raise Http404
    path = photo_path(found)
    if not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
