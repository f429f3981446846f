"""The resident's side of the video window: the windows and their hours, booking a time, the live
queue, and after a call its summary, rating and the way back to the application."""

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.accounts.throttle import throttled
from banshi.cases.draft import DraftKey, draft_save, draft_start
from banshi.catalog.selectors import bundle_open
from banshi.directory.models import Window
from banshi.directory.selectors import is_supervisor
from banshi.remote import selectors
from banshi.remote.forms import CallRatingForm, SlotForm, TakeNumberForm
from banshi.remote.ics import event_calendar
from banshi.remote.models import Appointment, CallSession, QueueTicket
from banshi.remote.routing import socket_path
from banshi.remote.services import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    call_rate,
    ticket_leave,
    ticket_take,
)
from banshi.ui.forms import form_error_summary
from banshi.ui.views import run_service


def _window(window_id: int) -> Window:
    window = selectors.video_window(window_id=window_id)
    if window is None:
        raise Http404
    return window


def _hours(window: Window) -> list[dict]:
    return [
        {"day": WEEKDAYS[row["weekday"]], "periods": row["periods"]}
        for row in selectors.hours_summary(window=window)
    ]


def _bundle_name(code: str) -> str:
    bundle = bundle_open(code=code) if code else None
    return str(bundle.current_spec.name) if bundle else ""


def remote_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "windows": [
            {"window": window, "hours": _hours(window), **selectors.window_opening(window=window)}
            for window in selectors.video_windows()
        ],
        "console": selectors.video_window_for_clerk(user=user) is not None,
        "stats": is_supervisor(user=user),
    }
    if user.is_authenticated:
        context["appointments"] = [
            {"appointment": a, "bundle": _bundle_name(a.bundle_code)}
            for a in selectors.appointments_upcoming(user=user)
        ]
        context["calls"] = list(selectors.calls_of_resident(user=user))
    return render(request, "remote/home.html", context)


# --- booking ------------------------------------------------------------------------------------------


def _picker(request: AuthenticatedHttpRequest, window: Window, *, posted: str = "") -> dict:
    """The next working days with their places left, and the slots of the day shown."""
    days = selectors.slots_upcoming(window=window)
    wanted = request.GET.get("day", "")
    if posted:
        wanted = posted[:10]
    try:
        chosen = date.fromisoformat(wanted) if wanted else None
    except ValueError:
        chosen = None
    if chosen not in {day for day, _slots in days}:
        chosen = next((day for day, slots in days if any(slot.left for slot in slots)), None)
    base = request.path
    rows = [
        {
            "day": day,
            "left": sum(slot.left for slot in slots),
            "url": f"{base}?day={day.isoformat()}",
            "current": day == chosen,
        }
        for day, slots in days
    ]
    slots = next((slots for day, slots in days if day == chosen), [])
    return {"days": rows, "chosen": chosen, "slots": slots, "posted": posted}


@login_required
def remote_book(request: AuthenticatedHttpRequest, window_id: int) -> HttpResponse:
    window = _window(window_id)
    form = SlotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        call = run_service(
            request,
            appointment_book,
            form=form,
            actor=request.user,
            window_id=window.pk,
            starts_at=form.cleaned_data["starts_at"],
            bundle_code=form.cleaned_data.get("bundle_code", ""),
        )
        if call.response is not None:
            return call.response
        if call.ok:
            messages.success(request, _("Your video appointment is booked."))
            return redirect("remote:appointment", appointment_id=call.result.pk)
    context = {
        "window": window,
        "hours": _hours(window),
        "form": form,
        "errors": form_error_summary(form) if form.is_bound else [],
        "action": reverse("remote:book", args=[window.pk]),
        **_picker(request, window, posted=request.POST.get("starts_at", "")),
    }
    return render(request, "remote/book.html", context, status=400 if form.errors else 200)


def _own_appointment(request: AuthenticatedHttpRequest, appointment_id: int) -> Appointment:
    appointment = selectors.appointment_for_resident(user=request.user, appointment_id=appointment_id)
    if appointment is None:
        raise Http404
    return appointment


def _render_appointment(
    request: AuthenticatedHttpRequest,
    appointment: Appointment,
    form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    form = form or SlotForm(with_bundle=False)
    window = appointment.slot.window
    booked = appointment.status == Appointment.Status.BOOKED
    changeable = booked and appointment.slot.starts_at > timezone.now()
    context = {
        "appointment": appointment,
        "window": window,
        "bundle": _bundle_name(appointment.bundle_code),
        "changeable": changeable,
        "form": form,
        "errors": form_error_summary(form) if form.is_bound else [],
        "action": reverse("remote:appointment_reschedule", args=[appointment.pk]),
    }
    if changeable:
        context.update(_picker(request, window, posted=request.POST.get("starts_at", "")))
    return render(request, "remote/appointment.html", context, status=status)


@login_required
def remote_appointment(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    return _render_appointment(request, _own_appointment(request, appointment_id))


@login_required
@require_POST
def remote_appointment_cancel(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _own_appointment(request, appointment_id)
    here = reverse("remote:appointment", args=[appointment.pk])
    call = run_service(
        request, appointment_cancel, on_conflict=here, actor=request.user, appointment_id=appointment.pk
    )
    if call.ok:
        messages.success(request, _("Your appointment is cancelled."))
    return redirect(here)


@login_required
@require_POST
def remote_appointment_reschedule(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _own_appointment(request, appointment_id)
    form = SlotForm(request.POST, with_bundle=False)
    if form.is_valid():
        call = run_service(
            request,
            appointment_reschedule,
            form=form,
            on_conflict=reverse("remote:appointment", args=[appointment.pk]),
            actor=request.user,
            appointment_id=appointment.pk,
            starts_at=form.cleaned_data["starts_at"],
        )
        if call.response is not None:
            return call.response
        if call.ok:
            messages.success(request, _("Your appointment was moved to the new time."))
            return redirect("remote:appointment", appointment_id=call.result.pk)
    return _render_appointment(request, appointment, form, status=400)


@login_required
@require_GET
def remote_appointment_ics(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _own_appointment(request, appointment_id)
    window = appointment.slot.window
    bundle = _bundle_name(appointment.bundle_code)
    summary = _("Video call with %(window)s") % {"window": window.name}
    if bundle:
        summary = f"{summary}: {bundle}"
    queue = request.build_absolute_uri(reverse("remote:queue", args=[window.pk]))
    body = event_calendar(
        uid=f"appointment-{appointment.pk}@{request.get_host().split(':')[0]}",
        starts_at=appointment.slot.starts_at,
        ends_at=appointment.slot.ends_at,
        summary=summary,
        location=window.name,
        description=_("A few minutes before, open %(url)s and take a number.") % {"url": queue},
        url=queue,
        cancelled=appointment.status == Appointment.Status.CANCELLED,
        stamp=appointment.cancelled_at or appointment.created_at,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="video-appointment-{appointment.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- the queue ----------------------------------------------------------------------------------------


def _queue_status(request: HttpRequest, window: Window) -> dict[str, Any]:
    """The live part of the queue page (remote/_queue_status.html): the queue, and the viewer's
    number, place and wait, or the call they are called into."""
    user = request.user
    ticket = selectors.open_ticket(user=user, window_id=window.pk) if user.is_authenticated else None
    position, wait = selectors.ticket_position(ticket=ticket) if ticket else (0, 0.0)
    call = selectors.call_waiting_for(user=user, window_id=window.pk) if user.is_authenticated else None
    return {
        "window": window,
        "state": selectors.queue_state(window_id=window.pk),
        "ticket": ticket,
        "position": position,
        "wait": selectors.whole_minutes(wait),
        "call": call,
    }


def _queue_context(
    request: AuthenticatedHttpRequest, window: Window, form: forms.Form | None = None
) -> dict[str, Any]:
    status = _queue_status(request, window)
    last = selectors.last_ended_call(user=request.user, window_id=window.pk)
    opening = selectors.window_opening(window=window)
    checking_in = selectors.appointment_to_check_in(
        user=request.user, window_id=window.pk, now=timezone.now()
    )
    return {
        **status,
        **opening,
        "can_take": opening["serving"] or checking_in is not None,
        "call_minutes": selectors.whole_minutes(status["state"]["average_minutes"]),
        "hours": _hours(window),
        "last_call": last if last is not None and status["call"] is None else None,
        "form": form or TakeNumberForm(),
        "errors": form_error_summary(form) if form is not None and form.is_bound else [],
        "queue_config": {"wsPath": socket_path("queue_socket", window_id=window.pk)},
    }


@login_required
def remote_queue(request: AuthenticatedHttpRequest, window_id: int) -> HttpResponse:
    window = _window(window_id)
    form = None
    if request.method == "POST":
        form = TakeNumberForm(request.POST)
        if form.is_valid():
            call = run_service(
                request,
                ticket_take,
                form=form,
                actor=request.user,
                window_id=window.pk,
                bundle_code=form.cleaned_data["bundle_code"],
            )
            if call.response is not None:
                return call.response
            if call.ok:
                number = call.result.number
                messages.success(request, _("Your number is %(number)s.") % {"number": number})
                return redirect("remote:queue", window_id=window.pk)
    context = _queue_context(request, window, form)
    return render(request, "remote/queue.html", context, status=400 if form and form.errors else 200)


@login_required
@require_POST
def remote_ticket_leave(request: AuthenticatedHttpRequest, ticket_id: int) -> HttpResponse:
    ticket = QueueTicket.objects.filter(pk=ticket_id, resident=request.user).first()
    if ticket is None:
        raise Http404
    here = reverse("remote:queue", args=[ticket.window_id])
    if run_service(request, ticket_leave, on_conflict=here, actor=request.user, ticket_id=ticket.pk).ok:
        messages.success(request, _("You left the queue."))
    return redirect(here)


@require_GET
@throttled("queue")
def remote_queue_status(request: HttpRequest, window_id: int) -> HttpResponse:
    """The live part of the queue page again, for the page to swap in when the queue changed. Open to
    anyone, as queue.json is (the queue names nobody): signed out meanwhile, the page still gets a
    fragment, without the number, rather than the login page."""
    window = _window(window_id)
    response = render(request, "remote/_queue_status.html", _queue_status(request, window))
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@throttled("queue")
def remote_queue_json(request: HttpRequest, window_id: int) -> HttpResponse:
    """The queue as JSON, for other clients than the page; with the viewer's own place."""
    window = _window(window_id)
    data = selectors.queue_state(window_id=window.pk)
    opening = selectors.window_opening(window=window)
    data.update(
        {
            "serving": opening["serving"],
            "serving_until": opening["until"].isoformat() if opening["until"] else None,
            "next_opening": opening["next_opening"].isoformat() if opening["next_opening"] else None,
        }
    )
    data.update({"ticket": None, "position": None, "estimated_wait_minutes": None, "call_url": None})
    user = request.user
    if user.is_authenticated:
        ticket = selectors.open_ticket(user=user, window_id=window.pk)
        if ticket is not None:
            position, wait = selectors.ticket_position(ticket=ticket)
            data["ticket"] = {"id": ticket.pk, "number": ticket.number, "status": ticket.status}
            data["position"], data["estimated_wait_minutes"] = position, wait
        call = selectors.call_waiting_for(user=user, window_id=window.pk)
        if call is not None:
            data["call_url"] = reverse("remote:call", args=[call.pk])
    response = JsonResponse(data)
    response["Cache-Control"] = "private, no-store"
    return response


# --- after the call -----------------------------------------------------------------------------------


def _participant_session(request: AuthenticatedHttpRequest, session_id: int) -> CallSession:
    session = selectors.session_of_participant(user=request.user, session_id=session_id)
    if session is None:
        raise Http404
    return session


def _render_summary(
    request: AuthenticatedHttpRequest, session: CallSession, form: forms.Form | None = None, status: int = 200
) -> HttpResponse:
    is_resident = session.resident_id == request.user.pk
    rating = selectors.call_rating(session=session)
    can_rate = (
        is_resident and session.status == CallSession.Status.ENDED and session.connected_at and rating is None
    )
    form = (form or CallRatingForm()) if can_rate else None
    spec = selectors.draft_spec(session.draft)
    context = {
        "session": session,
        "is_resident": is_resident,
        "joinable": selectors.joinable(session),
        "bundle": str(spec.name) if spec else "",
        "reviews": selectors.prereview_rows(session=session),
        "chat": [
            {
                "who": _("You")
                if line.author_id == request.user.pk
                else (_("Clerk") if line.role == "clerk" else _("Resident")),
                "text": line.text,
            }
            for line in selectors.chat_of(session=session)
        ],
        "rating": rating,
        "form": form,
        "errors": form_error_summary(form) if form is not None and form.is_bound else [],
        "can_continue": is_resident
        and spec is not None
        and session.status == CallSession.Status.ENDED
        and session.application_id is None,
    }
    return render(request, "remote/summary.html", context, status=status)


@login_required
def remote_call_summary(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = _participant_session(request, session_id)
    if request.method != "POST":
        return _render_summary(request, session)
    if session.resident_id != request.user.pk:
        raise Http404
    form = CallRatingForm(request.POST)
    if form.is_valid():
        here = reverse("remote:call_summary", args=[session.pk])
        call = run_service(
            request,
            call_rate,
            form=form,
            on_conflict=here,
            actor=request.user,
            session_id=session.pk,
            level=form.cleaned_data["level"],
            comment=form.cleaned_data["comment"],
        )
        if call.response is not None:
            return call.response
        if call.ok:
            messages.success(request, _("Thank you for rating the video call."))
            return redirect(here)
    return _render_summary(request, session, form, status=400)


@login_required
@require_POST
def remote_call_continue(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """Carry what was shared and reviewed on the call back into the resident's draft, then on to
    checking and sending it."""
    session = _participant_session(request, session_id)
    code = session.draft.get("bundle")
    if session.resident_id != request.user.pk or not code or bundle_open(code=code) is None:
        raise Http404
    key = DraftKey(code)
    draft = draft_start(request.user, key)
    draft["answers"] = dict(session.draft.get("answers") or {})
    draft["values"] = {**(session.draft.get("values") or {}), **draft["values"]}
    draft["materials"] = {**draft["materials"], **(session.draft.get("materials") or {})}
    draft_save(request.user, key, draft)
    return redirect("cases:apply_check", code=code)
