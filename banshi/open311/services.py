"""Open311's writes: API keys issued and revoked in the admin, and a service request filed as a report,
through the same `report_file` as the web, so that it is routed the same way."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from banshi.audit.services import event_record
from banshi.directory.selectors import area_lineage
from banshi.lib.errors import FieldErrors, NotFound
from banshi.lib.text import text_field
from banshi.open311.events import EventType
from banshi.open311.models import ApiClient, Submission
from banshi.problems.models import Category, Report
from banshi.problems.photos import photo_prepare
from banshi.problems.services import report_file, report_photo_attach_filed
from banshi.problems.services.file import DESCRIPTION_MAX

if TYPE_CHECKING:
    from pathlib import Path

    from banshi.accounts.models import User

NAME_MAX = 100
ATTRIBUTE_TEXT_MAX = 4000
CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}\Z")
ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?\Z")
# report_file's fields, as Open311 names them.
FIELD_NAMES = {
    "category": "service_code",
    "lat": "lat",
    "lng": "long",
    "address": "address_string",
    "district": "address_id",
    "place": "lat",
    "reporter_phone": "phone",
    "reporter_name": "first_name",
}


def api_key_issue(*, actor: User, name: Any) -> tuple[str, ApiClient]:
    """A new client and its key: the key is returned here once, and only its digest is kept."""
    name = text_field(name, field="name", limit=NAME_MAX, required=True)
    key = ApiClient.new_key()
    with transaction.atomic():
        if ApiClient.objects.filter(name=name).exists():
            raise FieldErrors({"name": _("another client has this name")})
        now = timezone.now()
        client = ApiClient.objects.create(name=name, digest=ApiClient.digest_of(key), created_at=now)
        event_record(actor=actor, subject=client, event_type=EventType.API_KEY_ISSUED, at=now)
    return key, client


def api_key_revoke(*, actor: User, client_id: int) -> ApiClient:
    """The client's key stops working at once. Revoking a key already revoked records nothing."""
    with transaction.atomic():
        client = ApiClient.objects.select_for_update().filter(pk=client_id).first()
        if client is None:
            raise NotFound()
        if client.active:
            now = timezone.now()
            client.active, client.revoked_at = False, now
            client.save(update_fields=["active", "revoked_at"])
            event_record(actor=actor, subject=client, event_type=EventType.API_KEY_REVOKED, at=now)
    return client


def client_for_key(key: str | None) -> ApiClient | None:
    if not key:
        return None
    return ApiClient.objects.filter(digest=ApiClient.digest_of(key), active=True).first()


def _attribute_value(definition: dict[str, Any], values: list[str]) -> str | list[str]:
    code, datatype = definition["code"], definition["datatype"]
    field = f"attribute[{code}]"
    keys = {value["key"] for value in definition.get("values", [])}
    if datatype == "multivaluelist":
        chosen = list(dict.fromkeys(values))
        if unknown := [value for value in chosen if value not in keys]:
            raise FieldErrors({field: _("%(value)s is not one of its values") % {"value": unknown[0][:40]}})
        return chosen
    if len(values) > 1:
        raise FieldErrors({field: _("takes one value")})
    value = text_field(values[0], field=field, limit=ATTRIBUTE_TEXT_MAX, multiline=datatype == "text")
    if datatype == "singlevaluelist" and value not in keys:
        raise FieldErrors({field: _("%(value)s is not one of its values") % {"value": value[:40]}})
    if datatype == "number":
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            raise FieldErrors({field: _("must be a number")})
    if datatype == "datetime":
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise FieldErrors(
                {field: _("must be a date and time with its offset, e.g. 2026-12-07T10:00:00+08:00")}
            )
    return value


def service_attributes(*, category: Category, given: dict[str, list[str]]) -> dict[str, str | list[str]]:
    """The answers to the service's questions, checked against its definition: every required one
    given, none unknown, each of its datatype. Empty answers count as absent."""
    definitions = {item["code"]: item for item in category.attributes if item.get("variable", True)}
    errors: dict[str, str] = {}
    for code in given:
        if code not in definitions:
            errors[f"attribute[{code[:40]}]"] = _("is not a question of this service")
    answers: dict[str, str | list[str]] = {}
    for code, definition in sorted(definitions.items(), key=lambda pair: pair[1].get("order", 0)):
        values = [value for value in given.get(code, []) if value != ""]
        if not values:
            if definition.get("required"):
                errors[f"attribute[{code}]"] = _("is required")
            continue
        try:
            answers[code] = _attribute_value(definition, values)
        except FieldErrors as problem:
            errors |= problem.errors
    if errors:
        raise FieldErrors(errors)
    return answers


def _place(address_id: str | None) -> dict[str, str]:
    if not address_id:
        return {}
    lineage = area_lineage(code=address_id)
    if not lineage:
        raise FieldErrors(
            {"address_id": _("is not the code of a district, street or community of Chongqing")}
        )
    place = {"district": lineage[0][0]}
    if len(lineage) > 1:
        place["street"] = lineage[1][1]
    if len(lineage) > 2:
        place["community"] = lineage[2][1]
    return place


def service_request_submit(
    *,
    client: ApiClient,
    service_code: str | None,
    fields: dict[str, str | None],
    attributes: dict[str, list[str]],
    idempotency_key: str = "",
    media: Any = None,
    media_url_for: Callable[[int], str] | None = None,
) -> Submission:
    """File a service request as a report (channel Open311) and keep the filing. Raises FieldErrors
    keyed by the Open311 parameter names; NotFound for a service that is not open for reports.

    `media`, an uploaded file (a multipart POST's), is checked by content and size and re-encoded
    without its metadata as the report's photo, like a photo filed on the web; the filing's media_url
    is then `media_url_for(photo id)`, the photo's address."""
    if not service_code:
        raise FieldErrors({"service_code": _("is required")})
    category = (
        Category.objects.filter(code=service_code, active=True).first() if CODE.match(service_code) else None
    )
    if category is None:
        raise NotFound()
    errors: dict[str, str] = {}
    lat, lng, address = fields.get("lat"), fields.get("long"), fields.get("address_string")
    address_id = fields.get("address_id")
    if not (lat or lng or address or address_id):
        errors["lat"] = _("a location is required: lat and long, address_string or address_id")
    answers: dict[str, str | list[str]] = {}
    try:
        answers = service_attributes(category=category, given=attributes)
    except FieldErrors as problem:
        errors |= problem.errors
    place: dict[str, str] = {}
    try:
        place = _place(address_id)
    except FieldErrors as problem:
        errors |= problem.errors
    media_url = fields.get("media_url") or ""
    prepared = None
    if media is not None:
        if media_url:
            errors["media"] = _("give a media file or a media_url, not both")
        else:
            try:
                prepared = photo_prepare(media, field="media")
            except FieldErrors as problem:
                errors |= problem.errors
    if media_url and media is None:
        try:
            media_url = text_field(media_url, field="media_url", limit=1000)
            URLValidator(schemes=["http", "https"])(media_url)
        except (FieldErrors, ValidationError):
            errors["media_url"] = _("must be an http or https address of at most 1000 characters")
    try:
        text_field(
            fields.get("description"),
            field="description",
            limit=DESCRIPTION_MAX,
            required=True,
            multiline=True,
        )
    except FieldErrors as problem:
        errors |= problem.errors
    contact: dict[str, str] = {}
    for field, limit in (("email", 254), ("device_id", 100), ("account_id", 100), ("last_name", 60)):
        try:
            contact[field] = text_field(fields.get(field), field=field, limit=limit)
        except FieldErrors as problem:
            errors |= problem.errors
    if errors:
        raise FieldErrors(errors)
    name = " ".join(part for part in (fields.get("first_name") or "", contact["last_name"]) if part)
    written: Path | None = None
    try:
        with transaction.atomic():
            try:
                report = report_file(
                    actor=None,
                    channel=Report.Channel.OPEN311,
                    category=category.code,
                    description=fields.get("description") or "",
                    address=address or "",
                    lat=lat,
                    lng=lng,
                    reporter_phone=fields.get("phone") or "",
                    reporter_name=name,
                    idempotency_key=idempotency_key,
                    client=str(client.pk),
                    district=place.get("district"),
                    street=place.get("street", ""),
                    community=place.get("community", ""),
                )
            except FieldErrors as problem:
                raise FieldErrors(
                    {FIELD_NAMES.get(field, field): message for field, message in problem.errors.items()}
                ) from None
            existing = Submission.objects.filter(report=report).first()
            if existing is not None:
                return existing
            if prepared is not None:
                photo, written = report_photo_attach_filed(
                    report_id=report.pk, photo=prepared, client=str(client.pk)
                )
                media_url = media_url_for(photo.pk) if media_url_for is not None else ""
            now = timezone.now()
            submission = Submission.objects.create(
                report=report,
                client=client,
                token=Submission.new_token(),
                attributes=answers,
                media_url=media_url,
                email=contact["email"],
                device_id=contact["device_id"],
                account_id=contact["account_id"],
                created_at=now,
            )
            event_record(
                actor=None,
                subject=report,
                event_type=EventType.REQUEST_RECEIVED,
                at=now,
                extra={"client": client.pk, "attributes": sorted(answers)},
            )
    except BaseException:
        if written is not None:  # the photo written for a filing that failed
            written.unlink(missing_ok=True)
        raise
    return submission
