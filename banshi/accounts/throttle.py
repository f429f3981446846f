"""Throttling: failed logins and code entries lock out the account and the client's address for a while
(django-axes, counted in the database), and the anonymous pages answer 429 past a rate per address
(django-ratelimit, counted in the cache). Both learn the client's address from `client_ip`.

The settings name these functions: `AXES_USERNAME_CALLABLE`, `AXES_CLIENT_IP_CALLABLE`,
`AXES_LOCKOUT_CALLABLE` and `RATELIMIT_IP_META_KEY`."""

import ipaddress
import logging
import math
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from banshi.accounts.selectors import username_for_login

logger = logging.getLogger(__name__)

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]
Methods = str | list[str] | tuple[None, ...]  # django-ratelimit's: a method, several, or ALL

# The address to count when the request does not tell one (a Unix socket without a trusted proxy): every
# such client then shares one count, which shows the misconfiguration rather than hiding it.
UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 (a placeholder to count by, never bound to)


def client_ip(request: HttpRequest) -> str:
    """The client's address. Without trusted proxies it is REMOTE_ADDR. Behind TRUSTED_PROXY_COUNT
    reverse proxies, each appending the address it was reached from to X-Forwarded-For, it is the
    entry that the outermost proxy appended: counted from the right, since a client can write anything
    to the left of it."""
    remote = request.META.get("REMOTE_ADDR") or UNKNOWN_ADDRESS
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


def account_key(request: HttpRequest, credentials: Mapping[str, Any] | None = None) -> str:
    """What a failed login is counted against: the user name of the account that the typed user name or
    mobile number opens (so that typing one or the other counts alike), or what was typed when no account
    matches."""
    typed = (credentials or {}).get("username")
    if typed is None:
        typed = request.POST.get("username", "")
    typed = str(typed).strip()[:150]
    return username_for_login(identifier=typed) or typed


def _wants_json(request: HttpRequest) -> bool:
    return (
        request.path_info.startswith("/api/")
        or request.path_info.endswith(".json")
        or "application/json" in request.headers.get("Accept", "")
    )


def _refusal(request: HttpRequest, *, template: str, message: str, wait_seconds: int) -> HttpResponse:
    response: HttpResponse
    if _wants_json(request):
        response = JsonResponse({"errors": [{"field": "", "message": message}]}, status=429)
    else:
        response = render(request, template, {"message": message}, status=429)
    response["Retry-After"] = str(max(wait_seconds, 1))
    response["Cache-Control"] = "no-store"
    return response


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def lockout_message() -> str:
    cool_off = get_cool_off()
    minutes = _minutes(int(cool_off.total_seconds())) if cool_off else 0
    return ngettext(
        "Too many failed tries for this account or from this address. For your safety, logging in and "
        "entering codes are paused: try again in %(minutes)d minute.",
        "Too many failed tries for this account or from this address. For your safety, logging in and "
        "entering codes are paused: try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The answer to a locked-out login or code entry: a page in the site's look, or the API's error
    shape, with 429 and the wait."""
    cool_off = get_cool_off(request)
    return _refusal(
        request,
        template="accounts/locked_out.html",
        message=lockout_message(),
        wait_seconds=int(cool_off.total_seconds()) if cool_off else 0,
    )


def locked_out(request: HttpRequest, *, account: str) -> HttpResponse | None:
    """The lockout answer when `account` (a user name or mobile number) or the client's address is
    locked out; None when the try may go ahead."""
    credentials = {"username": account}
    if AxesProxyHandler.is_allowed(request, credentials):
        return None
    return lockout_response(request, None, credentials)


def failed_try_record(request: HttpRequest, *, account: str) -> None:
    """Count a wrong code as a failed login of `account` from the client's address. When it was the
    try too many, the lockout page replaces the response (axes' middleware)."""
    AxesProxyHandler.user_login_failed(
        sender=failed_try_record, credentials={"username": account}, request=request
    )


def rate(group: str, request: HttpRequest) -> str:
    """The rate of a group of pages, from RATE_LIMITS."""
    return str(settings.RATE_LIMITS[group])


def rate_refusal(request: HttpRequest, group: str, *, method: Methods = ALL) -> HttpResponse | None:
    """Count this request against its address's rate for `group`: the 429 answer once past it, else None."""
    try:
        usage = get_usage(request, group=group, key="ip", rate=rate, method=method, increment=True)
    except Exception:
        # The cache is down: serve the page uncounted rather than refuse everybody.
        logger.warning("The rate of %s was not counted: the cache failed", group, exc_info=True)
        return None
    if usage is None or not usage["should_limit"]:
        return None
    wait = int(usage["time_left"])
    minutes = _minutes(wait)
    message = ngettext(
        "There were too many requests from your address. Try again in %(minutes)d minute.",
        "There were too many requests from your address. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    return _refusal(request, template="accounts/rate_limited.html", message=message, wait_seconds=wait)


def throttled(group: str, *, method: Methods = ALL) -> Callable[[View[P]], View[P]]:
    """A view decorator: past the rate of `group` per client address, 429 instead of the view."""

    def decorator(view: View[P]) -> View[P]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            refusal = rate_refusal(request, group, method=method)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
