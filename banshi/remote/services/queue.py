"""The live queue (取号): take a number, leave the queue. Numbers run A001, A002… per window and day."""

from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from banshi.accounts.models import User
from banshi.audit.services import event_record
from banshi.catalog.selectors import bundle_open
from banshi.directory.models import Window
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.lib.states import check_move
from banshi.lib.text import text_field
from banshi.remote import realtime
from banshi.remote.events import EventType
from banshi.remote.models import QueueTicket
from banshi.remote.selectors import (
    appointment_to_check_in,
    local_day,
    next_opening,
    open_ticket,
    serving_until,
    video_window,
)
from banshi.sequences.services import counter_next

T = QueueTicket.Status


def queue_changed_after_commit(window_id: int) -> None:
    transaction.on_commit(partial(realtime.queue_changed, window_id))


def closed_message(*, window: Window, now: datetime) -> str:
    opening = next_opening(window=window, now=now)
    if opening is None:
        return _("The video window is closed and has no video hours in the coming weeks.")
    local = timezone.localtime(opening, timezone.get_default_timezone())
    when = f"{formats.date_format(local, 'DATE_FORMAT')} {local:%H:%M}"
    return _("The video window is closed now: it opens at %(when)s. You can book a time instead.") % {
        "when": when
    }


def ticket_take(*, actor: User, window_id: int, bundle_code: str = "") -> QueueTicket:
    """A number in the window's queue for today, only while the window takes video calls (or, for an
    appointment holder, from a little before their slot). A resident holds one open ticket per window:
    taking another returns it. An appointment holder checking in around their time goes before
    walk-ins. Refused (Conflict), writing nothing, while the window is closed."""
    window = video_window(window_id=window_id)
    if window is None:
        raise NotFound
    bundle_code = text_field(
        bundle_code if isinstance(bundle_code, str) else "", field="bundle_code", limit=40
    )
    if bundle_code and bundle_open(code=bundle_code) is None:
        raise FieldErrors({"bundle_code": _("is not a service you can apply for")})
    now = timezone.now()
    existing = open_ticket(user=actor, window_id=window.pk, now=now)
    if existing is not None:
        return existing
    if serving_until(window=window, now=now) is None and (
        appointment_to_check_in(user=actor, window_id=window.pk, now=now) is None
    ):
        raise Conflict(closed_message(window=window, now=now))
    with transaction.atomic():
        # The counter's row stays locked until commit, so this also serialises two takes by the same
        # resident: the second one finds the first ticket below.
        sequence = counter_next(f"ticket:{window.pk}:{local_day(now):%Y%m%d}")
        existing = open_ticket(user=actor, window_id=window.pk, now=now)
        if existing is not None:
            transaction.set_rollback(True)  # the number is not used: give it back
            return existing
        appointment = appointment_to_check_in(user=actor, window_id=window.pk, now=now)
        ticket = QueueTicket.objects.create(
            window=window,
            resident=actor,
            number=f"A{sequence:03d}",
            bundle_code=bundle_code or (appointment.bundle_code if appointment else ""),
            appointment=appointment,
            status=T.WAITING,
            created_at=now,
        )
        event_record(
            actor=actor,
            subject=ticket,
            event_type=EventType.TICKET_TAKEN,
            new_state=T.WAITING,
            extra={"window": window.pk, "number": ticket.number, "appointment": bool(appointment)},
            at=now,
        )
        queue_changed_after_commit(window.pk)
    return ticket


def ticket_leave(*, actor: User, ticket_id: int) -> QueueTicket:
    """Leave the queue while waiting. Only the ticket's resident may; a called ticket is the call's."""
    now = timezone.now()
    with transaction.atomic():
        ticket = (
            QueueTicket.objects.select_for_update()
            .filter(pk=ticket_id, resident_id=getattr(actor, "pk", None))
            .first()
        )
        if ticket is None:
            raise NotFound
        check_move(QueueTicket, ticket.status, T.LEFT)
        moved = QueueTicket.objects.filter(pk=ticket.pk, status=T.WAITING).update(
            status=T.LEFT, finished_at=now
        )
        if not moved:  # called at this very moment
            ticket.refresh_from_db()
            check_move(QueueTicket, ticket.status, T.LEFT)
        ticket.status, ticket.finished_at = T.LEFT, now
        event_record(
            actor=actor,
            subject=ticket,
            event_type=EventType.TICKET_LEFT,
            old_state=T.WAITING,
            new_state=T.LEFT,
            extra={"window": ticket.window_id},
            at=now,
        )
        queue_changed_after_commit(ticket.window_id)
    return ticket
