"""The video window clerk's console: today's appointments, the live queue, calling the next
resident, and the calls not finished yet (resume one on the call page, or end it here). The call page
itself and what is done during a call are in `banshi.remote.views.call`."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.accounts.models import User
from banshi.directory.models import Window
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.lib.personal import mask_name
from banshi.remote import selectors
from banshi.remote.forms import CallEndForm
from banshi.remote.models import Appointment, CallSession
from banshi.remote.routing import socket_path
from banshi.remote.services import call_end, call_start
from banshi.ui.views import run_service


def _video_window(request: AuthenticatedHttpRequest) -> Window:
    window = selectors.video_window_for_clerk(user=request.user)
    if window is None:
        raise PermissionDenied
    return window


def _person(user: User) -> str:
    return user.display_name or user.username


def _bundle_names() -> dict[str, str]:
    from banshi.catalog.selectors import bundles_open

    return {bundle.code: str(bundle.current_spec.name) for bundle in bundles_open()}


def _waiting(window: Window, names: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "ticket": ticket,
            "resident": mask_name(_person(ticket.resident)),
            "bundle": names.get(ticket.bundle_code, ""),
            "appointment": ticket.appointment,
        }
        for ticket in selectors.waiting_rows(window_id=window.pk)
    ]


@login_required
def remote_console(request: AuthenticatedHttpRequest) -> HttpResponse:
    window = _video_window(request)
    names = _bundle_names()
    waiting = _waiting(window, names)
    calls = [
        {
            "session": session,
            # The clerk handling the call sees the resident's name in full.
            "resident": _person(session.resident),
            "joinable": selectors.joinable(session),
            "form": CallEndForm(prefix=f"end{session.pk}"),
        }
        for session in selectors.calls_unfinished(clerk=request.user)
    ]
    appointments = [
        {
            "appointment": appointment,
            "resident": mask_name(_person(appointment.resident)),
            "bundle": names.get(appointment.bundle_code, ""),
        }
        for appointment in selectors.appointments_today(window=window)
    ]
    context = {
        "window": window,
        "state": selectors.queue_state(window_id=window.pk),
        **selectors.window_opening(window=window),
        "waiting": waiting,
        "calls": calls,
        "appointments": appointments,
        "booked": Appointment.Status.BOOKED,
        "queue_config": {"wsPath": socket_path("queue_socket", window_id=window.pk)},
    }
    return render(request, "remote/console.html", context)


@login_required
@require_GET
def remote_console_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The console's live queue again (remote/_console_queue.html), for the page to swap in when the
    queue changed."""
    window = _video_window(request)
    context = {
        "state": selectors.queue_state(window_id=window.pk),
        "waiting": _waiting(window, _bundle_names()),
        "calls": list(selectors.calls_unfinished(clerk=request.user)),
    }
    response = render(request, "remote/_console_queue.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _optional_id(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


@login_required
@require_POST
def remote_call_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    _video_window(request)
    try:
        session = call_start(
            actor=request.user,
            ticket_id=_optional_id(request.POST.get("ticket_id", "")),
            appointment_id=_optional_id(request.POST.get("appointment_id", "")),
        )
    except (Conflict, FieldErrors) as exc:
        messages.error(request, str(exc) if isinstance(exc, Conflict) else "; ".join(exc.errors.values()))
        return redirect("remote:console")
    except NotFound:
        raise Http404 from None
    return redirect("remote:call", session_id=session.pk)


def _participant_session(request: AuthenticatedHttpRequest, session_id: int) -> CallSession:
    session = selectors.session_of_participant(user=request.user, session_id=session_id)
    if session is None:
        raise Http404
    return session


def _clerk_session(request: AuthenticatedHttpRequest, session_id: int) -> CallSession:
    session = _participant_session(request, session_id)
    if session.clerk_id != request.user.pk:
        raise Http404
    return session


@login_required
@require_POST
def remote_console_end(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """The clerk ends an unfinished call from the console, even one past its rejoin time."""
    session = _clerk_session(request, session_id)
    form = CallEndForm(request.POST, prefix=f"end{session.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose the outcome of the call."))
        return redirect("remote:console")
    console = reverse("remote:console")
    ended = run_service(
        request,
        call_end,
        on_conflict=console,
        actor=request.user,
        session_id=session.pk,
        outcome=form.cleaned_data["outcome"],
    )
    if ended.ok:
        messages.success(request, _("The call has ended."))
    return redirect(console)
