"""Reads of lecture programmes: who organises what, the public schedule, quota accounting and numbers.

Quota accounting is by calendar month and quarter in China's time. A lecture counts as held once it
took place (held or closed). A quota of the current period is *at risk* when the lectures held in it
and those still scheduled in it before its end fall short of the minimum: only scheduling more saves it.
A period that ended short of its minimum is *missed*."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from banshi.directory.models import Area
from banshi.outreach.models import (
    CheckIn,
    Lecture,
    Organiser,
    OrganiserUnit,
    Programme,
    Quota,
    Rating,
    Registration,
    VenueKind,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from banshi.accounts.models import User

MET, ON_TRACK, AT_RISK, MISSED = "met", "on_track", "at_risk", "missed"
# A quota's state in words (the "quota" context: a quota missed, not a person who did not come), as
# `lectures/_status.html` shows them.
STATUS_LABELS = {
    MET: pgettext_lazy("quota", "met"),
    ON_TRACK: pgettext_lazy("quota", "on track"),
    AT_RISK: pgettext_lazy("quota", "at risk"),
    MISSED: pgettext_lazy("quota", "missed"),
}
# How many months back the programme page shows.
MONTHS_SHOWN = 12


def organiser_units(*, user: User | AnonymousUser) -> QuerySet[OrganiserUnit]:
    if user.pk is None:
        return OrganiserUnit.objects.none()
    return OrganiserUnit.objects.filter(organisers__user_id=user.pk).select_related("area").order_by("name")


def is_organiser(*, user: User | AnonymousUser) -> bool:
    return user.pk is not None and Organiser.objects.filter(user_id=user.pk).exists()


def programmes_for_organiser(*, user: User | AnonymousUser) -> QuerySet[Programme]:
    if user.pk is None:
        return Programme.objects.none()
    return (
        Programme.objects.filter(unit__organisers__user_id=user.pk)
        .select_related("unit")
        .order_by("unit__name", "name")
    )


def programme_for_organiser(*, user: User | AnonymousUser, programme_id: int) -> Programme | None:
    return programmes_for_organiser(user=user).filter(pk=programme_id).first()


def lecture_for_organiser(*, user: User | AnonymousUser, lecture_id: int) -> Lecture | None:
    if user.pk is None:
        return None
    return (
        Lecture.objects.filter(pk=lecture_id, programme__unit__organisers__user_id=user.pk)
        .select_related("programme__unit", "speaker", "area")
        .first()
    )


def public_lecture(*, lecture_id: int) -> Lecture | None:
    return Lecture.objects.select_related("programme__unit", "speaker", "area").filter(pk=lecture_id).first()


def lecture_by_token(*, token: str) -> Lecture | None:
    return Lecture.objects.select_related("programme", "speaker", "area").filter(checkin_token=token).first()


def areas_for_unit(*, unit: OrganiserUnit) -> QuerySet[Area]:
    """The areas a unit's lectures can be held in: its own and every area below it."""
    return Area.objects.filter(code__startswith=unit.area.code).order_by("code")


def _under(code: str) -> Q:
    return Q(area__code__startswith=code)


def upcoming_lectures(
    *, now: datetime, area_code: str = "", programme: Programme | None = None
) -> QuerySet[Lecture]:
    """Lectures not over yet and not cancelled, soonest first; in an area and every area below it."""
    lectures = Lecture.objects.filter(
        ends_at__gte=now, status__in=[Lecture.Status.SCHEDULED, Lecture.Status.HELD]
    ).select_related("programme", "speaker", "area", "area__parent")
    if area_code:
        lectures = lectures.filter(_under(area_code))
    if programme is not None:
        lectures = lectures.filter(programme=programme)
    return lectures.order_by("starts_at", "id")


def schedule_districts(*, now: datetime) -> list[Area]:
    """The districts with upcoming lectures, for the schedule's filter."""
    codes = {code[:6] for code in upcoming_lectures(now=now).values_list("area__code", flat=True)}
    return list(Area.objects.filter(code__in=codes).order_by("code"))


# How far back a calendar feed goes (calendars keep what they once read), and how many lectures it holds
# at most: those to come first, soonest first, then the latest of the past.
FEED_PAST = timedelta(days=90)
FEED_MAX = 100


def feed_lectures(*, now: datetime, programme: Programme | None = None, area_code: str = "") -> list[Lecture]:
    """The lectures of a calendar feed, cancelled ones too (so that calendars drop them), by start."""
    lectures = Lecture.objects.select_related("programme", "speaker", "area")
    if programme is not None:
        lectures = lectures.filter(programme=programme)
    if area_code:
        lectures = lectures.filter(_under(area_code))
    coming = list(lectures.filter(ends_at__gte=now).order_by("starts_at", "id")[:FEED_MAX])
    past = list(
        lectures.filter(ends_at__lt=now, ends_at__gte=now - FEED_PAST).order_by("-starts_at", "-id")[
            : FEED_MAX - len(coming)
        ]
    )
    return [*reversed(past), *coming]


# --- quota accounting --------------------------------------------------------------------------------


def month_of(moment: datetime) -> date:
    return timezone.localtime(moment).date().replace(day=1)


def quarter_of(moment: datetime | date) -> date:
    day = timezone.localtime(moment).date() if isinstance(moment, datetime) else moment
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _next_month(first: date, months: int = 1) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _status(held: int, scheduled: int, minimum: int, *, ended: bool) -> str:
    if held >= minimum:
        return MET
    if ended:
        return MISSED
    return AT_RISK if held + scheduled < minimum else ON_TRACK


@dataclass
class PeriodCount:
    start: date
    held: int
    scheduled: int  # still to come in the period
    minimum: int | None
    status: str | None  # None: no quota of this kind
    current: bool
    by_kind: dict[str, int] = field(default_factory=dict)


@dataclass
class VenueKindCount:
    kind: str
    label: str
    held: int
    scheduled: int
    status: str


@dataclass
class QuarterCount:
    start: date
    minimum: int
    current: bool
    kinds: list[VenueKindCount]

    @property
    def status(self) -> str:
        statuses = {kind.status for kind in self.kinds}
        for worst in (MISSED, AT_RISK, ON_TRACK):
            if worst in statuses:
                return worst
        return MET


@dataclass
class QuotaReport:
    months: list[PeriodCount]  # newest first
    quarters: list[QuarterCount]  # newest first; empty without a quarterly quota
    monthly_minimum: int | None
    quarterly_minimum: int | None

    @property
    def at_risk(self) -> list[str]:
        """The quotas at risk in the current period: "month" and/or "quarter"."""
        flags = []
        if self.months and self.months[0].current and self.months[0].status == AT_RISK:
            flags.append("month")
        if self.quarters and self.quarters[0].current and self.quarters[0].status == AT_RISK:
            flags.append("quarter")
        return flags


def quota_report(*, programme: Programme, now: datetime, months_shown: int = MONTHS_SHOWN) -> QuotaReport:
    """Month by month (and quarter by quarter) from the programme's start, or the last `months_shown`, to
    now: lectures held, and those still scheduled, against its quotas."""
    quotas = {quota.kind: quota.minimum for quota in Quota.objects.filter(programme=programme)}
    monthly = quotas.get(Quota.Kind.LECTURES_PER_MONTH)
    quarterly = quotas.get(Quota.Kind.EACH_VENUE_KIND_PER_QUARTER)
    this_month = month_of(now)
    first = max(programme.starts_on.replace(day=1), _next_month(this_month, -(months_shown - 1)))
    held: Counter[date] = Counter()
    scheduled: Counter[date] = Counter()
    held_by_kind: dict[date, Counter[str]] = defaultdict(Counter)
    quarter_held: dict[date, Counter[str]] = defaultdict(Counter)
    quarter_scheduled: dict[date, Counter[str]] = defaultdict(Counter)
    since = timezone.make_aware(datetime.combine(quarter_of(first), time()), timezone.get_default_timezone())
    rows = Lecture.objects.filter(programme=programme, starts_at__gte=since).exclude(
        status=Lecture.Status.CANCELLED
    )
    for starts_at, status, kind in rows.values_list("starts_at", "status", "venue_kind"):
        month, quarter = month_of(starts_at), quarter_of(starts_at)
        if status in Lecture.TOOK_PLACE:
            held[month] += 1
            held_by_kind[month][kind] += 1
            quarter_held[quarter][kind] += 1
        elif status == Lecture.Status.SCHEDULED and starts_at >= now:
            scheduled[month] += 1
            quarter_scheduled[quarter][kind] += 1
    months = []
    month = first
    while month <= this_month:
        ended = month < this_month
        months.append(
            PeriodCount(
                start=month,
                held=held[month],
                scheduled=scheduled[month],
                minimum=monthly,
                status=_status(held[month], scheduled[month], monthly, ended=ended) if monthly else None,
                current=not ended,
                by_kind=dict(held_by_kind[month]),
            )
        )
        month = _next_month(month)
    quarters = []
    if quarterly:
        labels = dict(VenueKind.choices)
        this_quarter = quarter_of(now)
        quarter = quarter_of(first)
        while quarter <= this_quarter:
            ended = quarter < this_quarter
            kinds = [
                VenueKindCount(
                    kind=kind,
                    label=str(labels.get(kind, kind)),
                    held=quarter_held[quarter][kind],
                    scheduled=quarter_scheduled[quarter][kind],
                    status=_status(
                        quarter_held[quarter][kind], quarter_scheduled[quarter][kind], quarterly, ended=ended
                    ),
                )
                for kind in programme.venue_kinds
            ]
            quarters.append(QuarterCount(start=quarter, minimum=quarterly, current=not ended, kinds=kinds))
            quarter = _next_month(quarter, 3)
    return QuotaReport(
        months=months[::-1], quarters=quarters[::-1], monthly_minimum=monthly, quarterly_minimum=quarterly
    )


# --- numbers ----------------------------------------------------------------------------------------


@dataclass
class ProgrammeNumbers:
    held: int
    by_kind: list[tuple[str, int]]  # (label, lectures held) of each kind of venue of the programme
    checked_in: int
    walk_ins: int
    ratings: int
    average: float | None
    speaker_average: float | None

    @property
    def attendance(self) -> int:
        return self.checked_in + self.walk_ins


def programme_numbers(*, programme: Programme) -> ProgrammeNumbers:
    took_place = Lecture.objects.filter(programme=programme, status__in=Lecture.TOOK_PLACE)
    kinds = dict(
        took_place.values_list("venue_kind").annotate(count=Count("id")).values_list("venue_kind", "count")
    )
    labels = dict(VenueKind.choices)
    ratings = Rating.objects.filter(lecture__programme=programme)
    audience = ratings.filter(by=Rating.By.AUDIENCE).aggregate(count=Count("id"), average=Avg("stars"))
    speakers = ratings.filter(by=Rating.By.SPEAKER).aggregate(average=Avg("stars"))
    return ProgrammeNumbers(
        held=took_place.count(),
        by_kind=[(str(labels[kind]), kinds.get(kind, 0)) for kind in programme.venue_kinds if kind in labels],
        checked_in=CheckIn.objects.filter(lecture__in=took_place).count(),
        walk_ins=took_place.aggregate(total=Sum("walk_ins"))["total"] or 0,
        ratings=audience["count"],
        average=audience["average"],
        speaker_average=speakers["average"],
    )


@dataclass
class SupervisedQuota:
    programme: Programme
    kind: str
    minimum: int
    period: date
    held: int
    scheduled: int
    status: str


def quotas_for_supervisor(*, now: datetime) -> list[SupervisedQuota]:
    """Every programme's quotas in the current period: one row per quota (a quarterly quota's row
    counts the kind of venue that lags most)."""
    rows = []
    for programme in Programme.objects.select_related("unit").order_by("unit__name", "name"):
        report = quota_report(programme=programme, now=now, months_shown=1)
        if report.monthly_minimum and report.months:
            month = report.months[0]
            rows.append(
                SupervisedQuota(
                    programme=programme,
                    kind=Quota.Kind.LECTURES_PER_MONTH,
                    minimum=report.monthly_minimum,
                    period=month.start,
                    held=month.held,
                    scheduled=month.scheduled,
                    status=month.status or MET,
                )
            )
        if report.quarterly_minimum and report.quarters:
            quarter = report.quarters[0]
            lagging = min(quarter.kinds, key=lambda kind: (kind.held, kind.scheduled), default=None)
            rows.append(
                SupervisedQuota(
                    programme=programme,
                    kind=Quota.Kind.EACH_VENUE_KIND_PER_QUARTER,
                    minimum=report.quarterly_minimum,
                    period=quarter.start,
                    held=lagging.held if lagging else 0,
                    scheduled=lagging.scheduled if lagging else 0,
                    status=quarter.status,
                )
            )
    return rows


# --- attendees (organiser only) ---------------------------------------------------------------------


@dataclass
class Attendee:
    registration_id: int | None
    user_id: int | None
    name: str
    phone: str
    checked_in: bool
    method: str


def attendees(*, lecture: Lecture) -> list[Attendee]:
    """The registered residents and everyone checked in, in full: for the lecture's organisers only."""
    checkins = list(
        CheckIn.objects.filter(lecture=lecture).select_related("user").order_by("created_at", "id")
    )
    by_user = {checkin.user_id: checkin for checkin in checkins if checkin.user_id}
    by_phone = {checkin.phone: checkin for checkin in checkins if checkin.phone}
    seen: set[int] = set()
    rows = []
    for registration in (
        Registration.objects.filter(lecture=lecture).select_related("user").order_by("created_at", "id")
    ):
        user = registration.user
        checkin = by_user.get(user.pk) or (by_phone.get(user.phone) if user.phone else None)
        if checkin is not None:
            seen.add(checkin.pk)
        rows.append(
            Attendee(
                registration_id=registration.pk,
                user_id=user.pk,
                name=user.display_name or user.username,
                phone=user.phone or "",
                checked_in=checkin is not None,
                method=checkin.get_method_display() if checkin else "",
            )
        )
    for checkin in checkins:
        if checkin.pk in seen:
            continue
        rows.append(
            Attendee(
                registration_id=None,
                user_id=checkin.user_id,
                name=(checkin.user.display_name or checkin.user.username) if checkin.user else "",
                phone=checkin.phone,
                checked_in=True,
                method=checkin.get_method_display(),
            )
        )
    return rows


def registered_count(*, lecture: Lecture) -> int:
    return Registration.objects.filter(lecture=lecture).count()


def is_registered(*, lecture: Lecture, user: User | AnonymousUser) -> bool:
    return user.pk is not None and Registration.objects.filter(lecture=lecture, user_id=user.pk).exists()


def checked_in(*, lecture: Lecture, user: User | AnonymousUser) -> bool:
    if user.pk is None:
        return False
    match = Q(user_id=user.pk)
    if phone := getattr(user, "phone", ""):
        match |= Q(phone=phone)
    return CheckIn.objects.filter(match, lecture=lecture).exists()
