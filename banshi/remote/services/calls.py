"""A video call between a clerk and a resident: calling, connecting, dropping and rejoining, ending;
what the resident shares of their application, the stills and verdicts of the pre-review, the rating.

The signaling itself goes through the consumers (banshi.remote.consumers); they call these services to
record what happened. Nothing of the media is kept."""

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.accounts.models import User
from banshi.audit.services import event_record
from banshi.cases.models import Rating, Upload
from banshi.cases.services.materials import upload_create
from banshi.cases.services.rate import clean_comment, clean_level
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.lib.states import check_move
from banshi.lib.text import TextProblem, clean_text, text_field
from banshi.notify.services import notification_send
from banshi.remote import realtime
from banshi.remote.events import EventType
from banshi.remote.models import (
    Appointment,
    CallRating,
    CallSession,
    ChatMessage,
    PreReview,
    QueueTicket,
)
from banshi.remote.selectors import (
    draft_materials,
    draft_spec,
    local_day,
    video_window_for_clerk,
    waiting_tickets,
)
from banshi.remote.services.queue import queue_changed_after_commit

S = CallSession.Status
T = QueueTicket.Status
A = Appointment.Status
REJOIN_WITHIN = timedelta(minutes=10)
REASON_MAX = 1000
CHAT_MAX = 1000
COMMENT_MAX = CallRating._meta.get_field("comment").max_length or 1000
VALUE_MAX = 4000


def call_changed_after_commit(session_id: int, event: str) -> None:
    """Both pages of the call learn what changed once it is committed (see `realtime.call_changed`)."""
    transaction.on_commit(partial(realtime.call_changed, session_id, event))


def _locked_session(
    session_id: int,
    *,
    participant: User | None = None,
    clerk: User | None = None,
    resident: User | None = None,
) -> CallSession:
    query = CallSession.objects.select_for_update().filter(pk=session_id)
    if participant is not None:
        query = query.filter(Q(clerk_id=participant.pk) | Q(resident_id=participant.pk))
    if clerk is not None:
        query = query.filter(clerk_id=clerk.pk)
    if resident is not None:
        query = query.filter(resident_id=resident.pk)
    session = query.first()
    if session is None:
        raise NotFound
    return session


def _not_ended(session: CallSession) -> None:
    if session.status == S.ENDED:
        raise Conflict(_("This call has ended."))


# --- calling, connecting, ending ---------------------------------------------------------------------


def _resident_busy(resident_id: int) -> bool:
    return CallSession.objects.filter(resident_id=resident_id).exclude(status=S.ENDED).exists()


def _call_ticket(ticket: QueueTicket, now: datetime) -> bool:
    """Compare-and-set WAITING → CALLED: False when another clerk called it first."""
    check_move(QueueTicket, ticket.status, T.CALLED)
    moved = QueueTicket.objects.filter(pk=ticket.pk, status=T.WAITING).update(status=T.CALLED, called_at=now)
    if moved:
        ticket.status, ticket.called_at = T.CALLED, now
    return bool(moved)


def call_start(
    *, actor: User, ticket_id: int | None = None, appointment_id: int | None = None
) -> CallSession:
    """The clerk calls a resident by video: the holder of a ticket, of one of today's appointments, or
    (neither given) the next one waiting. A clerk has at most one unfinished call."""
    window = video_window_for_clerk(user=actor)
    if window is None:
        raise NotFound
    if ticket_id is not None and appointment_id is not None:
        raise FieldErrors({"ticket": _("call either a number or an appointment")})
    now = timezone.now()
    with transaction.atomic():
        # One clerk's double click must not open two calls: their user row serialises their calls.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        if CallSession.objects.filter(clerk=actor).exclude(status=S.ENDED).exists():
            raise Conflict(_("Finish your current call before calling another resident."))
        ticket: QueueTicket | None = None
        appointment: Appointment | None = None
        if appointment_id is not None:
            appointment = (
                Appointment.objects.select_for_update(of=("self",))
                .select_related("slot")
                .filter(pk=appointment_id, slot__window=window)
                .first()
            )
            if appointment is None:
                raise NotFound
            if appointment.status != A.BOOKED:
                raise Conflict(_("This appointment is no longer booked."))
            if local_day(appointment.slot.starts_at) != local_day(now):
                raise Conflict(_("Only today's appointments can be called."))
            resident_id = appointment.resident_id
            ticket = waiting_tickets(window_id=window.pk, now=now).filter(resident_id=resident_id).first()
            if ticket is not None and not _call_ticket(ticket, now):
                ticket = None
        elif ticket_id is not None:
            ticket = QueueTicket.objects.filter(pk=ticket_id, window=window).first()
            if ticket is None:
                raise NotFound
            if not _call_ticket(ticket, now):
                raise Conflict(_("This number has just been called by another clerk."))
            resident_id = ticket.resident_id
        else:
            busy = CallSession.objects.exclude(status=S.ENDED).values("resident_id")
            for candidate in waiting_tickets(window_id=window.pk, now=now).exclude(resident_id__in=busy)[:10]:
                if _call_ticket(candidate, now):
                    ticket = candidate
                    break
            if ticket is None:
                raise Conflict(_("Nobody is waiting."))
            resident_id = ticket.resident_id
        if _resident_busy(resident_id):
            raise Conflict(_("This resident is in another call."))
        if appointment is None and ticket is not None and ticket.appointment_id:
            appointment = ticket.appointment
        session = CallSession.objects.create(
            window=window,
            clerk=actor,
            resident_id=resident_id,
            ticket=ticket,
            appointment=appointment,
            status=S.CALLING,
            created_at=now,
        )
        event_record(
            actor=actor,
            subject=session,
            event_type=EventType.CALL_STARTED,
            new_state=S.CALLING,
            extra={
                "window": window.pk,
                "ticket": ticket.number if ticket else "",
                "appointment": bool(appointment),
            },
            at=now,
        )
        if ticket is not None:
            event_record(
                actor=actor,
                subject=ticket,
                event_type=EventType.TICKET_CALLED,
                old_state=T.WAITING,
                new_state=T.CALLED,
                extra={"window": window.pk, "call": session.pk},
                at=now,
            )
        notification_send(
            user=session.resident,
            title=_("The video window %(window)s is calling you") % {"window": window.name},
            body=_("Open the link to join the call."),
            url=session.get_absolute_url(),
        )
        queue_changed_after_commit(window.pk)
    return session


def call_connected(*, session_id: int, now: datetime | None = None) -> CallSession:
    """Both ends are connected, media flowing: the call is active (again). Repeated reports change
    nothing. Made by `call_media_connected` once both pages have said so."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(session_id)
        return _activate(session, now=now)


def _activate(session: CallSession, *, now: datetime) -> CallSession:
    if session.status == S.ACTIVE:
        return session
    check_move(CallSession, session.status, S.ACTIVE)
    if session.status == S.INTERRUPTED and session.rejoin_until and now > session.rejoin_until:
        raise Conflict(_("The time to rejoin this call has passed."))
    old = session.status
    session.status = S.ACTIVE
    session.connected_at = session.connected_at or now
    session.rejoin_until = None
    session.save(update_fields=["status", "connected_at", "rejoin_until"])
    event_record(
        actor=None,
        subject=session,
        event_type=EventType.CALL_CONNECTED if old == S.CALLING else EventType.CALL_RESUMED,
        old_state=old,
        new_state=S.ACTIVE,
        at=now,
    )
    return session


def call_media_connected(*, session_id: int, user: User, now: datetime | None = None) -> CallSession:
    """One page reports its peer connection connected (the other side's media reach it). The call is
    connected, for the queue, the figures and the rating, only once both pages have reported on the
    connection of now: the signaling meeting is not a call. An ended call stays as it is."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(session_id, participant=user)
        if session.status == S.ENDED:
            return session
        side = "clerk_media_at" if session.clerk_id == user.pk else "resident_media_at"
        if getattr(session, side) is None:
            setattr(session, side, now)
            session.save(update_fields=[side])
        if session.clerk_media_at is None or session.resident_media_at is None:
            return session
        return _activate(session, now=now)


def call_interrupted(*, session_id: int, user: User, now: datetime | None = None) -> CallSession:
    """One end dropped: either may rejoin within ten minutes. An already interrupted or ended call
    stays as it is (the other end's disconnection after an end is normal)."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(session_id, participant=user)
        if session.status in (S.INTERRUPTED, S.ENDED):
            return session
        old = session.status
        check_move(CallSession, old, S.INTERRUPTED)
        session.status = S.INTERRUPTED
        session.interrupted_at = now
        session.rejoin_until = now + REJOIN_WITHIN
        # Connected again only once both pages report their new connection.
        session.clerk_media_at = session.resident_media_at = None
        session.save(
            update_fields=["status", "interrupted_at", "rejoin_until", "clerk_media_at", "resident_media_at"]
        )
        event_record(
            actor=user,
            subject=session,
            event_type=EventType.CALL_INTERRUPTED,
            old_state=old,
            new_state=S.INTERRUPTED,
            at=now,
        )
    return session


def call_end(*, actor: User, session_id: int, outcome: str) -> CallSession:
    """End the call with its outcome. The ticket is served if the call connected and was answered,
    missed otherwise; a booked appointment becomes attended or missed the same way."""
    if not outcome:
        raise FieldErrors({"outcome": _("is required: choose what the call came to")})
    if outcome not in CallSession.Outcome.values:
        raise FieldErrors({"outcome": _("is not one of the choices")})
    now = timezone.now()
    with transaction.atomic():
        session = _locked_session(session_id, participant=actor)
        if session.status == S.ENDED:
            raise Conflict(_("This call has already ended."))
        old = session.status
        check_move(CallSession, old, S.ENDED)
        session.status, session.outcome, session.ended_at = S.ENDED, outcome, now
        session.save(update_fields=["status", "outcome", "ended_at"])
        served = session.connected_at is not None and outcome != CallSession.Outcome.NO_ANSWER
        event_record(
            actor=actor,
            subject=session,
            event_type=EventType.CALL_ENDED,
            old_state=old,
            new_state=S.ENDED,
            extra={"window": session.window_id, "outcome": outcome},
            at=now,
        )
        if session.ticket_id:
            ticket = QueueTicket.objects.select_for_update().get(pk=session.ticket_id)
            if ticket.status == T.CALLED:
                new = T.SERVED if served else T.MISSED
                check_move(QueueTicket, ticket.status, new)
                ticket.status, ticket.finished_at = new, now
                ticket.save(update_fields=["status", "finished_at"])
                event_record(
                    actor=actor,
                    subject=ticket,
                    event_type=EventType.TICKET_SERVED if served else EventType.TICKET_MISSED,
                    old_state=T.CALLED,
                    new_state=new,
                    extra={"window": ticket.window_id, "call": session.pk},
                    at=now,
                )
        if session.appointment_id:
            new_state = A.ATTENDED if served else A.MISSED
            moved = Appointment.objects.filter(pk=session.appointment_id, status=A.BOOKED).update(
                status=new_state
            )
            if moved:
                event_record(
                    actor=actor,
                    subject=Appointment(pk=session.appointment_id),
                    event_type=EventType.APPOINTMENT_ATTENDED if served else EventType.APPOINTMENT_MISSED,
                    old_state=A.BOOKED,
                    new_state=new_state,
                    extra={"call": session.pk},
                    at=now,
                )
        queue_changed_after_commit(session.window_id)
        call_changed_after_commit(session.pk, "ended")
    return session


def call_touch(*, session_id: int, user: User, messages: int = 1) -> None:
    """Count signaling messages a participant sent (no state changes, so no audit event). The consumer
    counts them in memory and adds them up once, when the socket closes."""
    CallSession.objects.filter(Q(clerk_id=user.pk) | Q(resident_id=user.pk), pk=session_id).update(
        signaling_messages=F("signaling_messages") + messages
    )


def call_chat_post(*, actor: User, session_id: int, text: Any) -> ChatMessage:
    """A line of the call's chat from one of its two participants, kept with the call. Refused once
    the call has ended (nothing typed then is taken as sent)."""
    text = text_field(text if isinstance(text, str) else "", field="text", limit=CHAT_MAX)
    if not text:
        raise FieldErrors({"text": _("is empty: write a message")})
    now = timezone.now()
    with transaction.atomic():
        session = _locked_session(session_id, participant=actor)
        _not_ended(session)
        role = ChatMessage.Role.CLERK if session.clerk_id == actor.pk else ChatMessage.Role.RESIDENT
        # The text is the participants' own words and may hold personal data: no audit event carries it.
        return ChatMessage.objects.create(session=session, author=actor, role=role, text=text, sent_at=now)


# --- the shared draft, stills and verdicts --------------------------------------------------------------


def _clean_draft(draft: Any, *, resident: User) -> dict[str, Any]:
    """The shape `{"bundle", "answers", "values", "materials"}`, with only what the bundle knows and only
    the resident's own uploads; an unfinished draft is fine (answers and values may be missing)."""
    if not isinstance(draft, dict):
        raise FieldErrors({"draft": _("must be an object")})
    spec = draft_spec(draft)
    if spec is None:
        raise FieldErrors({"draft.bundle": _("is not a service you can apply for")})
    answers = draft.get("answers") or {}
    values = draft.get("values") or {}
    materials = draft.get("materials") or {}
    if not isinstance(answers, dict) or not isinstance(values, dict) or not isinstance(materials, dict):
        raise FieldErrors({"draft": _("must hold answers, values and materials as objects")})
    errors: dict[str, str] = {}
    for key, value in answers.items():
        question = spec.questions.get(key)
        if question is None or not isinstance(value, str) or value not in question.options:
            errors[f"draft.answers.{key}"] = _("is not an answer to a question of this service")
    values = dict(values)
    for key, value in values.items():
        if key not in spec.fields:
            errors[f"draft.values.{key}"] = _("is not a field of this service")
        elif value is not None and not isinstance(value, str | int | float | bool):
            errors[f"draft.values.{key}"] = _("must be text or a number")
        elif isinstance(value, str) and len(value) > VALUE_MAX:
            errors[f"draft.values.{key}"] = _("is too long")
        elif isinstance(value, str):
            try:
                values[key] = clean_text(value)
            except TextProblem as problem:
                errors[f"draft.values.{key}"] = str(problem)
    ids: dict[str, int] = {}
    for key, raw in materials.items():
        try:
            upload_id = int(raw)
        except (TypeError, ValueError, OverflowError):
            upload_id = 0
        if key not in spec.materials or not 0 < upload_id < 2**63:
            errors[f"draft.materials.{key}"] = _("is not a document of this service")
        else:
            ids[key] = upload_id
    owned = set(Upload.objects.filter(owner=resident, pk__in=ids.values()).values_list("pk", flat=True))
    for key, upload_id in ids.items():
        if upload_id not in owned:
            errors[f"draft.materials.{key}"] = _("is not a file you uploaded")
    if errors:
        raise FieldErrors(errors)
    return {"bundle": spec.code, "answers": dict(answers), "values": values, "materials": ids}


def call_draft_share(*, actor: User, session_id: int, draft: Any) -> CallSession:
    """The resident shows the clerk their unfinished application: it replaces what they shared before."""
    now = timezone.now()
    with transaction.atomic():
        session = _locked_session(session_id, resident=actor)
        _not_ended(session)
        clean = _clean_draft(draft, resident=actor)
        session.draft = clean
        session.save(update_fields=["draft"])
        event_record(
            actor=actor,
            subject=session,
            event_type=EventType.CALL_DRAFT_SHARED,
            extra={"bundle": clean["bundle"], "materials": sorted(clean["materials"])},
            at=now,
        )
        call_changed_after_commit(session.pk, "draft")
    return session


def _reviewable(session: CallSession, material: Any) -> str:
    if not session.draft.get("bundle"):
        raise Conflict(_("The resident has not shared an application yet."))
    if not isinstance(material, str) or material not in draft_materials(session.draft):
        raise FieldErrors({"material": _("is not a document this application needs")})
    return material


def call_capture_attach(*, actor: User, session_id: int, material: str, file: UploadedFile[bytes]) -> Upload:
    """The clerk keeps a still of a document the resident holds up to the camera, as that document of
    the shared application. The file is the resident's, as if they had uploaded it."""
    with transaction.atomic():
        session = _locked_session(session_id, clerk=actor)
        _not_ended(session)
        _reviewable(session, material)
    upload = upload_create(owner=session.resident, file=file, field="file")
    now = timezone.now()
    with transaction.atomic():
        session = _locked_session(session_id, clerk=actor)
        _not_ended(session)
        _reviewable(session, material)
        session.draft = {
            **session.draft,
            "materials": {**session.draft.get("materials", {}), material: upload.pk},
        }
        session.save(update_fields=["draft"])
        event_record(
            actor=actor,
            subject=session,
            event_type=EventType.CALL_CAPTURE_ATTACHED,
            extra={"material": material, "upload": upload.pk},
            at=now,
        )
        call_changed_after_commit(session.pk, "draft")
    return upload


def prereview_record(
    *, actor: User, session_id: int, material: str, verdict: str, reason: str = ""
) -> PreReview:
    """The clerk's verdict on one document of the shared application; a new verdict replaces the
    last. A document that needs fixing says why."""
    if verdict not in PreReview.Verdict.values:
        raise FieldErrors({"verdict": _("is not one of the choices")})
    reason = text_field(
        reason if isinstance(reason, str) else "", field="reason", limit=REASON_MAX, multiline=True
    )
    if verdict == PreReview.Verdict.NEEDS_FIXING and not reason:
        raise FieldErrors({"reason": _("is required: say what needs fixing")})
    if verdict == PreReview.Verdict.ACCEPTED:
        reason = ""
    now = timezone.now()
    with transaction.atomic():
        session = _locked_session(session_id, clerk=actor)
        _not_ended(session)
        material = _reviewable(session, material)
        review, created = PreReview.objects.update_or_create(
            session=session,
            material=material,
            defaults={
                "upload_id": session.draft.get("materials", {}).get(material),
                "verdict": verdict,
                "reason": reason,
                "reviewed_by": actor,
                "reviewed_at": now,
            },
        )
        # The reason is the clerk's free text about the resident's document: it stays on the review.
        event_record(
            actor=actor,
            subject=session,
            event_type=EventType.PREREVIEW_RECORDED,
            new_state=verdict,
            extra={"material": material, "review": review.pk, "replaced": not created},
            at=now,
        )
        call_changed_after_commit(session.pk, "review")
    return review


# --- rating ------------------------------------------------------------------------------------------


def call_rate(*, actor: User, session_id: int, level: Any, comment: Any = "") -> CallRating:
    """The resident rates a call that took place, once it has ended, once."""
    level = clean_level(level)
    comment = clean_comment(comment, limit=COMMENT_MAX)
    now = timezone.now()
    try:
        with transaction.atomic():
            session = _locked_session(session_id, resident=actor)
            if session.status != S.ENDED:
                raise Conflict(_("A call can be rated once it has ended."))
            if session.connected_at is None:
                raise Conflict(_("Only a call that took place can be rated."))
            if CallRating.objects.filter(session=session).exists():
                raise Conflict(_("This call has already been rated."))
            rating = CallRating.objects.create(session=session, level=level, comment=comment, created_at=now)
            # The comment is the resident's free text and may hold personal data: it stays out of the log.
            event_record(
                actor=actor,
                subject=rating,
                event_type=EventType.CALL_RATING_CREATED,
                new_state=str(level),
                extra={"call": session.pk, "window": session.window_id, "poor": level in Rating.POOR},
                at=now,
            )
    except IntegrityError:  # a concurrent rating of the same call won the one-to-one row
        raise Conflict(_("This call has already been rated.")) from None
    return rating
