"""Open311's reads: the services (the categories open for reports) and the service requests as the
public may see them. Private reports are left out; nothing personal is selected. Each read is a fixed
number of queries, whatever the size of the table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import OuterRef, QuerySet, Subquery

from banshi.audit.models import Event
from banshi.problems.events import TIMELINE, EventType
from banshi.problems.models import Category, Note, Report, Unit

if TYPE_CHECKING:
    from collections.abc import Iterable

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


@dataclass
class PublicRequest:
    report: Report
    status_notes: str
    media_url: str
    token: str
    updates: list[Update] = field(default_factory=list)


def _public_reports() -> QuerySet[Report]:
    latest_note = Note.objects.filter(report=OuterRef("pk"), public=True).order_by("-created_at", "-id")
    return (
        Report.objects.filter(private=False)
        .select_related("category", "district", "unit", "open311_submission")
        .annotate(latest_public_note=Subquery(latest_note.values("text")[:1]))
        .defer("reporter_phone", "reporter_name", "idempotency_key")
    )


def _rows(reports: list[Report], *, extensions: bool) -> list[PublicRequest]:
    rows = []
    for report in reports:
        submission = getattr(report, "open311_submission", None)
        rows.append(
            PublicRequest(
                report=report,
                status_notes=getattr(report, "latest_public_note", None) or "",
                media_url=submission.media_url if submission is not None else "",
                token=submission.token if submission is not None else "",
            )
        )
    if extensions and rows:
        _add_updates(rows)
    return rows


def _add_updates(rows: list[PublicRequest]) -> None:
    """The public timeline of each report: its moves in plain words and its public notes, in three
    queries for the whole page."""
    by_id = {str(row.report.pk): row for row in rows}
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
    notes = Note.objects.filter(report_id__in=[row.report.pk for row in rows], public=True).only(
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
            reports = reports.filter(category__code__in=query.service_codes)
        if query.statuses == ["open"]:
            reports = reports.filter(status__in=Report.OPEN)
        elif query.statuses == ["closed"]:
            reports = reports.exclude(status__in=Report.OPEN)
    offset = (query.page - 1) * query.page_size
    page = list(reports.order_by("-filed_at", "-id")[offset : offset + query.page_size])
    return _rows(page, extensions=extensions)


def public_request(*, number: str, extensions: bool) -> PublicRequest | None:
    report = _public_reports().filter(number=number).first()
    return _rows([report], extensions=extensions)[0] if report is not None else None


def public_request_of_token(*, token: str) -> PublicRequest | None:
    report = _public_reports().filter(open311_submission__token=token).first()
    return _rows([report], extensions=False)[0] if report is not None else None
