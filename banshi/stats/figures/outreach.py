"""Outreach (宣讲): lecture programmes against their quotas, the kinds of venue reached (六进), the
attendance, and the children's story videos of each campaign. Counted live from the outreach tables (a few
thousand lectures and videos) and the videos' audit events; the quotas through the outreach selectors."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.audit.models import Event
from banshi.outreach.events_videos import VideoEventType
from banshi.outreach.models import Campaign, CheckIn, Lecture, Programme, Quota, StoryVideo, VenueKind
from banshi.outreach.selectors_lectures import (
    STATUS_LABELS,
    month_of,
    quarter_of,
    quota_report,
)
from banshi.stats.registry import (
    Chart,
    Column,
    Figure,
    Query,
    Row,
    Section,
    figure_register,
    section_register,
    share,
)

SECTION = section_register(
    Section(
        code="outreach",
        title=gettext_lazy("Outreach"),
        summary=gettext_lazy(
            "The lectures taken to offices, villages, schools, companies, communities and barracks, who "
            "came to them, and the children's story videos."
        ),
        order=50,
    )
)


def _held(query: Query) -> QuerySet[Lecture]:
    """The lectures that took place (held or closed) starting in the period, in the area when asked."""
    found = Lecture.objects.filter(
        status__in=Lecture.TOOK_PLACE, starts_at__gte=query.period.start, starts_at__lt=query.period.end
    )
    if query.district:
        found = found.filter(area__code__startswith=query.district)
    return found


def quotas(query: Query) -> list[Row]:
    """Each programme's lectures held in the months the period touches, against its monthly quota,
    read from the programmes' own quota report as of the period's end (or now)."""
    moment = min(query.now, query.period.end - timedelta(microseconds=1))
    first = query.period.first_day.replace(day=1)
    this_month = month_of(moment)
    shown = (this_month.year - first.year) * 12 + this_month.month - first.month + 1
    programmes = Programme.objects.select_related("unit").order_by("unit__name", "name", "pk")
    if query.district:
        programmes = programmes.filter(unit__area__code__startswith=query.district)
    rows: list[Row] = []
    for programme in programmes:
        held, months, minimum = 0, 0, None
        if shown > 0 and programme.starts_on <= query.period.last_day:
            report = quota_report(programme=programme, now=moment, months_shown=shown)
            counted = [month for month in report.months if first <= month.start <= query.period.last_day]
            held, months, minimum = sum(month.held for month in counted), len(counted), report.monthly_minimum
        required = minimum * months if minimum else None
        rows.append(
            {
                "_key": str(programme.pk),
                "programme": f"{programme.unit.name} · {programme.name}",
                "months": months,
                "required": required,
                "held": held,
                "share": share(held, required) if required else None,
            }
        )
    required = sum(row["required"] or 0 for row in rows)
    held = sum(row["held"] for row in rows)
    total: Row = {
        "_total": True,
        "_key": "",
        "programme": _("All programmes"),
        "months": None,
        "required": required,
        "held": held,
        "share": share(held, required) if required else None,
    }
    return [*rows, total]


figure_register(
    Figure(
        code="outreach-quotas",
        section=SECTION.code,
        title=gettext_lazy("Lectures held against the quotas"),
        definition=gettext_lazy(
            "For each lecture programme, the lectures that took place (held or closed, not cancelled) in "
            "the calendar months the period touches, until today, against its monthly quota (at least so "
            "many lectures a month) times those months, from the programme's start. In a district: the "
            "programmes of organising units placed in it."
        ),
        columns=(
            Column("programme", gettext_lazy("Programme"), "text"),
            Column("months", gettext_lazy("Months"), "number"),
            Column("required", gettext_lazy("Required"), "number"),
            Column("held", gettext_lazy("Held")),
            Column("share", gettext_lazy("Held against the quota"), "share", base="held"),
        ),
        select=quotas,
        chart=Chart("bar", "programme", ("required", "held")),
    )
)


def venue_quotas(query: Query) -> list[Row]:
    """Each programme with a quarterly quota ("each kind of venue at least N a quarter"), each calendar
    quarter the period touches until today: the kinds of venue it must reach, those that met the quota,
    the lectures held there; read from the programmes' own quota report as of today, so a quarter that has
    ended is met or missed."""
    first = quarter_of(query.period.first_day)
    this_month = month_of(query.now)
    shown = (this_month.year - first.year) * 12 + this_month.month - first.month + 1
    programmes = (
        Programme.objects.filter(quotas__kind=Quota.Kind.EACH_VENUE_KIND_PER_QUARTER)
        .select_related("unit")
        .order_by("unit__name", "name", "pk")
    )
    if query.district:
        programmes = programmes.filter(unit__area__code__startswith=query.district)
    rows: list[Row] = []
    for programme in programmes if shown > 0 else []:
        if programme.starts_on > query.period.last_day:
            continue
        report = quota_report(programme=programme, now=query.now, months_shown=shown)
        for quarter in reversed(report.quarters):
            if not first <= quarter.start <= query.period.last_day:
                continue
            label = f"{quarter.start:%Y}-Q{(quarter.start.month - 1) // 3 + 1}"
            rows.append(
                {
                    "_key": f"{programme.pk}-{label}",
                    "programme": f"{programme.unit.name} · {programme.name}",
                    "quarter": label,
                    "minimum": quarter.minimum,
                    "kinds": len(quarter.kinds),
                    "kinds_met": sum(kind.held >= quarter.minimum for kind in quarter.kinds),
                    "held": sum(kind.held for kind in quarter.kinds),
                    "status": str(STATUS_LABELS[quarter.status]),
                }
            )
    total: Row = {
        "_total": True,
        "_key": "",
        "programme": _("All programmes"),
        "quarter": "",
        "minimum": None,
        "status": "",
    }
    for key in ("kinds", "kinds_met", "held"):
        total[key] = sum(row[key] for row in rows)
    return [*rows, total]


figure_register(
    Figure(
        code="outreach-venue-quotas",
        section=SECTION.code,
        title=gettext_lazy("Each kind of venue every quarter"),
        definition=gettext_lazy(
            "For each lecture programme with a quarterly quota (each of its kinds of venue at least so "
            "many times a quarter), each calendar quarter the period touches, until today: the kinds of "
            "venue it must reach, those where the lectures that took place (held or closed) met the "
            "quota, and those lectures. The quarter's state: met, on track, at risk (the lectures held and "
            "still scheduled fall short) or missed. In a district: the programmes of organising units "
            "placed in it."
        ),
        columns=(
            Column("programme", gettext_lazy("Programme"), "text"),
            Column("quarter", gettext_lazy("Quarter"), "text"),
            Column("minimum", gettext_lazy("At least, each kind"), "number"),
            Column("kinds", gettext_lazy("Kinds of venue"), "number"),
            Column("kinds_met", gettext_lazy("Kinds that met the quota"), "number"),
            Column("held", gettext_lazy("Lectures held")),
            Column("status", gettext_lazy("State"), "text"),
        ),
        select=venue_quotas,
        chart=Chart("bar", "quarter", ("kinds", "kinds_met")),
    )
)


def venues(query: Query) -> list[Row]:
    held = _held(query)
    lectures = dict(held.order_by().values_list("venue_kind").annotate(n=Count("pk")))
    places = dict(
        held.order_by()
        .values_list("venue_kind")
        .annotate(
            n=Count(Concat("area_id", Value("|"), "venue_name", output_field=CharField()), distinct=True)
        )
    )
    rows: list[Row] = [
        {
            "_key": kind.value,
            "kind": str(kind.label),
            "lectures": lectures.get(kind.value, 0),
            "venues": places.get(kind.value, 0),
        }
        for kind in VenueKind
    ]
    total: Row = {"_total": True, "_key": "", "kind": _("All kinds of venue")}
    for key in ("lectures", "venues"):
        total[key] = sum(row[key] for row in rows)
    return [*rows, total]


figure_register(
    Figure(
        code="outreach-venues",
        section=SECTION.code,
        title=gettext_lazy("Venues reached by kind"),
        definition=gettext_lazy(
            "Lectures that took place (held or closed) starting in the period, by the kind of venue (the "
            "six kinds: offices, villages, schools, companies, communities, barracks), and the venues "
            "reached: different venue names in an area. In a district: the lectures held in it."
        ),
        columns=(
            Column("kind", gettext_lazy("Kind of venue"), "text"),
            Column("lectures", gettext_lazy("Lectures")),
            Column("venues", gettext_lazy("Venues")),
        ),
        select=venues,
        chart=Chart("bar", "kind", ("lectures", "venues")),
    )
)


def attendance(query: Query) -> list[Row]:
    held = _held(query)
    lectures: dict[int, int] = {}
    walk_ins: dict[int, int] = {}
    for programme, count, walked in (
        held.order_by().values_list("programme").annotate(n=Count("pk"), w=Sum("walk_ins"))
    ):
        lectures[programme], walk_ins[programme] = count, walked or 0
    checked = dict(
        CheckIn.objects.filter(lecture__in=held)
        .order_by()
        .values_list("lecture__programme")
        .annotate(n=Count("pk"))
    )
    rows: list[Row] = []
    for programme in (
        Programme.objects.filter(pk__in=lectures).select_related("unit").order_by("unit__name", "name")
    ):
        checked_in, walked = checked.get(programme.pk, 0), walk_ins[programme.pk]
        rows.append(
            {
                "_key": str(programme.pk),
                "programme": f"{programme.unit.name} · {programme.name}",
                "lectures": lectures[programme.pk],
                "checked_in": checked_in,
                "walk_ins": walked,
                "attendance": checked_in + walked,
            }
        )
    total: Row = {"_total": True, "_key": "", "programme": _("All programmes")}
    for key in ("lectures", "checked_in", "walk_ins", "attendance"):
        total[key] = sum(row[key] for row in rows)
    return [*rows, total]


figure_register(
    Figure(
        code="outreach-attendance",
        section=SECTION.code,
        title=gettext_lazy("Attendance"),
        definition=gettext_lazy(
            "The people at the lectures that took place starting in the period, by programme: those who "
            "checked in (signed in, by phone and text code, or by the organiser) and the walk-ins the "
            "organiser counted without a check-in; attendance is their sum. In a district: the lectures "
            "held in it."
        ),
        columns=(
            Column("programme", gettext_lazy("Programme"), "text"),
            Column("lectures", gettext_lazy("Lectures")),
            Column("checked_in", gettext_lazy("Checked in")),
            Column("walk_ins", gettext_lazy("Walk-ins")),
            Column("attendance", gettext_lazy("Attendance")),
        ),
        select=attendance,
        chart=Chart("bar", "programme", ("checked_in", "walk_ins")),
    )
)


def _moved(query: Query, event_type: str, *, since: bool = False) -> Exists:
    """The video has an audit event of this move before the period's end (within the period: `since`)."""
    events = Event.objects.filter(
        subject_type=StoryVideo._meta.label_lower,
        subject_id=Cast(OuterRef("pk"), CharField()),
        event_type=event_type,
        created_at__lt=query.period.end,
    )
    if since:
        events = events.filter(created_at__gte=query.period.start)
    return Exists(events)


def videos(query: Query) -> list[Row]:
    """Counted from the videos' audit events, as things stood at the period's end: a video withdrawn
    after it still counts as published then."""
    published = _moved(query, VideoEventType.VIDEO_PUBLISHED)
    counts = {
        campaign: (in_period, received, approved, shown)
        for campaign, in_period, received, approved, shown in StoryVideo.objects.order_by()
        .values_list("campaign")
        .annotate(
            in_period=Count("pk", filter=Q(_moved(query, VideoEventType.VIDEO_PUBLISHED, since=True))),
            received=Count("pk", filter=Q(_moved(query, VideoEventType.VIDEO_UPLOADED))),
            approved=Count("pk", filter=Q(published)),
            shown=Count("pk", filter=Q(published) & ~Q(_moved(query, VideoEventType.VIDEO_WITHDRAWN))),
        )
    }
    rows: list[Row] = []
    for campaign in Campaign.objects.filter(created_at__lt=query.period.end).order_by("created_at", "pk"):
        in_period, received, approved, shown = counts.get(campaign.pk, (0, 0, 0, 0))
        rows.append(
            {
                "_key": campaign.slug,
                "campaign": campaign.name,
                "published_in_period": in_period,
                "received": received,
                "approved": approved,
                "published": shown,
            }
        )
    total: Row = {"_total": True, "_key": "", "campaign": _("All campaigns")}
    for key in ("published_in_period", "received", "approved", "published"):
        total[key] = sum(row[key] for row in rows)
    return [*rows, total]


figure_register(
    Figure(
        code="outreach-videos",
        section=SECTION.code,
        title=gettext_lazy("Story videos published"),
        definition=gettext_lazy(
            "For each story-video campaign started by the period's end: the videos a moderator "
            "published in the period (withdrawn since included), and, as things stood at the period's "
            "end, the videos received in full, those approved (published, withdrawn since included) and "
            "those still published. Counted from the videos' recorded moves. City only: the campaigns "
            "have no district, whatever the area asked."
        ),
        columns=(
            Column("campaign", gettext_lazy("Campaign"), "text"),
            Column("published_in_period", gettext_lazy("Published in the period")),
            Column("received", gettext_lazy("Received by the period's end")),
            Column("approved", gettext_lazy("Approved by the period's end")),
            Column("published", gettext_lazy("Published at the period's end")),
        ),
        select=videos,
        chart=Chart("bar", "campaign", ("published_in_period", "received", "approved", "published")),
    )
)
