"""Open311's reads: the services (the categories open for reports) and the service requests as the
public may see them. Private reports are left out; nothing personal is selected. Each read is a fixed
number of queries, whatever the size of the table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import BigIntegerField, Func, OuterRef, QuerySet, Subquery
from django.utils.translation import get_language

from banshi.audit.models import Event
from banshi.problems.events import TIMELINE, EventType
from banshi.problems.models import Category, Note, Report, Unit

if TYPE_CHECKING:
    from collections.abc import Iterable

SHANGHAI = ZoneInfo("Asia/Shanghai")
PAGE_SIZE_MAX = 1000
IDS_MAX = 100


def services_open() -> list[Category]:
    return list(Category.objects.filter(active=True).select_related("tier").order_by("position", "code"))


def service_of(*, code: str) -> Category | None:
    return Category.objects.filter(code=code, active=True).select_related("tier").first()


def known_service_codes(codes: Iterable[str]) -> set[str]:
    return set(Category.objects.filter(code__in=list(codes)).values_list("code", flat=True))


@dataclass(frozen=True)
class Update:
    at: datetime
    text: str


@dataclass(slots=True)
class PublicRequest:
    """What the public may read of a report: no personal data."""

    pk: int
    number: str
    status: str
    service_code: str
    service_name: str
    description: str
    agency: str
    district_code: str
    district_name: str
    street: str
    community: str
    address: str
    lat: Decimal | None
    lng: Decimal | None
    channel: str
    requested: str | None  # the W3C datetimes of filing, of the latest change, of the closing's deadline
    updated: str | None
    expected: str | None
    status_notes: str
    media_url: str
    token: str
    updates: list[Update] = field(default_factory=list)


COLUMNS = (
    "pk",
    "number",
    "status",
    "category__code",
    "category__name_zh",
    "category__name_en",
    "description",
    "unit__name_zh",
    "unit__name_en",
    "district__code",
    "district__name",
    "street",
    "community",
    "address",
    "lat",
    "lng",
    "channel",
    "filed_epoch",
    "updated_epoch",
    "closing_due_epoch",
    "latest_public_note",
    "open311_submission__media_url",
    "open311_submission__token",
)


def _public_reports() -> QuerySet[Report]:
    latest_note = Note.objects.filter(report=OuterRef("pk"), public=True).order_by("-created_at", "-id")
    return Report.objects.filter(private=False).annotate(
        latest_public_note=Subquery(latest_note.values("text")[:1]),
        filed_epoch=EpochSeconds("filed_at"),
        updated_epoch=EpochSeconds("updated_at"),
        closing_due_epoch=EpochSeconds("closing_due"),
    )


class EpochSeconds(Func):
    """A moment as whole seconds since 1970 (its fraction dropped, as the answers' datetimes drop it):
    a thousand integers are read many times faster than a thousand timestamps."""

    output_field = BigIntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="FLOOR(EXTRACT(EPOCH FROM %(expressions)s))::bigint", **extra
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)", **extra
        )


def iso_of_epoch(seconds: int | None) -> str | None:
    """The W3C datetime of the answers, in Chongqing's time (+08:00)."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, SHANGHAI).isoformat(timespec="seconds")


def _rows(reports: QuerySet[Report], *, extensions: bool) -> list[PublicRequest]:
    """The rows of `reports` as tuples of the columns the answer needs (no model instances: a page holds
    a thousand), in the order given."""
    english = (get_language() or "").startswith("en")
    rows = [
        PublicRequest(
            pk=pk,
            number=number,
            status=status,
            service_code=code,
            service_name=name_en if english else name_zh,
            description=description,
            agency=(unit_en if english else unit_zh) or "",
            district_code=district_code or "",
            district_name=district_name or "",
            street=street,
            community=community,
            address=address,
            lat=lat,
            lng=lng,
            channel=channel,
            requested=iso_of_epoch(filed_at),
            updated=iso_of_epoch(updated_at),
            expected=iso_of_epoch(closing_due),
            status_notes=note or "",
            media_url=media_url or "",
            token=token or "",
        )
        for (
            pk,
            number,
            status,
            code,
            name_zh,
            name_en,
            description,
            unit_zh,
            unit_en,
            district_code,
            district_name,
            street,
            community,
            address,
            lat,
            lng,
            channel,
            filed_at,
            updated_at,
            closing_due,
            note,
            media_url,
            token,
        ) in reports.values_list(*COLUMNS)
    ]
    if extensions and rows:
        _add_updates(rows)
    return rows


def _add_updates(rows: list[PublicRequest]) -> None:
    """The public timeline of each report: its moves in plain words and its public notes, in three
    queries for the whole page."""
    by_id = {str(row.pk): row for row in rows}
    events = list(
        Event.objects.filter(
            subject_type=Report._meta.label_lower, subject_id__in=list(by_id), event_type__in=list(TIMELINE)
        )
        .only("subject_id", "event_type", "extra", "created_at")
        .order_by("created_at", "id")
    )
    codes = {e.extra.get("unit", "") for e in events if e.event_type == EventType.REPORT_DISPATCHED} - {""}
    units = {unit.code: unit.name for unit in Unit.objects.filter(code__in=codes)} if codes else {}
    updates: dict[str, list[Update]] = defaultdict(list)
    for event in events:
        names = {
            "unit": units.get(event.extra.get("unit", ""), ""),
            "original": event.extra.get("original", ""),
        }
        updates[event.subject_id].append(Update(event.created_at, str(TIMELINE[event.event_type]) % names))
    notes = Note.objects.filter(report_id__in=[row.pk for row in rows], public=True).only(
        "report_id", "text", "created_at"
    )
    for note in notes:
        updates[str(note.report_id)].append(Update(note.created_at, note.text))
    for key, row in by_id.items():
        row.updates = sorted(updates.get(key, []), key=lambda update: update.at)


@dataclass(frozen=True)
class RequestFilter:
    ids: list[str]
    service_codes: list[str]
    start: datetime
    end: datetime
    statuses: list[str]
    page: int
    page_size: int


def public_requests(*, query: RequestFilter, extensions: bool) -> list[PublicRequest]:
    """One page of public requests, the newest first. Ids given override every other filter."""
    reports = _public_reports()
    if query.ids:
        reports = reports.filter(number__in=query.ids[:IDS_MAX])
    else:
        reports = reports.filter(filed_at__gte=query.start, filed_at__lte=query.end)
        if query.service_codes:
            # By id, so that PostgreSQL reads the service's newest from its index.
            ids = list(Category.objects.filter(code__in=query.service_codes).values_list("id", flat=True))
            reports = reports.filter(category_id__in=ids)
        if query.statuses == ["open"]:
            reports = reports.filter(status__in=Report.OPEN)
        elif query.statuses == ["closed"]:
            reports = reports.exclude(status__in=Report.OPEN)
    offset = (query.page - 1) * query.page_size
    return _rows(
        reports.order_by("-filed_at", "-id")[offset : offset + query.page_size], extensions=extensions
    )


def public_request(*, number: str, extensions: bool) -> PublicRequest | None:
    found = _rows(_public_reports().filter(number=number)[:1], extensions=extensions)
    return found[0] if found else None


def public_request_of_token(*, token: str) -> PublicRequest | None:
    found = _rows(_public_reports().filter(open311_submission__token=token)[:1], extensions=False)
    return found[0] if found else None
