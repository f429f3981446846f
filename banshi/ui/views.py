"""The house's page plumbing: the large-text switch, safe `next` targets, and one mapping of a service's
domain errors onto a page (the HTML twin of the API's error handlers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.ui.forms import add_service_errors


def safe_next(request: HttpRequest, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
def large_text(request: HttpRequest) -> HttpResponse:
    """Switch the elderly-friendly large-text mode (适老化) on or off; it is remembered for a year."""
    response = redirect(safe_next(request))
    if request.POST.get("on") == "1":
        response.set_cookie("large_text", "1", max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    else:
        response.delete_cookie("large_text", samesite="Lax")
    return response


@dataclass
class ServiceCall:
    """What became of a service called for a page: `ok` with its `result`, or a `response` the view
    returns as it is (a redirect after a conflict), or neither: the form now carries the errors and the
    view shows it again."""

    ok: bool = False
    result: Any = None
    response: HttpResponse | None = None


def conflict_message(exc: Conflict) -> str:
    """A Conflict as a page's message, with the link to the page that resolves it when it names one."""
    if exc.link:
        return format_html('{} <a href="{}">{}</a>', str(exc), *exc.link)
    return str(exc)


def run_service(
    request: HttpRequest,
    service: Callable[..., Any],
    /,
    *,
    form: forms.Form | None = None,
    on_conflict: str = "",
    **kwargs: Any,
) -> ServiceCall:
    """Call `service(**kwargs)` and map its domain errors the one way every page does: FieldErrors next
    to the form's fields (or as a message when there is no form), a Conflict as a message and a redirect
    to `on_conflict` (the page itself when empty), NotFound as a 404."""
    try:
        result = service(**kwargs)
    except FieldErrors as exc:
        if form is not None:
            add_service_errors(form, exc.errors)
            return ServiceCall()
        messages.error(request, " ".join(exc.errors.values()))
        return ServiceCall(response=redirect(on_conflict or request.get_full_path()))
    except Conflict as exc:
        messages.error(request, conflict_message(exc))
        return ServiceCall(response=redirect(on_conflict or request.get_full_path()))
    except NotFound:
        raise Http404 from None
    return ServiceCall(ok=True, result=result)
