"""The staff's pages of problem reports: the hotline operator's console, the dispatcher's queue, a unit's
queue, a report's page with its full timeline and the moves its state allows, and the callbacks due.

A page of a report nobody of the viewer's units handles does not exist (404); the reporter's name and
phone are shown in full only to the staff of the units holding and coordinating it, and each such view
is recorded in the access log."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.audit.models import Access
from banshi.audit.services import access_record
from banshi.directory.access import supervisor_required
from banshi.lib.personal import mask_name, mask_phone, normalise_phone
from banshi.problems.models import Report
from banshi.problems.selectors import (
    ReportView,
    callbacks_due,
    category_choices,
    dispatcher_queue,
    is_dispatcher,
    is_operator,
    may_call_back,
    photos_of,
    report_for_supervisor,
    report_for_viewer,
    report_id_by_number,
    report_timeline,
    resident_by_phone,
    staff_timeline,
    unit_ids_for_officer,
    unit_queue,
)
from banshi.problems.services import (
    report_callback,
    report_close_with_photos,
    report_contact,
    report_file,
    report_mark_duplicate,
    report_note,
    report_route,
    report_send_back,
    report_sign,
)
from banshi.problems.staff_forms import (
    CallbackForm,
    CallForm,
    CloseForm,
    ContactForm,
    DuplicateForm,
    NoteForm,
    RouteForm,
    SendBackForm,
)
from banshi.ui.forms import form_error_summary
from banshi.ui.views import run_service


def _require(check: Callable[..., bool], request: AuthenticatedHttpRequest) -> None:
    if not check(user=request.user):
        raise Http404


# --- the hotline operator's console ------------------------------------------------------------------


def _caller(phone: str) -> dict[str, str]:
    """Who a number belongs to, masked: the operator needs to know an account was found, not whose."""
    resident = resident_by_phone(phone=phone)
    if resident is None:
        return {}
    return {"name": mask_name(resident.display_name or ""), "phone": mask_phone(resident.phone or "")}


@login_required
def operator_console(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A call logged in under a minute: the phone, the category, the place, what was said; Enter saves.
    Saved, the console is ready for the next call and shows the reference number the caller was texted."""
    _require(is_operator, request)
    form = CallForm(request.POST or None)
    status = 200
    if request.method == "POST" and request.POST.get("refresh"):
        # Without scripts, the street's and the community's choices come with the form sent again.
        return _render_console(request, CallForm(request.POST, search=True), validate=False)
    if request.method == "POST":
        if form.is_valid():
            street, community = form.place_names()
            data = form.cleaned_data
            call = run_service(
                request,
                report_file,
                form=form,
                actor=request.user,
                channel=Report.Channel.PHONE,
                category=data["category"],
                description=data["description"],
                district=data["district"],
                street=street,
                community=community,
                address=data["address"],
                reporter_phone=data["reporter_phone"],
                reporter_name=data["reporter_name"],
                idempotency_key=request.POST.get("token", "")[:64],
            )
            if call.ok:
                return redirect(f"{reverse('problems:operator')}?filed={call.result.number}")
        status = 400
    return _render_console(request, form, status=status)


def _render_console(
    request: AuthenticatedHttpRequest, form: CallForm, *, status: int = 200, validate: bool = True
) -> HttpResponse:
    filed = None
    number = request.GET.get("filed", "")
    if number:
        filed = (
            Report.objects.select_related("reporter", "category")
            .filter(number=number[:24], filed_by=request.user)
            .first()
        )
    context = {
        "form": form,
        "errors": form_error_summary(form) if validate and form.is_bound else [],
        "token": uuid.uuid4().hex,
        "filed": filed,
        "filed_caller": _caller(filed.reporter.phone or "") if filed and filed.reporter else {},
        "caller": _caller(normalise_phone(str(form.data.get("reporter_phone", "")))) if form.is_bound else {},
    }
    return render(request, "problems/staff/operator.html", context, status=status)


@login_required
@require_GET
def operator_categories(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The category select's options for what the operator typed (htmx), the first match chosen."""
    _require(is_operator, request)
    choices = category_choices(query=request.GET.get("category_search", ""))
    return render(request, "problems/staff/_category_options.html", {"choices": choices})


@login_required
@require_GET
def operator_caller(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Whether the number typed is a resident's account (htmx), named masked."""
    _require(is_operator, request)
    phone = normalise_phone(request.GET.get("reporter_phone", "")[:20])
    return render(
        request,
        "problems/staff/_caller.html",
        {"caller": _caller(phone) if len(phone) == 11 else {}, "phone": phone},
    )


# --- the queues --------------------------------------------------------------------------------------


@login_required
def dispatch_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(is_dispatcher, request)
    rows = dispatcher_queue(user=request.user, now=timezone.now())
    return render(
        request, "problems/staff/dispatch.html", {"rows": rows, "route_form": RouteForm(prefix="route")}
    )


@login_required
def unit_queue_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not unit_ids_for_officer(user=request.user):
        raise Http404
    rows = unit_queue(user=request.user, now=timezone.now())
    return render(request, "problems/staff/unit_queue.html", {"rows": rows})


@login_required
def callbacks_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    from banshi.problems.selectors import is_hotline_member

    if not (is_hotline_member(user=request.user) or unit_ids_for_officer(user=request.user)):
        raise Http404
    reports = callbacks_due(user=request.user, now=timezone.now())
    return render(request, "problems/staff/callbacks.html", {"reports": reports})


# --- a report ----------------------------------------------------------------------------------------


def _staff_view(request: AuthenticatedHttpRequest, number: str) -> ReportView:
    report_id = report_id_by_number(number=number)
    view = report_for_viewer(viewer=request.user, report_id=report_id) if report_id else None
    if view is None or not view.handles:
        raise Http404
    return view


def _record_full_view(request: AuthenticatedHttpRequest, report: Report) -> None:
    access_record(
        actor=request.user,
        resident_id=report.reporter_id,
        kind=Access.Kind.PROBLEM,
        purpose=Access.Purpose.PROBLEM,
        problem_report_id=report.pk,
    )


# Each move: its form (None for a button), whether it asks first, the service and its arguments.
FORMS: dict[str, type[forms.Form]] = {
    "contact": ContactForm,
    "note": NoteForm,
    "close": CloseForm,
    "send_back": SendBackForm,
    "duplicate": DuplicateForm,
    "callback": CallbackForm,
    "route": RouteForm,
}
CONFIRM = {"close", "send_back", "duplicate"}


def _actions(request: AuthenticatedHttpRequest, view: ReportView) -> set[str]:
    """The moves the viewer may make on the report in its state."""
    report, S = view.report, Report.Status
    current = report.unit_id is not None and report.unit_id in unit_ids_for_officer(user=request.user)
    allowed: set[str] = set()
    if current and report.status in (S.DISPATCHED, S.REOPENED):
        allowed.add("sign")
    if current and report.status in (S.SIGNED, S.CONTACTED):
        allowed.add("contact")
    if current and report.status == S.CONTACTED:
        allowed.add("close")
    if current and report.status in (S.DISPATCHED, S.SIGNED):
        allowed.add("send_back")
    if report.status != S.DUPLICATE:
        allowed.add("note")
    if report.status in Report.OPEN:
        allowed.add("duplicate")
    if report.status == S.CLOSED and may_call_back(user=request.user, report=report):
        allowed.add("callback")
    if report.status in Report.UNROUTED and is_dispatcher(user=request.user):
        allowed.add("route")
    return allowed


def _render_report(
    request: AuthenticatedHttpRequest,
    view: ReportView,
    bound: dict[str, forms.Form] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    if view.record_access:
        _record_full_view(request, view.report)
    allowed = _actions(request, view)
    action_forms = {name: cls(prefix=name) for name, cls in FORMS.items() if name in allowed}
    action_forms.update(bound or {})
    errors = [item for form in (bound or {}).values() for item in form_error_summary(form)]
    context = {
        "view": view,
        "report": view.report,
        "timeline": staff_timeline(view=view),
        "allowed": allowed,
        "forms": action_forms,
        "errors": errors,
    }
    return render(request, "problems/staff/report.html", context, status=status)


@login_required
@require_GET
def report_page(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    return _render_report(request, _staff_view(request, number))


def _arguments(
    action: str, data: dict[str, Any], view: ReportView
) -> tuple[Callable[..., Any], dict[str, Any]]:
    if action == "sign":
        return report_sign, {}
    if action == "contact":
        return report_contact, {"kind": data["kind"], "note": data["note"]}
    if action == "note":
        return report_note, {"text": data["text"], "public": data["public"]}
    if action == "close":
        return report_close_with_photos, {"text": data["text"], "photos": data["photos"]}
    if action == "send_back":
        return report_send_back, {"reason": data["reason"]}
    if action == "duplicate":
        return report_mark_duplicate, {"original_id": report_id_by_number(number=data["original"])}
    return report_route, {"unit": data["unit"]}


DONE = {
    "sign": _("Signed for. Contact the resident before the deadline."),
    "contact": _("The first contact is recorded."),
    "note": _("The note is added."),
    "close": _("Closed. The resident is asked whether it is solved."),
    "send_back": _("Sent back to the dispatcher."),
    "duplicate": _("Marked a duplicate: it follows the original's outcome."),
    "callback": _("The callback's answer is recorded."),
    "route": _("Sent to the unit."),
}


@login_required
@require_POST
def report_action(request: AuthenticatedHttpRequest, number: str, action: str) -> HttpResponse:
    if action == "callback":
        return _callback_action(request, number)
    view = _staff_view(request, number)
    if action not in _actions(request, view):
        raise Http404
    here = reverse("problems:staff_report", args=[view.report.number])
    data: dict[str, Any] = {}
    form = None
    if action in FORMS:
        form = FORMS[action](request.POST, request.FILES, prefix=action)
        if not form.is_valid():
            return _render_report(request, view, {action: form}, status=400)
        data = form.cleaned_data
        if action == "duplicate" and report_id_by_number(number=data["original"]) is None:
            form.add_error("original", _("Reference number of the original is not a report"))
            return _render_report(request, view, {action: form}, status=400)
        if action in CONFIRM and request.POST.get("confirmed") != "yes":
            # A move that cannot be undone asks first, on a page of its own (no script needed).
            return _render_confirm(request, view, form, action)
    service, kwargs = _arguments(action, data, view)
    call = run_service(
        request, service, form=form, on_conflict=here, actor=request.user, report_id=view.report.pk, **kwargs
    )
    if call.response is not None:
        return call.response
    if not call.ok and form is not None:
        if action == "close":
            # A photo refused: nothing is closed, and the photos are chosen again where they were.
            return _render_confirm(request, view, form, action, status=400)
        return _render_report(request, view, {action: form}, status=400)
    messages.success(request, str(DONE[action]))
    if action == "route":
        return redirect("problems:dispatch")
    if action == "send_back":
        return redirect("problems:unit_queue")
    return redirect(here)


def _render_confirm(
    request: AuthenticatedHttpRequest, view: ReportView, form: forms.Form, action: str, *, status: int = 200
) -> HttpResponse:
    context = {
        "report": view.report,
        "form": form,
        "action": action,
        "errors": form_error_summary(form) if form.errors else [],
    }
    return render(request, "problems/staff/confirm.html", context, status=status)


def _callback_report(request: AuthenticatedHttpRequest, number: str) -> Report:
    report_id = report_id_by_number(number=number)
    report = Report.objects.select_related("reporter").filter(pk=report_id).first() if report_id else None
    if (
        report is None
        or report.status != Report.Status.CLOSED
        or not may_call_back(user=request.user, report=report)
    ):
        raise Http404
    return report


def _callback_action(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """The answer of a phone callback, as the staff who called recorded it."""
    report = _callback_report(request, number)
    form = CallbackForm(request.POST, prefix="callback")
    if form.is_valid():
        data = form.cleaned_data
        call = run_service(
            request,
            report_callback,
            form=form,
            on_conflict=reverse("problems:callbacks"),
            actor=request.user,
            report_id=report.pk,
            solved=data["solved"] == "yes",
            satisfaction=data["satisfaction"],
            comment=data["comment"],
        )
        if call.response is not None:
            return call.response
        if call.ok:
            messages.success(request, str(DONE["callback"]))
            return redirect("problems:callbacks")
    return _render_callback(request, report, form, status=400)


def _render_callback(
    request: AuthenticatedHttpRequest, report: Report, form: CallbackForm, *, status: int = 200
) -> HttpResponse:
    _record_full_view(request, report)
    phone = (report.reporter.phone or "") if report.reporter else report.reporter_phone
    name = (report.reporter.display_name or "") if report.reporter else report.reporter_name
    context = {
        "report": report,
        "phone": phone,
        "name": name,
        "form": form,
        "errors": form_error_summary(form) if form.is_bound else [],
    }
    return render(request, "problems/staff/callback.html", context, status=status)


@login_required
@require_POST
def reporter_phone(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """The reporter's phone in full, for the staff calling back a closed report (revealed on a click,
    a POST); the look is recorded. The page carries the form for the answer."""
    return _render_callback(request, _callback_report(request, number), CallbackForm(prefix="callback"))


# --- a supervisor's follow-up ------------------------------------------------------------------------


@supervisor_required
def supervise_report(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """A report as a supervisor (督查) follows it up from the numbers: any report, private ones too; the
    reporter masked, a private report without its description, address or photos."""
    report_id = report_id_by_number(number=number)
    view = report_for_supervisor(report_id=report_id) if report_id else None
    if view is None:
        raise Http404
    report = view.report
    context = {
        "view": view,
        "report": report,
        "timeline": report_timeline(view=view),
        "photos": [] if report.private else photos_of(view=view),
        "callbacks": list(report.callbacks.order_by("created_at", "id")),
    }
    return render(request, "problems/staff/supervise_report.html", context)
