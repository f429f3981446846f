"""GeoReport v2 at /open311/v2/: each resource takes a `.xml` or `.json` suffix and answers in that
format, errors too (the specification's error list, with 400, 403 or 404). Parameters are read from the
form body and the query string alike (clients send `api_key` in either), and an empty one counts as
absent. Nothing an Open311 client sends can make a server error or show a traceback."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from banshi.accounts.throttle import rate_refusal
from banshi.lib.errors import FieldErrors, NotFound
from banshi.open311.renderers import DEFAULT_FORMAT, FORMATS, Items, errors_response, render
from banshi.open311.selectors import (
    IDS_MAX,
    PAGE_SIZE_MAX,
    PublicRequest,
    RequestFilter,
    known_service_codes,
    public_request,
    public_request_of_token,
    public_requests,
    service_of,
    services_open,
)
from banshi.open311.services import ATTRIBUTE_KEY, client_for_key, service_request_submit
from banshi.problems.models import Category, Report

logger = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this server's GeoReport interface last changed.
CHANGESET = "2026-12-01T00:00:00+08:00"
RANGE_MAX = timedelta(days=90)
PAGE_MAX = 1000
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,43}\Z")
RATE_GROUP = "open311"
DATE_ONLY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


class Forbidden(Exception):
    pass


class Params:
    """The request's parameters, the form body's first and then the query string's; blank ones are
    absent."""

    def __init__(self, request: HttpRequest) -> None:
        self.sources = [request.POST, request.GET] if request.method == "POST" else [request.GET]

    def get(self, name: str) -> str | None:
        for source in self.sources:
            value = source.get(name)
            if value is not None and value.strip():
                return value.strip()
        return None

    def attributes(self) -> dict[str, list[str]]:
        """`attribute[CODE]` and `attribute[CODE][]`, each code's values together."""
        given: dict[str, list[str]] = {}
        seen: set[str] = set()
        for source in self.sources:
            for key in source:
                if key in seen or not (match := ATTRIBUTE_KEY.match(key)):
                    continue
                seen.add(key)
                given.setdefault(match.group(1), []).extend(source.getlist(key))
        return given


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds") if moment else None


def open311(*methods: str) -> Callable[..., Callable[..., HttpResponse]]:
    """A resource: the format checked, the method, the rate, and every error in the requested format."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            if fmt not in FORMATS:
                return errors_response(
                    DEFAULT_FORMAT,
                    400,
                    [_("the format %(format)s is not offered: use .xml or .json") % {"format": fmt[:20]}],
                )
            if request.method not in methods:
                response = errors_response(
                    fmt, 405, [_("this resource does not take %(method)s") % {"method": request.method}]
                )
                response["Allow"] = ", ".join(methods)
                return response
            refusal = rate_refusal(request, RATE_GROUP)
            if refusal is not None:
                response = errors_response(fmt, 429, [_("too many requests: try again later")])
                response["Retry-After"] = refusal["Retry-After"]
                return response
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except FieldErrors as problem:
                return errors_response(
                    fmt, 400, [f"{field}: {message}" for field, message in problem.errors.items()]
                )
            except NotFound as problem:
                return errors_response(fmt, 404, [str(problem) or _("not found")])
            except Forbidden as problem:
                return errors_response(fmt, 403, [str(problem)])
            except (RequestDataTooBig, SuspiciousOperation):
                return errors_response(fmt, 400, [_("the request is too large or malformed")])
            except Exception:
                logger.exception("Open311 %s failed", request.path_info)
                return errors_response(fmt, 500, [_("the server could not answer: try again later")])

        return wrapped

    return decorator


@open311("GET")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/").rstrip("/")
    document = {
        "changeset": CHANGESET,
        "contact": _("Chongqing's 12345 citizens' hotline: call 12345."),
        "key_service": _("API keys are issued to named clients by the site's administrators."),
        "endpoints": Items(
            "endpoint",
            [
                {
                    "specification": SPECIFICATION,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": Items("format", ["text/xml", "application/json"]),
                }
            ],
        ),
    }
    return render(fmt, "discovery", document)


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": _("%(name)s (%(tier)s)") % {"name": category.name, "tier": category.tier.name},
        "metadata": bool(category.attributes),
        "type": "realtime",
        "keywords": ", ".join(dict.fromkeys([category.name_zh, category.name_en])),
        "group": category.tier.name,
    }


@open311("GET")
def services(request: HttpRequest, *, fmt: str) -> HttpResponse:
    found = services_open()
    if not found:
        # An empty <services/> breaks some clients' parsers: no services is the server's misconfiguration.
        return errors_response(fmt, 503, [_("no service is open for requests")])
    return render(fmt, "services", Items("service", [_service(category) for category in found]))


def _attribute(item: dict[str, Any]) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "variable": item.get("variable", True),
        "code": item["code"],
        "datatype": item["datatype"],
        "required": item.get("required", False),
        "datatype_description": item.get("datatype_description") or None,
        "order": item.get("order", 0),
        "description": item.get("description", ""),
    }
    if item.get("values"):
        attribute["values"] = Items("value", [{"key": v["key"], "name": v["name"]} for v in item["values"]])
    return attribute


@open311("GET")
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    category = service_of(code=code) if ID_PATTERN.match(code) else None
    if category is None:
        raise NotFound(_("service_code %(code)s not found") % {"code": code[:40]})
    items = sorted(category.attributes, key=lambda item: item.get("order", 0))
    document = {
        "service_code": category.code,
        "attributes": Items("attribute", [_attribute(i) for i in items]),
    }
    return render(fmt, "service_definition", document)


def _api_client(params: Params) -> Any:
    key = params.get("api_key")
    if key is None:
        raise Forbidden(_("api_key is required to create a request"))
    client = client_for_key(key)
    if client is None:
        raise Forbidden(_("Invalid api_key received -- can't proceed with create_request."))
    return client


POST_FIELDS = (
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
)


def _media(request: HttpRequest) -> Any:
    """The one photo a multipart POST may carry, as `media` (the extension most clients send); any
    other file, or more than one, is refused by name."""
    if not request.FILES:
        return None
    others = sorted(name for name in request.FILES if name != "media")
    if others:
        raise FieldErrors(
            {
                others[0][:40]: _(
                    "files are not taken here: send a photo as media, or its address as media_url"
                )
            }
        )
    files = request.FILES.getlist("media")
    if len(files) > 1:
        raise FieldErrors({"media": _("give one photo")})
    return files[0]


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    # A file's bytes do not count against Django's limit of the form's: refuse a large body unread.
    if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        raise RequestDataTooBig()
    params = Params(request)
    client = _api_client(params)
    media = _media(request)
    code = params.get("service_code")
    try:
        submission = service_request_submit(
            client=client,
            service_code=code,
            fields={name: params.get(name) for name in POST_FIELDS},
            attributes=params.attributes(),
            idempotency_key=request.headers.get("Idempotency-Key", "")[:80],
            media=media,
            media_url_for=lambda photo_id: request.build_absolute_uri(
                reverse("problems:photo", args=[photo_id])
            ),
        )
    except NotFound:
        raise NotFound(_("service_code %(code)s not found") % {"code": (code or "")[:40]}) from None
    report = submission.report
    answer = {
        "service_request_id": report.number,
        "token": submission.token,
        "service_notice": _("First contact due by %(due)s") % {"due": iso(report.first_contact_due)},
        "account_id": None,
    }
    return render(fmt, "service_requests", Items("request", [answer]))


def _moment(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    moment = None
    try:
        if DATE_ONLY.match(value):
            # A day alone (a W3C date) begins at midnight in Chongqing.
            if (day := parse_date(value)) is not None:
                moment = datetime.combine(day, time.min, tzinfo=SHANGHAI)
        else:
            moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise FieldErrors(
            {name: _("must be a W3C date and time with its offset, e.g. 2026-12-07T10:00:00+08:00")}
        )
    return moment


def _number(value: str | None, name: str, *, default: int, top: int) -> int:
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= top:
        raise FieldErrors({name: _("must be a whole number from 1 to %(top)d") % {"top": top}})
    return int(value)


def _list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _range(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    """At most 90 days; one end given, the other 90 days away; none, the last 90 days."""
    if start is not None and end is not None:
        if end < start:
            raise FieldErrors({"end_date": _("is before start_date")})
        if end - start > RANGE_MAX:
            raise FieldErrors({"end_date": _("the range from start_date to end_date is more than 90 days")})
        return start, end
    if start is not None:
        return start, start + RANGE_MAX
    if end is not None:
        return end - RANGE_MAX, end
    now = timezone.now()
    return now - RANGE_MAX, now


def _filter(params: Params) -> RequestFilter:
    errors: dict[str, str] = {}
    ids = _list(params.get("service_request_id"))
    if len(ids) > IDS_MAX or not all(ID_PATTERN.match(one) for one in ids):
        errors["service_request_id"] = _("must be at most %(count)d ids, separated by commas") % {
            "count": IDS_MAX
        }
    codes = _list(params.get("service_code"))
    statuses = sorted(set(_list(params.get("status"))))
    if not set(statuses) <= {"open", "closed"}:
        errors["status"] = _("must be open, closed, or both separated by a comma")
    start = end = None
    for name in ("start_date", "end_date"):
        try:
            moment = _moment(params.get(name), name)
        except FieldErrors as problem:
            errors |= problem.errors
            continue
        if name == "start_date":
            start = moment
        else:
            end = moment
    page = page_size = 1
    try:
        page = _number(params.get("page"), "page", default=1, top=PAGE_MAX)
        page_size = _number(params.get("page_size"), "page_size", default=PAGE_SIZE_MAX, top=PAGE_SIZE_MAX)
    except FieldErrors as problem:
        errors |= problem.errors
    if errors:
        raise FieldErrors(errors)
    start, end = _range(start, end)
    if codes and not ids:
        safe = [code for code in codes if ID_PATTERN.match(code)]
        if unknown := sorted(set(codes) - known_service_codes(safe)):
            raise NotFound(_("service_code %(code)s not found") % {"code": unknown[0][:40]})
    return RequestFilter(
        ids=ids, service_codes=codes, start=start, end=end, statuses=statuses, page=page, page_size=page_size
    )


def _extensions(params: Params) -> bool:
    value = params.get("extensions")
    if value not in (None, "true", "false"):
        raise FieldErrors({"extensions": _("must be true or false")})
    return value == "true"


def _address(row: PublicRequest) -> str:
    parts = [row.district_name, row.street, row.community, row.address]
    return " ".join(part for part in parts if part)


def _request_item(
    row: PublicRequest, *, extensions: bool, labels: dict[str, str] | None = None
) -> dict[str, Any]:
    is_open = row.status in Report.OPEN
    if labels is None:
        labels = {}
    if row.status not in labels:
        labels[row.status] = (
            str(Report.Status(row.status).label) if row.status in Report.Status else row.status
        )
    item: dict[str, Any] = {
        "service_request_id": row.number,
        "status": "open" if is_open else "closed",
        "status_notes": row.status_notes or labels[row.status],
        "service_name": row.service_name,
        "service_code": row.service_code,
        "description": row.description,
        "agency_responsible": row.agency,
        "service_notice": "",
        "requested_datetime": row.requested,
        "updated_datetime": row.updated,
        "expected_datetime": row.expected if is_open else None,
        "address": _address(row),
        "address_id": row.district_code,
        "zipcode": "",
        "lat": row.lat,
        "long": row.lng,
        "media_url": row.media_url or None,
    }
    if extensions:
        item["extended_attributes"] = {
            "channel": row.channel,
            "fine_status": row.status,
            "notes": Items(
                "note", [{"datetime": iso(update.at), "summary": update.text} for update in row.updates]
            ),
        }
    return item


def _list_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    params = Params(request)
    extensions = _extensions(params)
    rows = public_requests(query=_filter(params), extensions=extensions)
    labels: dict[str, str] = {}
    return render(
        fmt,
        "service_requests",
        Items("request", [_request_item(row, extensions=extensions, labels=labels) for row in rows]),
    )


@csrf_exempt
@open311("GET", "POST")
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """POST files a request (authenticated by api_key, so no CSRF token: it is for other systems); GET
    lists the public ones."""
    if request.method == "POST":
        return _create(request, fmt)
    return _list_requests(request, fmt)


@open311("GET")
def request_detail(request: HttpRequest, service_request_id: str, *, fmt: str) -> HttpResponse:
    extensions = _extensions(Params(request))
    row = (
        public_request(number=service_request_id, extensions=extensions)
        if ID_PATTERN.match(service_request_id)
        else None
    )
    if row is None:
        raise NotFound(_("service_request_id %(id)s not found") % {"id": service_request_id[:40]})
    return render(fmt, "service_requests", Items("request", [_request_item(row, extensions=extensions)]))


@open311("GET")
def token(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    row = public_request_of_token(token=token) if ID_PATTERN.match(token) else None
    if row is None:
        raise NotFound(_("token %(token)s not found") % {"token": token[:43]})
    answer = {"service_request_id": row.number, "token": row.token}
    return render(fmt, "service_requests", Items("request", [answer]))


@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    fmt = path.rsplit(".", 1)[-1] if "." in path else DEFAULT_FORMAT
    return errors_response(fmt if fmt in FORMATS else DEFAULT_FORMAT, 404, [_("no such resource")])
