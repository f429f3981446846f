"""Booking a time with a video window: book, cancel, reschedule.

A slot's row is created when first booked; its `booked` count grows only by a compare-and-set
(`booked < capacity`), so two residents racing for the last place get one place between them.
A resident holds one booking per window and day (a constraint of the database) and one upcoming
booking per window; their bookings are serialised on their own row, so that two made at once are
judged one after the other rather than by a failed insert (whose values the database would log)."""

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from banshi.accounts.models import User
from banshi.audit.services import event_record
from banshi.catalog.selectors import bundle_open
from banshi.directory.models import Window
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.lib.states import check_move
from banshi.lib.text import text_field
from banshi.remote.events import EventType
from banshi.remote.models import Appointment, Slot
from banshi.remote.selectors import SlotTime, local_day, slot_at, video_window

A = Appointment.Status


def _clean_start(starts_at: object) -> datetime:
    if isinstance(starts_at, str):
        starts_at = parse_datetime(starts_at.strip()) if starts_at.strip() else None
    if not isinstance(starts_at, datetime):
        raise FieldErrors({"starts_at": _("is required: choose a time")})
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at, timezone.get_default_timezone())
    return starts_at


def _clean_bundle(bundle_code: Any) -> str:
    if isinstance(bundle_code, str):
        bundle_code = text_field(bundle_code, field="bundle_code", limit=40)
    if not bundle_code:
        return ""
    if not isinstance(bundle_code, str) or bundle_open(code=bundle_code) is None:
        raise FieldErrors({"bundle_code": _("is not a service you can apply for")})
    return bundle_code


def _lock_resident(actor: User) -> None:
    """Inside a transaction: wait for the resident's other booking, cancelling or rescheduling."""
    list(User.objects.select_for_update(no_key=True).filter(pk=actor.pk).values_list("pk", flat=True))


def _holding_problem(
    *, actor: User, window: Window, day: date, now: datetime, replacing: Appointment | None
) -> str | None:
    """Why the resident may not book this window on `day`: the check the constraint makes, in words."""
    others = Appointment.objects.filter(resident=actor, window=window, status=A.BOOKED).filter(
        Q(slot__ends_at__gt=now) | Q(day=day)
    )
    if replacing is not None:
        others = others.exclude(pk=replacing.pk)
    held = others.order_by("-slot__ends_at").values_list("slot__ends_at", flat=True).first()
    if held is None:
        return None
    if held > now:
        return _("you already have an appointment with this window: change that one instead")
    return _("you already had an appointment with this window that day: choose another day")


def _slot_for(*, window: Window, wanted: SlotTime) -> Slot:
    """The slot's row, created if it is the first booking of it. Two first bookings at once insert
    it once: the second insert does nothing (ON CONFLICT DO NOTHING) rather than fail."""
    slot = Slot.objects.filter(window=window, starts_at=wanted.starts_at).first()
    if slot is None:
        Slot.objects.bulk_create(
            [
                Slot(
                    window=window,
                    starts_at=wanted.starts_at,
                    ends_at=wanted.ends_at,
                    capacity=wanted.capacity,
                )
            ],
            ignore_conflicts=True,
        )
        slot = Slot.objects.get(window=window, starts_at=wanted.starts_at)
    return slot


def _take_place(
    *,
    actor: User,
    window: Window,
    starts_at: datetime,
    bundle_code: str,
    now: datetime,
    replacing: Appointment | None = None,
) -> Appointment:
    """Inside a transaction that holds the resident's lock: one place of the slot starting at
    `starts_at`, for the actor."""
    wanted = slot_at(window=window, starts_at=starts_at)
    if wanted is None:
        raise FieldErrors({"starts_at": _("is not a time this window takes video calls")})
    if wanted.starts_at <= now:
        raise FieldErrors({"starts_at": _("has already begun: choose a later time")})
    day = local_day(wanted.starts_at)
    problem = _holding_problem(actor=actor, window=window, day=day, now=now, replacing=replacing)
    if problem is not None:
        raise FieldErrors({"starts_at": problem})
    slot = _slot_for(window=window, wanted=wanted)
    taken = Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    if not taken:
        raise FieldErrors({"starts_at": _("is fully booked: choose another time")})
    try:
        # Only a booking written without the resident's lock can get here: it answers as the check.
        with transaction.atomic():
            appointment = Appointment.objects.create(
                slot=slot,
                resident=actor,
                window=window,
                day=day,
                bundle_code=bundle_code,
                status=A.BOOKED,
                created_at=now,
            )
    except IntegrityError:
        held = _holding_problem(actor=actor, window=window, day=day, now=now, replacing=replacing)
        same_day = _("you already had an appointment with this window that day: choose another day")
        raise FieldErrors({"starts_at": held or same_day}) from None
    event_record(
        actor=actor,
        subject=appointment,
        event_type=EventType.APPOINTMENT_BOOKED,
        new_state=A.BOOKED,
        extra={"window": window.pk, "slot": slot.pk, "bundle": bundle_code},
        at=now,
    )
    return appointment


def appointment_book(*, actor: User, window_id: int, starts_at: Any, bundle_code: str = "") -> Appointment:
    """Book a place in one of the window's slots. Refused, writing nothing, for a time the window is
    closed, a slot that has begun, a full slot, or a resident who already holds one at this window."""
    window = video_window(window_id=window_id)
    if window is None:
        raise NotFound
    starts_at = _clean_start(starts_at)
    bundle_code = _clean_bundle(bundle_code)
    now = timezone.now()
    with transaction.atomic():
        _lock_resident(actor)
        return _take_place(actor=actor, window=window, starts_at=starts_at, bundle_code=bundle_code, now=now)


def _give_back(appointment: Appointment, *, now: datetime) -> None:
    """The appointment is cancelled and its place returned to the slot."""
    check_move(Appointment, appointment.status, A.CANCELLED)
    moved = Appointment.objects.filter(pk=appointment.pk, status=A.BOOKED).update(
        status=A.CANCELLED, cancelled_at=now
    )
    if not moved:
        raise Conflict(_("This appointment is no longer booked."))
    Slot.objects.filter(pk=appointment.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    appointment.status, appointment.cancelled_at = A.CANCELLED, now


def _released(
    appointment: Appointment,
    *,
    actor: User,
    now: datetime,
    event_type: str,
    extra: dict[str, Any] | None = None,
) -> None:
    event_record(
        actor=actor,
        subject=appointment,
        event_type=event_type,
        old_state=A.BOOKED,
        new_state=A.CANCELLED,
        extra={"slot": appointment.slot_id, **(extra or {})},
        at=now,
    )


def _own_appointment(*, actor: User, appointment_id: int) -> Appointment:
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot", "slot__window")
        .filter(pk=appointment_id, resident_id=getattr(actor, "pk", None))
        .first()
    )
    if appointment is None:
        raise NotFound
    return appointment


def appointment_cancel(*, actor: User, appointment_id: int) -> Appointment:
    """Give back the place, before the slot begins. Only the resident who booked it may."""
    now = timezone.now()
    with transaction.atomic():
        _lock_resident(actor)
        appointment = _own_appointment(actor=actor, appointment_id=appointment_id)
        check_move(Appointment, appointment.status, A.CANCELLED)
        if appointment.slot.starts_at <= now:
            raise Conflict(_("An appointment that has begun can no longer be cancelled."))
        _give_back(appointment, now=now)
        _released(appointment, actor=actor, now=now, event_type=EventType.APPOINTMENT_CANCELLED)
    return appointment


def appointment_reschedule(*, actor: User, appointment_id: int, starts_at: Any) -> Appointment:
    """Move to another time: a place in the new slot is taken and the old one given back, both or
    neither. Returns the new appointment (the old one is cancelled)."""
    starts_at = _clean_start(starts_at)
    now = timezone.now()
    with transaction.atomic():
        _lock_resident(actor)
        old = _own_appointment(actor=actor, appointment_id=appointment_id)
        check_move(Appointment, old.status, A.CANCELLED)
        if old.slot.starts_at <= now:
            raise Conflict(_("An appointment that has begun can no longer be changed."))
        if old.slot.starts_at == starts_at:
            raise FieldErrors({"starts_at": _("is the time you already have: choose another")})
        # The old place first: a new time on the same day is one booking of that day, not a second.
        # A refusal below undoes it with the rest of the transaction.
        _give_back(old, now=now)
        new = _take_place(
            actor=actor,
            window=old.slot.window,
            starts_at=starts_at,
            bundle_code=old.bundle_code,
            now=now,
            replacing=old,
        )
        _released(
            old, actor=actor, now=now, event_type=EventType.APPOINTMENT_RESCHEDULED, extra={"new": new.pk}
        )
    return new
