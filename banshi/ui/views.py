"""The house's page plumbing: the large-text switch, safe `next` targets, and one mapping of a service's
domain errors onto a page (the HTML twin of the API's error handlers)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_POST

from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.ui.forms import add_service_errors

logger = logging.getLogger(__name__)


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


# --- the site's own error pages (`handler403`, `handler404`, `handler500` in banshi/urls.py) -----------


def _referring_page(request: HttpRequest) -> str:
    """The page of this site the visitor came from, for a way back; "" from elsewhere or nowhere."""
    referer = request.headers.get("referer", "")
    if (
        referer
        and referer != request.build_absolute_uri()
        and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return referer
    return ""


def _error_page(request: HttpRequest, *, status: int, heading: str, explanation: list[str]) -> HttpResponse:
    context = {
        "status": status,
        "heading": heading,
        "explanation": explanation,
        "back": _referring_page(request),
    }
    return render(request, "errors/page.html", context, status=status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request,
        status=403,
        heading=_("You cannot open this page"),
        explanation=[
            _("This page is for other people's work, or for another role than yours."),
            _("If you think you should be able to open it, ask your administrator."),
        ],
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error_page(
        request,
        status=403,
        heading=_("This form has expired"),
        explanation=[
            _("For your safety, a form can be sent only from a page opened recently in this browser."),
            _("Go back, open the page again and send the form once more."),
        ],
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request,
        status=404,
        heading=_("Page not found"),
        explanation=[
            _("If you typed the address, check it. If you pasted it, check that you copied all of it."),
            _("An application or a document that is not yours is not found either."),
        ],
    )


def upload_too_large(request: HttpRequest) -> HttpResponse:
    """The answer to a form whose files are larger than allowed (`ui.middleware.UploadSizeMiddleware`)."""
    mb = settings.MATERIAL_MAX_BYTES // (1024 * 1024)
    return _error_page(
        request,
        status=413,
        heading=_("The file is too large"),
        explanation=[
            _("Each file can be at most %(mb)d MB. Nothing was sent.") % {"mb": mb},
            _("Go back and choose a smaller file: a photo at a lower resolution, or a scan in grey."),
        ],
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """The site's own page, in its layout; when even that cannot be drawn (the database it reads for the
    header is down), a plain page that reads nothing."""
    try:
        return _error_page(
            request,
            status=500,
            heading=_("Sorry, something went wrong on our side"),
            explanation=[_("The page could not be shown. Try again in a few minutes.")],
        )
    except Exception:
        logger.exception("the error page could not be drawn; the plain one was shown")
        return defaults.server_error(request)
