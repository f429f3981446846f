"""Reads of the video window: bookable slots, the live queue, who may join a call, what a pre-review
found, and the supervisors' figures.

Slots are cut from a window's `VideoHours` on the working days of the calendar
(`banshi.worktime.calendar`): none on a holiday, and a make-up working day that falls on a weekend
(调休上班) takes Monday's hours, since the offices open as on an ordinary weekday and Monday is the
first of them. A slot exists as a row only once somebody books it."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from banshi.accounts.models import User
from banshi.cases.models import Application, Rating
from banshi.catalog.definition import BundleDef
from banshi.catalog.selectors import bundle_open
from banshi.directory.models import Window
from banshi.directory.selectors import window_for_clerk
from banshi.remote.models import (
    Appointment,
    CallRating,
    CallSession,
    ChatMessage,
    PreReview,
    QueueTicket,
    Slot,
    VideoHours,
)
from banshi.worktime.calendar import Calendar

WORKING_DAYS_LISTED = 10
# Until a window has finished calls, a call is assumed to take this long.
DEFAULT_CALL_MINUTES = 10.0
CALLS_AVERAGED = 10
# An appointment holder who takes a number from this long before their slot until its end goes first.
CHECK_IN_BEFORE = timedelta(minutes=30)
# A make-up working day on a weekend takes the hours of this weekday (Monday).
MAKE_UP_DAY_HOURS_OF = 0
S = CallSession.Status
T = QueueTicket.Status


def _tz() -> tzinfo:
    return timezone.get_default_timezone()


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment, _tz()).date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), _tz())


# --- windows ------------------------------------------------------------------------------------------


def video_windows() -> QuerySet[Window]:
    return Window.objects.filter(kind=Window.Kind.VIDEO).order_by("name", "id")


def video_window(*, window_id: int) -> Window | None:
    return video_windows().filter(pk=window_id).first()


def video_window_for_clerk(*, user: User | AnonymousUser) -> Window | None:
    """The video window a clerk serves at, or None for anyone who is not a clerk of one (a clerk may
    also serve at a physical window: that membership does not count here)."""
    return window_for_clerk(user=user, kind=Window.Kind.VIDEO)


# --- slots --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotTime:
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int = 0

    @property
    def left(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def value(self) -> str:
        """The slot as a form posts it: the local start in ISO 8601 with its offset."""
        return timezone.localtime(self.starts_at, _tz()).isoformat()


def window_hours(*, window: Window) -> dict[int, list[VideoHours]]:
    by_weekday: dict[int, list[VideoHours]] = {}
    for hours in VideoHours.objects.filter(window=window).order_by("weekday", "opens"):
        by_weekday.setdefault(hours.weekday, []).append(hours)
    return by_weekday


def hours_on(day: date, hours: dict[int, list[VideoHours]], calendar: Calendar) -> list[VideoHours]:
    """The window's hours on `day`: none unless the calendar says it is a working day."""
    if not calendar.day(day)[0]:
        return []
    weekday = day.weekday()
    return hours.get(MAKE_UP_DAY_HOURS_OF if weekday >= 5 else weekday, [])


def _cut(day: date, rows: list[VideoHours]) -> list[SlotTime]:
    tz = _tz()
    slots = []
    for row in rows:
        step = timedelta(minutes=row.slot_minutes)
        start = datetime.combine(day, row.opens, tz)
        closes = datetime.combine(day, row.closes, tz)
        while start + step <= closes:
            slots.append(SlotTime(starts_at=start, ends_at=start + step, capacity=row.capacity))
            start += step
    return slots


def _with_bookings(window: Window, slots: list[SlotTime]) -> list[SlotTime]:
    if not slots:
        return []
    stored = {
        slot.starts_at: slot
        for slot in Slot.objects.filter(
            window=window, starts_at__gte=slots[0].starts_at, starts_at__lte=slots[-1].starts_at
        )
    }
    result = []
    for slot in slots:
        row = stored.get(slot.starts_at)
        if row is not None:
            slot = SlotTime(slot.starts_at, row.ends_at, row.capacity, row.booked)
        result.append(slot)
    return result


def day_slots(*, window: Window, day: date, calendar: Calendar | None = None) -> list[SlotTime]:
    """Every slot of the window on `day`, with its places booked (past ones included)."""
    rows = hours_on(day, window_hours(window=window), calendar or Calendar())
    return _with_bookings(window, _cut(day, rows))


def slot_at(*, window: Window, starts_at: datetime) -> SlotTime | None:
    """The slot of the window's hours that starts exactly at `starts_at`, or None if it takes no
    video calls then (a holiday, outside its hours, or not the start of a slot)."""
    day = local_day(starts_at)
    rows = hours_on(day, window_hours(window=window), Calendar())
    return next((slot for slot in _cut(day, rows) if slot.starts_at == starts_at), None)


def slots_upcoming(
    *, window: Window, now: datetime | None = None, days: int = WORKING_DAYS_LISTED
) -> list[tuple[date, list[SlotTime]]]:
    """The slots still to come on the next `days` working days (today counts if it is one), by day,
    with the places left."""
    now = now or timezone.now()
    calendar = Calendar()
    hours = window_hours(window=window)
    day = local_day(now)
    cut: list[tuple[date, list[SlotTime]]] = []
    for _ in range(days * 4 + 30):  # a Spring Festival week and its weekends fit with room to spare
        if len(cut) == days:
            break
        if calendar.day(day)[0]:
            cut.append(
                (day, [slot for slot in _cut(day, hours_on(day, hours, calendar)) if slot.starts_at > now])
            )
        day += timedelta(days=1)
    every = [slot for _day, slots in cut for slot in slots]
    booked = {slot.starts_at: slot for slot in _with_bookings(window, every)}
    return [(day, [booked[slot.starts_at] for slot in slots]) for day, slots in cut]


def _periods(
    day: date, hours: dict[int, list[VideoHours]], calendar: Calendar
) -> list[tuple[datetime, datetime]]:
    tz = _tz()
    return [
        (datetime.combine(day, row.opens, tz), datetime.combine(day, row.closes, tz))
        for row in hours_on(day, hours, calendar)
    ]


def serving_until(*, window: Window, now: datetime | None = None) -> datetime | None:
    """When the window's current video period closes, or None if it takes no video calls now (outside
    its hours, a weekend, a public holiday)."""
    now = now or timezone.now()
    day = local_day(now)
    for opens, closes in _periods(day, window_hours(window=window), Calendar()):
        if opens <= now < closes:
            return closes
    return None


def next_opening(*, window: Window, now: datetime | None = None) -> datetime | None:
    """The next moment after `now` at which the window starts taking video calls, within the coming
    weeks; None if it has no hours then."""
    now = now or timezone.now()
    calendar = Calendar()
    hours = window_hours(window=window)
    if not hours:
        return None
    day = local_day(now)
    for _ in range(WORKING_DAYS_LISTED * 4 + 30):
        for opens, _closes in _periods(day, hours, calendar):
            if opens > now:
                return opens
        day += timedelta(days=1)
    return None


def window_opening(*, window: Window, now: datetime | None = None) -> dict[str, Any]:
    """For the pages: whether the window serves now, until when, and else when it opens next."""
    now = now or timezone.now()
    until = serving_until(window=window, now=now)
    return {
        "serving": until is not None,
        "until": until,
        "next_opening": None if until is not None else next_opening(window=window, now=now),
    }


def hours_summary(*, window: Window) -> list[dict[str, Any]]:
    """The window's weekly hours for the pages: weekday number and its opening periods."""
    return [
        {"weekday": weekday, "periods": [(row.opens, row.closes) for row in rows]}
        for weekday, rows in sorted(window_hours(window=window).items())
    ]


# --- appointments -------------------------------------------------------------------------------------


def appointment_for_resident(*, user: User | AnonymousUser, appointment_id: int) -> Appointment | None:
    if not user.is_authenticated:
        return None
    return (
        Appointment.objects.filter(pk=appointment_id, resident=user)
        .select_related("slot", "slot__window")
        .first()
    )


def appointments_upcoming(*, user: User, now: datetime | None = None) -> QuerySet[Appointment]:
    now = now or timezone.now()
    return (
        Appointment.objects.filter(resident=user, status=Appointment.Status.BOOKED, slot__ends_at__gt=now)
        .select_related("slot", "slot__window")
        .order_by("slot__starts_at")
    )


def appointments_today(*, window: Window, now: datetime | None = None) -> QuerySet[Appointment]:
    now = now or timezone.now()
    start = day_start(local_day(now))
    return (
        Appointment.objects.filter(
            slot__window=window, slot__starts_at__gte=start, slot__starts_at__lt=start + timedelta(days=1)
        )
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("slot", "resident")
        .order_by("slot__starts_at", "id")
    )


def appointment_to_check_in(*, user: User, window_id: int, now: datetime) -> Appointment | None:
    """The resident's booked appointment at the window that a number taken now checks in for."""
    return (
        Appointment.objects.filter(
            resident=user,
            slot__window_id=window_id,
            status=Appointment.Status.BOOKED,
            slot__starts_at__lte=now + CHECK_IN_BEFORE,
            slot__ends_at__gte=now,
        )
        .order_by("slot__starts_at")
        .first()
    )


# --- the queue ----------------------------------------------------------------------------------------


def _today(now: datetime | None = None) -> datetime:
    return day_start(local_day(now or timezone.now()))


def waiting_tickets(*, window_id: int, now: datetime | None = None) -> QuerySet[QueueTicket]:
    """Today's waiting tickets in the order they are called: appointment holders first, then by time."""
    return (
        QueueTicket.objects.filter(window_id=window_id, status=T.WAITING, created_at__gte=_today(now))
        .annotate(
            priority=Case(
                When(appointment__isnull=False, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("priority", "created_at", "id")
    )


def open_ticket(
    *, user: User | AnonymousUser, window_id: int, now: datetime | None = None
) -> QueueTicket | None:
    """The resident's ticket of today at the window that is waiting or called."""
    if not user.is_authenticated:
        return None
    return (
        QueueTicket.objects.filter(
            resident=user, window_id=window_id, status__in=[T.WAITING, T.CALLED], created_at__gte=_today(now)
        )
        .order_by("-created_at")
        .first()
    )


def average_call_minutes(*, window_id: int) -> float:
    """The mean length (connected to ended) of the window's last finished calls."""
    spans = (
        CallSession.objects.filter(
            window_id=window_id, status=S.ENDED, connected_at__isnull=False, ended_at__isnull=False
        )
        .order_by("-ended_at")
        .values_list("connected_at", "ended_at")[:CALLS_AVERAGED]
    )
    minutes = [
        (ended - connected).total_seconds() / 60
        for connected, ended in spans
        if connected is not None and ended is not None and ended >= connected
    ]
    return round(sum(minutes) / len(minutes), 1) if minutes else DEFAULT_CALL_MINUTES


def whole_minutes(minutes: float) -> int:
    """A wait or a length as the pages say it: whole minutes, rounded up, never "about 0 minutes"."""
    return max(math.ceil(minutes - 1e-9), 1)


def ticket_position(*, ticket: QueueTicket) -> tuple[int, float]:
    """(place in the queue counting from 1, estimated wait in minutes: place × the average call); (0, 0)
    for a ticket that is no longer waiting."""
    if ticket.status != T.WAITING:
        return 0, 0.0
    ids = list(waiting_tickets(window_id=ticket.window_id).values_list("id", flat=True))
    if ticket.pk not in ids:
        return 0, 0.0
    position = ids.index(ticket.pk) + 1
    return position, round(position * average_call_minutes(window_id=ticket.window_id), 1)


def queue_state(*, window_id: int) -> dict[str, Any]:
    """What anyone watching the window's queue may see: numbers, places and waits, no person."""
    average = average_call_minutes(window_id=window_id)
    tickets = list(waiting_tickets(window_id=window_id).values_list("id", "number"))
    serving = (
        QueueTicket.objects.filter(window_id=window_id, status=T.CALLED, created_at__gte=_today())
        .order_by("-called_at", "-id")
        .values_list("number", flat=True)
        .first()
    )
    return {
        "window": window_id,
        "waiting": len(tickets),
        "now_serving": serving,
        "average_minutes": average,
        "tickets": [
            {
                "id": ticket_id,
                "number": number,
                "position": position,
                "estimated_wait_minutes": round(position * average, 1),
            }
            for position, (ticket_id, number) in enumerate(tickets, start=1)
        ],
    }


def waiting_rows(*, window_id: int) -> list[QueueTicket]:
    """The waiting tickets with their residents, for the clerk's console."""
    return list(waiting_tickets(window_id=window_id).select_related("resident", "appointment__slot"))


# --- calls --------------------------------------------------------------------------------------------


def joinable(session: CallSession, now: datetime | None = None) -> bool:
    if session.status == S.ENDED:
        return False
    if session.status == S.INTERRUPTED and session.rejoin_until is not None:
        return (now or timezone.now()) <= session.rejoin_until
    return True


def session_for_participant(*, user: User | AnonymousUser, session_id: int) -> CallSession | None:
    """The call if `user` is its clerk or its resident and it can still be joined; None for anyone
    else (anonymous included), for an ended call and for one interrupted past its rejoin time."""
    if not user.is_authenticated:
        return None
    session = (
        CallSession.objects.filter(Q(clerk=user) | Q(resident=user), pk=session_id)
        .select_related("window", "clerk", "resident", "ticket")
        .first()
    )
    if session is None or not joinable(session):
        return None
    return session


def session_of_participant(*, user: User | AnonymousUser, session_id: int) -> CallSession | None:
    """The call, whatever its state, if `user` is its clerk or its resident."""
    if not user.is_authenticated:
        return None
    return (
        CallSession.objects.filter(Q(clerk=user) | Q(resident=user), pk=session_id)
        .select_related("window", "clerk", "resident", "ticket", "application")
        .first()
    )


def call_waiting_for(*, user: User | AnonymousUser, window_id: int) -> CallSession | None:
    """The call the resident has been called to at the window and can join now."""
    if not user.is_authenticated:
        return None
    for session in CallSession.objects.filter(resident=user, window_id=window_id).exclude(status=S.ENDED):
        if joinable(session):
            return session
    return None


def calls_unfinished(*, clerk: User) -> QuerySet[CallSession]:
    return (
        CallSession.objects.filter(clerk=clerk)
        .exclude(status=S.ENDED)
        .select_related("resident", "ticket")
        .order_by("created_at")
    )


def calls_of_resident(*, user: User, limit: int = 10) -> QuerySet[CallSession]:
    return (
        CallSession.objects.filter(resident=user)
        .select_related("window", "application")
        .order_by("-created_at")[:limit]
    )


def last_ended_call(*, user: User, window_id: int) -> CallSession | None:
    return (
        CallSession.objects.filter(
            resident=user, window_id=window_id, status=S.ENDED, created_at__gte=_today()
        )
        .order_by("-ended_at")
        .first()
    )


def chat_of(*, session: CallSession) -> list[ChatMessage]:
    """The call's chat in the order it was written."""
    return list(ChatMessage.objects.filter(session=session).order_by("sent_at", "id"))


def call_rating(*, session: CallSession) -> CallRating | None:
    return CallRating.objects.filter(session=session).first()


# --- the shared draft and its pre-review ------------------------------------------------------------


def draft_spec(draft: dict[str, Any]) -> BundleDef | None:
    """The definition of the bundle a shared draft is for, if it is still open."""
    code = draft.get("bundle") if isinstance(draft, dict) else None
    if not code:
        return None
    bundle = bundle_open(code=code)
    return bundle.current_spec if bundle is not None else None


def draft_materials(draft: dict[str, Any]) -> list[str]:
    """The materials that apply to the shared draft's answers."""
    spec = draft_spec(draft)
    if spec is None:
        return []
    return spec.plan(draft.get("answers") or {}).materials


def prereview_passed(
    session: CallSession, *, spec: BundleDef, answers: dict[str, Any], materials: dict[str, Any]
) -> bool:
    """Whether the clerk accepted every material that `answers` make applicable, each as the upload
    now given for it (a material seen on camera only, with no upload, accepts whatever is given)."""
    needed = spec.plan(answers).materials
    if not needed:
        return False
    reviews = {review.material: review for review in session.reviews.all()}
    for key in needed:
        review = reviews.get(key)
        if review is None or review.verdict != PreReview.Verdict.ACCEPTED:
            return False
        if review.upload_id is not None and str(review.upload_id) != str(materials.get(key)):
            return False
    return True


def prereviewed_call(
    *, user: User | AnonymousUser, bundle_code: str, answers: dict[str, Any], materials: dict[str, Any]
) -> CallSession | None:
    """The resident's latest finished call whose pre-review passed for this application, not yet used
    for another one."""
    if not user.is_authenticated:
        return None
    bundle = bundle_open(code=bundle_code)
    if bundle is None:
        return None
    spec = bundle.current_spec
    sessions = (
        CallSession.objects.filter(
            resident=user, status=S.ENDED, application__isnull=True, draft__bundle=bundle_code
        )
        .select_related("window")
        .prefetch_related("reviews")
        .order_by("-ended_at")[:5]
    )
    for session in sessions:
        if prereview_passed(session, spec=spec, answers=answers, materials=materials):
            return session
    return None


def prereview_rows(*, session: CallSession) -> list[dict[str, Any]]:
    spec = draft_spec(session.draft)
    rows = []
    for review in session.reviews.order_by("id"):
        label = review.material
        if spec is not None and review.material in spec.materials:
            label = str(spec.materials[review.material].label)
        rows.append({"review": review, "label": label})
    return rows


def prereview_for_application(*, application: Application) -> dict[str, Any] | None:
    """The call whose pre-review an application was sent after, with the verdicts."""
    session = (
        CallSession.objects.filter(application=application).select_related("window").order_by("-id").first()
    )
    if session is None:
        return None
    return {"session": session, "rows": prereview_rows(session=session)}


# --- figures for supervisors --------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (the smallest value with at least `share` of the values at or below it)."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(math.ceil(share * len(ordered)) - 1, 0)], 1)


def _spread(values: list[float]) -> dict[str, Any]:
    return {
        "count": len(values),
        "median": round(statistics.median(values), 1) if values else None,
        "p90": _percentile(values, 0.9),
    }


def video_stats(*, now: datetime | None = None, days: int = 30) -> dict[str, Any]:
    """Calls per day, waiting times (number taken to called), call lengths (connected to ended) and
    the ratings given, over the last `days` days, in minutes."""
    now = now or timezone.now()
    since = day_start(local_day(now) - timedelta(days=days - 1))
    calls = list(
        CallSession.objects.filter(created_at__gte=since).values_list(
            "created_at", "connected_at", "ended_at"
        )
    )
    per_day: dict[date, int] = {}
    for created, _connected, _ended in calls:
        day = local_day(created)
        per_day[day] = per_day.get(day, 0) + 1
    lengths = [
        (ended - connected).total_seconds() / 60
        for _created, connected, ended in calls
        if connected is not None and ended is not None and ended >= connected
    ]
    waits = [
        (called - taken).total_seconds() / 60
        for taken, called in QueueTicket.objects.filter(
            created_at__gte=since, called_at__isnull=False
        ).values_list("created_at", "called_at")
        if called is not None and called >= taken
    ]
    counts = dict(
        CallRating.objects.filter(created_at__gte=since)
        .order_by()
        .values("level")
        .annotate(n=Count("id"))
        .values_list("level", "n")
    )
    ratings = [
        {"level": level, "label": label, "count": counts.get(level, 0)}
        for level, label in sorted(Rating.Level.choices, reverse=True)
    ]
    return {
        "since": since,
        "days": days,
        "calls": len(calls),
        "per_day": sorted(per_day.items()),
        "waiting": _spread(waits),
        "length": _spread(lengths),
        "ratings": ratings,
        "rated": sum(row["count"] for row in ratings),
    }
