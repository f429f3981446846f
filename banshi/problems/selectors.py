"""Reads of problem reports: the unit's and the dispatcher's queues, a resident's own reports, a report
as one viewer may see it (the reporter's name and phone masked unless the viewer's unit handles it),
and the open reports near a new one."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Case, DateTimeField, F, Q, QuerySet, When

from banshi.audit.models import Event
from banshi.lib.personal import mask_name, mask_phone
from banshi.problems.deadlines import due_flags
from banshi.problems.events import TIMELINE, EventType
from banshi.problems.models import (
    Category,
    Follower,
    HotlineMember,
    Note,
    Photo,
    Report,
    Unit,
    UnitMember,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from banshi.accounts.models import User

NEARBY_METRES = 200
NEARBY_DAYS = 30
NEARBY_LIMIT = 20
EARTH_RADIUS_METRES = 6_371_000
METRES_PER_DEGREE = 111_320
QUEUE_LIMIT = 200


def unit_ids_for_officer(*, user: User | AnonymousUser) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(UnitMember.objects.filter(user=user).values_list("unit_id", flat=True))


def _has_role(user: User | AnonymousUser, role: str) -> bool:
    return user.is_authenticated and HotlineMember.objects.filter(user=user, role=role).exists()


def is_dispatcher(*, user: User | AnonymousUser) -> bool:
    return _has_role(user, HotlineMember.Role.DISPATCHER)


def is_operator(*, user: User | AnonymousUser) -> bool:
    return _has_role(user, HotlineMember.Role.OPERATOR)


@dataclass(frozen=True)
class QueueRow:
    report: Report
    due: datetime | None
    due_soon: bool
    overdue: bool


def queue_row(report: Report, *, now: datetime) -> QueueRow:
    flags = due_flags(report, now=now)
    return QueueRow(report, flags.due, flags.due_soon, flags.overdue)


def _queue(reports: QuerySet[Report], *, now: datetime, limit: int) -> list[QueueRow]:
    reports = (
        reports.annotate(
            working_due=Case(
                When(contacted_at__isnull=True, then=F("first_contact_due")),
                default=F("closing_due"),
                output_field=DateTimeField(),
            )
        )
        .select_related("category__tier", "district", "unit", "coordinator")
        .order_by("working_due", "filed_at", "id")
    )
    return [queue_row(report, now=now) for report in reports[:limit]]


def unit_queue(*, user: User | AnonymousUser, now: datetime, limit: int = QUEUE_LIMIT) -> list[QueueRow]:
    """The open reports held by the officer's units, the nearest deadline first."""
    units = unit_ids_for_officer(user=user)
    return _queue(Report.objects.filter(unit_id__in=units, status__in=Report.AT_UNIT), now=now, limit=limit)


def dispatcher_queue(
    *, user: User | AnonymousUser, now: datetime, limit: int = QUEUE_LIMIT
) -> list[QueueRow]:
    """What no rule routed and what a unit sent back, the nearest deadline first; nothing for anyone
    but a dispatcher."""
    if not is_dispatcher(user=user):
        return []
    return _queue(Report.objects.filter(status__in=Report.UNROUTED), now=now, limit=limit)


def reports_of_resident(*, user: User | AnonymousUser, limit: int = 100) -> list[Report]:
    """A resident's own reports, the newest first."""
    if not user.is_authenticated:
        return []
    return list(
        Report.objects.filter(reporter_id=user.pk)
        .select_related("category", "district", "duplicate_of")
        .order_by("-filed_at", "-id")[:limit]
    )


def outcome_of(report: Report) -> Report:
    """The report whose outcome this one has: a duplicate follows its original."""
    return report.duplicate_of if report.duplicate_of_id and report.duplicate_of else report


@dataclass
class ReportView:
    """A report as one viewer is shown it. `full`: the reporter's name and phone are shown in full (to
    the staff of the units holding and coordinating it, and to the reporter); `record_access`: a page or
    an API that shows them records the access (`audit.services.access_record`), as staff saw them."""

    report: Report
    reporter_name: str
    reporter_phone: str
    full: bool
    record_access: bool
    handles: bool
    notes: list[Note] = field(default_factory=list)


def _report_loaded(report_id: object) -> Report | None:
    if not isinstance(report_id, int) or isinstance(report_id, bool):
        return None
    return (
        Report.objects.select_related("category__tier", "district", "unit", "coordinator", "reporter")
        .filter(pk=report_id)
        .first()
    )


def _reporter(report: Report) -> tuple[str, str]:
    """The reporter's name and phone: their account's, or as the operator took them down."""
    user = report.reporter
    if user is not None:
        return user.display_name or "", user.phone or ""
    return report.reporter_name, report.reporter_phone


def report_for_viewer(*, viewer: User | AnonymousUser, report_id: int) -> ReportView | None:
    """None when the viewer may not see it: a private report is only its reporter's and the staff's
    who handle it (the units holding and coordinating it, the dispatchers). Internal notes are the
    staff's only."""
    report = _report_loaded(report_id)
    if report is None:
        return None
    units = unit_ids_for_officer(user=viewer)
    unit_staff = bool(units & {report.unit_id, report.coordinator_id})
    handles = unit_staff or is_dispatcher(user=viewer)
    own = viewer.is_authenticated and report.reporter_id == viewer.pk
    if report.private and not (own or handles):
        return None
    name, phone = _reporter(report)
    full = unit_staff or own
    notes = Note.objects.filter(report=report).select_related("unit").order_by("created_at", "id")
    if not handles:
        notes = notes.filter(public=True)
    return ReportView(
        report=report,
        reporter_name=name if full else mask_name(name),
        reporter_phone=phone if full else mask_phone(phone),
        full=full,
        record_access=unit_staff,
        handles=handles,
        notes=list(notes),
    )


def report_for_supervisor(*, report_id: int) -> ReportView | None:
    """A report as a supervisor (督查) follows it up from the numbers: any report, private ones too, with
    the reporter masked and only the public notes. The page shows a private report's category, district,
    unit, times and moves, not its description or address (those are the handling units')."""
    report = _report_loaded(report_id)
    if report is None:
        return None
    name, phone = _reporter(report)
    notes = (
        Note.objects.filter(report=report, public=True).select_related("unit").order_by("created_at", "id")
    )
    return ReportView(
        report=report,
        reporter_name=mask_name(name),
        reporter_phone=mask_phone(phone),
        full=False,
        record_access=False,
        handles=False,
        notes=list(notes),
    )


def distance_metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = math.radians(lat2 - lat1), math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(math.sqrt(a))


def nearby_open_reports(
    *,
    category: Category,
    now: datetime,
    district_code: str = "",
    community: str = "",
    lat: Decimal | float | None = None,
    lng: Decimal | float | None = None,
) -> list[Report]:
    """Open, public reports of the same category filed in the last 30 days in the same community or
    within 200 m: shown before filing, so that a resident can follow one instead. The nearest first,
    those of the same community without a point last."""
    near = Q()
    if district_code and community:
        near |= Q(district__code=district_code, community=community)
    point = None
    if lat is not None and lng is not None:
        point = (float(lat), float(lng))
        dlat = NEARBY_METRES / METRES_PER_DEGREE
        dlng = NEARBY_METRES / (METRES_PER_DEGREE * max(math.cos(math.radians(point[0])), 0.01))
        near |= Q(
            lat__gte=Decimal(str(point[0] - dlat)),
            lat__lte=Decimal(str(point[0] + dlat)),
            lng__gte=Decimal(str(point[1] - dlng)),
            lng__lte=Decimal(str(point[1] + dlng)),
        )
    if not near:
        return []
    candidates = (
        Report.objects.filter(
            near,
            category=category,
            status__in=Report.OPEN,
            private=False,
            filed_at__gte=now - timedelta(days=NEARBY_DAYS),
        )
        .select_related("category", "district")
        .order_by("-filed_at", "-id")[: NEARBY_LIMIT * 5]
    )
    found: list[tuple[float, Report]] = []
    for report in candidates:
        same_community = bool(
            district_code
            and community
            and report.community == community
            and report.district is not None
            and report.district.code == district_code
        )
        metres = math.inf
        if point is not None and report.lat is not None and report.lng is not None:
            metres = distance_metres(point[0], point[1], float(report.lat), float(report.lng))
        if metres <= NEARBY_METRES or same_community:
            found.append((metres, report))
    found.sort(key=lambda pair: pair[0])
    return [report for _metres, report in found[:NEARBY_LIMIT]]


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    text: str
    public: bool = True


def report_timeline(*, view: ReportView) -> list[TimelineItem]:
    """The report's history in plain words, oldest first: its moves and, as the viewer may read them,
    the notes (internal ones for the staff who handle it only)."""
    report = view.report
    events = list(
        Event.objects.filter(
            subject_type=report._meta.label_lower, subject_id=str(report.pk), event_type__in=list(TIMELINE)
        ).order_by("created_at", "id")
    )
    codes = {e.extra.get("unit", "") for e in events if e.event_type == EventType.REPORT_DISPATCHED}
    units = {unit.code: unit.name for unit in Unit.objects.filter(code__in=codes - {""})}
    items = []
    for event in events:
        names = {
            "unit": units.get(event.extra.get("unit", ""), ""),
            "original": event.extra.get("original", ""),
        }
        items.append(TimelineItem(event.created_at, str(TIMELINE[event.event_type]) % names))
    items += [TimelineItem(note.created_at, note.text, note.public) for note in view.notes]
    return sorted(items, key=lambda item: item.at)


MAP_PIN_LIMIT = 500


@dataclass(frozen=True)
class MapPin:
    lat: float
    lng: float
    number: str
    category: str
    status: str  # "open" or "solved"


def map_pins(*, category: str = "", status: str = "", limit: int = MAP_PIN_LIMIT) -> list[MapPin]:
    """The public map's pins: open and solved reports with a point, never a private one nor a duplicate,
    the newest first and at most `limit`. `status` "open" or "solved" keeps one of the two."""
    statuses = {"open": Report.OPEN, "solved": Report.DONE}.get(status, Report.OPEN + Report.DONE)
    reports = Report.objects.filter(
        private=False, status__in=statuses, lat__isnull=False, lng__isnull=False
    ).select_related("category")
    if category:
        reports = reports.filter(category__code=category)
    rows = reports.order_by("-filed_at", "-id")[: max(0, min(limit, MAP_PIN_LIMIT))]
    return [
        MapPin(
            lat=float(report.lat),
            lng=float(report.lng),
            number=report.number,
            category=report.category.name,
            status="open" if report.status in Report.OPEN else "solved",
        )
        for report in rows
        if report.lat is not None and report.lng is not None
    ]


def photos_of(*, view: ReportView) -> list[Photo]:
    return list(Photo.objects.filter(report=view.report).order_by("created_at", "id"))


def photo_for_viewer(*, viewer: User | AnonymousUser, photo_id: int) -> Photo | None:
    """A photo, to whoever may see its report (`report_for_viewer`); None to anyone else."""
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None or report_for_viewer(viewer=viewer, report_id=photo.report_id) is None:
        return None
    return photo


def is_following(*, user: User | AnonymousUser, report: Report) -> bool:
    return user.is_authenticated and Follower.objects.filter(report=report, user=user).exists()


def report_by_number(*, number: str) -> int | None:
    """The id of the report of a reference number, or None."""
    return Report.objects.filter(number=number[:24]).values_list("pk", flat=True).first()


# --- the staff pages' reads -----------------------------------------------------------------------------

# A closed report whose resident has not answered the callback in this long is called back by staff.
CALLBACK_AFTER = timedelta(days=7)


def report_id_by_number(*, number: str) -> int | None:
    if not isinstance(number, str) or len(number) > 24:
        return None
    return Report.objects.filter(number=number).values_list("pk", flat=True).first()


def is_hotline_member(*, user: User | AnonymousUser) -> bool:
    return user.is_authenticated and HotlineMember.objects.filter(user=user).exists()


def category_choices(*, query: str = "") -> list[tuple[str, str]]:
    """The categories open for reports, as (code, name), those whose name or code holds `query`."""
    categories = Category.objects.filter(active=True).order_by("position", "code")
    query = query.strip()[:40]
    if query:
        categories = categories.filter(
            Q(name_zh__icontains=query) | Q(name_en__icontains=query) | Q(code__icontains=query)
        )
    return [(category.code, category.name) for category in categories]


def unit_choices() -> list[tuple[str, str]]:
    return [(unit.code, unit.name) for unit in Unit.objects.filter(active=True).order_by("code")]


def resident_by_phone(*, phone: str) -> User | None:
    """The account with this mobile number (as a call's reporter becomes it), or None."""
    from banshi.accounts.models import User

    if not phone:
        return None
    return User.objects.filter(phone=phone, is_active=True).first()


def callbacks_due(*, user: User | AnonymousUser, now: datetime, limit: int = QUEUE_LIMIT) -> list[Report]:
    """Closed reports the resident has not called back in 7 days, the longest waiting first: for the
    hotline's staff all of them, for a unit's officers those their units coordinate."""
    reports = Report.objects.filter(status=Report.Status.CLOSED, closed_at__lte=now - CALLBACK_AFTER)
    if not is_hotline_member(user=user):
        units = unit_ids_for_officer(user=user)
        if not units:
            return []
        reports = reports.filter(coordinator_id__in=units)
    return list(reports.select_related("category", "district", "unit").order_by("closed_at", "id")[:limit])


def may_call_back(*, user: User | AnonymousUser, report: Report) -> bool:
    """Staff who may record a phone callback (report_callback): the hotline, the coordinating unit."""
    return is_hotline_member(user=user) or report.coordinator_id in unit_ids_for_officer(user=user)


def staff_timeline(*, view: ReportView) -> list[TimelineItem]:
    """The timeline in full for the staff who handle the report: besides its moves and all its notes,
    what each contact agreed and each send-back's reason (internal), what each closing did, and each
    callback's answer. Nothing more for anyone else."""
    from django.utils.translation import gettext as _

    from banshi.problems.models import Assignment, Callback, Closure, Contact

    items = report_timeline(view=view)
    if not view.handles:
        return items
    report = view.report
    for contact in Contact.objects.filter(report=report).order_by("created_at", "id"):
        if contact.note:
            text = _("%(kind)s: %(note)s") % {"kind": contact.get_kind_display(), "note": contact.note}
            items.append(TimelineItem(contact.created_at, text, public=False))
    sent_back = Assignment.objects.filter(report=report, kind=Assignment.Kind.SENT_BACK)
    for assignment in sent_back.select_related("from_unit").order_by("created_at", "id"):
        names = {
            "unit": assignment.from_unit.name if assignment.from_unit else "",
            "reason": assignment.reason,
        }
        items.append(
            TimelineItem(assignment.created_at, _("Sent back by %(unit)s: %(reason)s") % names, public=False)
        )
    for closure in Closure.objects.filter(report=report).order_by("created_at", "id"):
        items.append(TimelineItem(closure.created_at, _("What was done: %(text)s") % {"text": closure.text}))
    for callback in Callback.objects.filter(report=report).order_by("created_at", "id"):
        names = {
            "solved": _("solved") if callback.solved else _("not solved"),
            "satisfaction": callback.get_satisfaction_display(),
            "by": callback.get_by_display(),
        }
        text = _("Callback: %(solved)s, %(satisfaction)s (%(by)s)") % names
        items.append(TimelineItem(callback.created_at, text, public=False))
    return sorted(items, key=lambda item: item.at)
