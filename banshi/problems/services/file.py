"""Filing a report, on any channel, and routing it at once: by rule, else to the district's fallback unit,
else to the dispatcher."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.accounts.models import User
from banshi.audit.services import event_record
from banshi.directory.models import Area
from banshi.directory.selectors import area_codes
from banshi.lib.errors import FieldErrors, NotFound
from banshi.lib.personal import normalise_phone, phone_problem
from banshi.lib.text import text_field
from banshi.problems.deadlines import tier_deadlines
from banshi.problems.events import EventType
from banshi.problems.models import Assignment, Category, Report, RoutingRule, Unit
from banshi.problems.services.common import is_operator, report_move, report_title, tell_residents
from banshi.sequences.services import counter_next

if TYPE_CHECKING:
    from datetime import date

DESCRIPTION_MAX = 4000
# Chongqing's extent, with a margin of about a kilometre: a pin outside it is not the city's to handle.
LAT_RANGE = (Decimal("28.150"), Decimal("32.220"))
LNG_RANGE = (Decimal("105.270"), Decimal("110.210"))


def report_number(day: date) -> str:
    """Gapless per day: allocated inside the filing's transaction."""
    return f"SQ{day:%Y%m%d}{counter_next(f'problem:{day:%Y%m%d}'):05d}"


def route_for(*, category: Category, district: Area | None) -> tuple[Unit | None, str]:
    """The unit a report goes to, and by what: a rule of its district and category, a city-wide rule of
    its category, its district's fallback unit (兜底), or none (the dispatcher's queue)."""
    rules = RoutingRule.objects.filter(unit__active=True).select_related("unit")
    if district is not None:
        if rule := rules.filter(district=district, category=category).first():
            return rule.unit, "rule"
    if rule := rules.filter(district__isnull=True, category=category).first():
        return rule.unit, "citywide"
    if district is not None:
        if rule := rules.filter(district=district, category__isnull=True).first():
            return rule.unit, "fallback"
    return None, "dispatcher"


def _coordinate(value: Any, *, field: str, bounds: tuple[Decimal, Decimal]) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise FieldErrors({field: _("must be a number")})
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise FieldErrors({field: _("must be a number")}) from None
    if not number.is_finite():
        raise FieldErrors({field: _("must be a number")})
    if not bounds[0] <= number <= bounds[1]:
        raise FieldErrors({field: _("is outside Chongqing")})
    return number.quantize(Decimal("0.000001"))


def _clean_place(
    *, district: Any, street: Any, community: Any, address: Any, lat: Any, lng: Any
) -> tuple[Area | None, str, str, str, Decimal | None, Decimal | None]:
    errors: dict[str, str] = {}
    area = None
    if district not in (None, ""):
        if not isinstance(district, str) or district not in area_codes():
            errors["district"] = _("is not a district or county of Chongqing")
        else:
            area = Area.objects.get(code=district)
    texts: dict[str, str] = {}
    for field, value, limit in (
        ("street", street, 60),
        ("community", community, 60),
        ("address", address, 200),
    ):
        try:
            texts[field] = text_field(value, field=field, limit=limit)
        except FieldErrors as problem:
            errors |= problem.errors
    points: dict[str, Decimal | None] = {}
    for field, value, bounds in (("lat", lat, LAT_RANGE), ("lng", lng, LNG_RANGE)):
        try:
            points[field] = _coordinate(value, field=field, bounds=bounds)
        except FieldErrors as problem:
            errors |= problem.errors
    if not errors and (points["lat"] is None) != (points["lng"] is None):
        errors["lat" if points["lat"] is None else "lng"] = _("is needed with the other coordinate")
    if not errors and area is None and points["lat"] is None and not texts["address"]:
        errors["place"] = _("give a district, an address or a point on the map")
    if errors:
        raise FieldErrors(errors)
    return area, texts["street"], texts["community"], texts["address"], points["lat"], points["lng"]


def report_file(
    *,
    actor: User | None,
    channel: str,
    category: Any,
    description: Any,
    district: Any = None,
    street: Any = "",
    community: Any = "",
    address: Any = "",
    lat: Any = None,
    lng: Any = None,
    private: bool = False,
    reporter_phone: Any = "",
    reporter_name: Any = "",
    idempotency_key: Any = "",
    client: str = "",
) -> Report:
    """File a report and route it in the same transaction. On the web the actor reports for themselves;
    a hotline operator files a call with the caller's phone (an account with that number becomes the
    reporter, or the number is kept alone); an Open311 client (actor None) may give a phone and a name,
    kept with the report but never matched to an account.

    With an `idempotency_key`, the same filing sent again (a retried request, a form posted twice)
    returns the first report and writes nothing. The key is the filer's: a user's, or, for a caller
    without one, that of the `client` named (an Open311 client's API key)."""
    if channel not in Report.Channel.values:
        raise FieldErrors({"channel": _("is not a channel reports come in by")})
    if channel == Report.Channel.WEB and (actor is None or not actor.is_authenticated):
        raise NotFound()
    if channel == Report.Channel.PHONE and not is_operator(actor):
        raise NotFound()
    key = text_field(idempotency_key, field="idempotency_key", limit=80)
    if key:
        owner = f"user:{actor.pk}" if actor is not None else f"client:{client}"
        key = f"{owner}:{key}"
        if existing := Report.objects.filter(idempotency_key=key).first():
            return existing
    errors: dict[str, str] = {}
    found = (
        Category.objects.select_related("tier").filter(code=category, active=True).first()
        if isinstance(category, str)
        else None
    )
    if found is None:
        errors["category"] = _("is not a category open for reports")
    if not isinstance(private, bool):
        errors["private"] = _("must be yes or no")
    text = name = phone = ""
    try:
        text = text_field(
            description, field="description", limit=DESCRIPTION_MAX, required=True, multiline=True
        )
    except FieldErrors as problem:
        errors |= problem.errors
    try:
        name = text_field(reporter_name, field="reporter_name", limit=60)
    except FieldErrors as problem:
        errors |= problem.errors
    if channel != Report.Channel.WEB:
        if not isinstance(reporter_phone, str):
            errors["reporter_phone"] = _("must be text")
        else:
            phone = normalise_phone(reporter_phone)
            if channel == Report.Channel.PHONE and not phone:
                errors["reporter_phone"] = _("is required")
            elif phone and (problem_text := phone_problem(phone)):
                errors["reporter_phone"] = _(problem_text)
    place = None
    try:
        place = _clean_place(
            district=district, street=street, community=community, address=address, lat=lat, lng=lng
        )
    except FieldErrors as problem:
        errors |= problem.errors
    if errors or found is None or place is None:
        raise FieldErrors(errors)

    reporter: User | None = None
    if channel == Report.Channel.WEB:
        reporter = actor
        phone = (actor.phone if actor is not None else None) or ""
        name = ""
    elif channel == Report.Channel.PHONE:
        reporter = User.objects.filter(phone=phone).first()

    try:
        return _file(
            actor=actor,
            channel=channel,
            category=found,
            text=text,
            place=place,
            private=private,
            reporter=reporter,
            phone=phone,
            name=name,
            key=key,
        )
    except IntegrityError:
        # The same key filed at the same moment by a concurrent request: answer with its report.
        if key and (existing := Report.objects.filter(idempotency_key=key).first()):
            return existing
        raise


def _file(
    *,
    actor: User | None,
    channel: str,
    category: Category,
    text: str,
    place: tuple[Area | None, str, str, str, Decimal | None, Decimal | None],
    private: bool,
    reporter: User | None,
    phone: str,
    name: str,
    key: str,
) -> Report:
    found = category
    area, street_text, community_text, address_text, point_lat, point_lng = place
    with transaction.atomic():
        now = timezone.now()
        due = tier_deadlines(found.tier, now)
        report = Report.objects.create(
            number=report_number(timezone.localdate(now)),
            category=found,
            description=text,
            district=area,
            street=street_text,
            community=community_text,
            address=address_text,
            lat=point_lat,
            lng=point_lng,
            private=private,
            reporter=reporter,
            reporter_phone="" if reporter is not None else phone,
            reporter_name="" if reporter is not None else name,
            filed_by=actor,
            channel=channel,
            status=Report.Status.NEW,
            filed_at=now,
            clock_started_at=now,
            first_contact_due=due.first_contact,
            closing_due=due.closing,
            deadline_estimated=due.estimated,
            updated_at=now,
            idempotency_key=key,
        )
        event_record(
            actor=actor,
            subject=report,
            event_type=EventType.REPORT_FILED,
            new_state=Report.Status.NEW,
            at=now,
            extra={
                "channel": channel,
                "category": found.code,
                "tier": found.tier.code,
                "district": area.code if area else "",
                "first_contact_due": due.first_contact.isoformat(),
                "closing_due": due.closing.isoformat(),
            },
        )
        unit, via = route_for(category=found, district=area)
        Assignment.objects.create(
            report=report, kind=Assignment.Kind.FILED, unit=unit, via=via, created_at=now
        )
        if unit is not None:
            report.unit = report.coordinator = unit
            report.dispatched_at = now
            report_move(
                report,
                new=Report.Status.DISPATCHED,
                actor=None,
                now=now,
                fields=["unit", "coordinator", "dispatched_at"],
                extra={"unit": unit.code, "via": via},
            )
        tell_residents(
            report,
            title=report_title(report, _("received")),
            body=_("Keep this reference number to follow the report."),
        )
    return report
