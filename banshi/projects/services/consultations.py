"""Consultations on a draft plan (residents comment, agree or disagree; staff reply; the final plan
records what the opinions changed), and on-site office sessions (现场办公), whose problems can be filed
as residents' problem reports in one click, routed like any other."""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ImageOps

from banshi.audit.services import event_record
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.lib.images import bounded_image
from banshi.lib.states import check_move
from banshi.lib.text import text_field
from banshi.problems.services.file import report_file
from banshi.projects.models import Comment, Consultation, ConsultationFile, OnSiteSession, SessionProblem
from banshi.projects.participation_access import require_staff
from banshi.projects.participation_events import EventType

if TYPE_CHECKING:
    from banshi.accounts.models import User
    from banshi.directory.models import Agency, Area
    from banshi.projects.models import Project

FILE_MAX_BYTES = 10 * 1024 * 1024
IMAGE_MAX_SIDE = 2560
_IMAGE_FORMATS = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}


def consultation_open(
    *,
    actor: User,
    title: Any,
    draft: Any,
    opens_at: datetime,
    closes_at: datetime,
    organiser: Agency | None,
    area: Area | None = None,
    project: Project | None = None,
) -> Consultation:
    require_staff(actor, organiser)
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for field, value, limit, multiline in (("title", title, 200, False), ("draft", draft, 20000, True)):
        try:
            values[field] = text_field(value, field=field, limit=limit, required=True, multiline=multiline)
        except FieldErrors as problem:
            errors |= problem.errors
    if closes_at <= opens_at:
        errors["closes_at"] = _("must be after the opening")
    if errors:
        raise FieldErrors(errors)
    now = timezone.now()
    with transaction.atomic():
        consultation = Consultation.objects.create(
            title=values["title"],
            draft=values["draft"],
            opens_at=opens_at,
            closes_at=closes_at,
            organiser=organiser,
            area=area,
            project=project,
            created_at=now,
        )
        event_record(
            actor=actor,
            subject=consultation,
            event_type=EventType.CONSULTATION_OPENED,
            new_state=consultation.status,
            at=now,
        )
    return consultation


def _image(data: bytes, field: str) -> bytes:
    kind = next((name for head, name in _IMAGE_FORMATS.items() if data.startswith(head)), None)
    if kind is None:
        raise FieldErrors({field: _("is not a PDF document, a JPEG or a PNG image")})
    with bounded_image(
        data,
        pillow_format=kind,
        field=field,
        too_many_pixels=_("is too large an image: send a smaller one"),
        too_large_to_read=_("is too large an image to read: send it smaller"),
    ) as image:
        upright = ImageOps.exif_transpose(image).convert("RGB")
        upright.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
        out = io.BytesIO()
        # A fresh JPEG without `exif=`: nothing of the original's metadata is kept.
        upright.save(out, "JPEG", quality=85, optimize=True)
        return out.getvalue()


def consultation_file_add(
    *, actor: User, consultation_id: int, file: Any, field: str = "file"
) -> ConsultationFile:
    """A document of the draft plan, PDF only (checked by its content, not its name), or an image
    (re-encoded as a JPEG, so no EXIF or GPS position is kept)."""
    consultation = Consultation.objects.select_related("organiser").filter(pk=consultation_id).first()
    if consultation is None:
        raise NotFound()
    require_staff(actor, consultation.organiser)
    size = getattr(file, "size", None)
    if not isinstance(size, int) or size == 0:
        raise FieldErrors({field: _("is empty")})
    if size > FILE_MAX_BYTES:
        raise FieldErrors({field: _("is larger than %(mb)d MB") % {"mb": FILE_MAX_BYTES // (1024 * 1024)}})
    data = file.read(FILE_MAX_BYTES + 1)
    name = text_field(str(getattr(file, "name", "") or "file")[-120:], field=field, limit=120) or "file"
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-1024:]:
            raise FieldErrors({field: _("is not a complete PDF document")})
        kind, content = ConsultationFile.Kind.PDF, data
    else:
        kind, content = ConsultationFile.Kind.IMAGE, _image(data, field)
        name = name.rsplit(".", 1)[0] + ".jpg"
    now = timezone.now()
    with transaction.atomic():
        stored = ConsultationFile.objects.create(
            consultation=consultation, kind=kind, name=name, data=content, size=len(content), created_at=now
        )
        event_record(
            actor=actor,
            subject=consultation,
            event_type=EventType.CONSULTATION_FILE_ADDED,
            at=now,
            extra={"file": stored.pk, "kind": kind, "size": len(content)},
        )
    return stored


def consultation_is_open(consultation: Consultation, now: datetime) -> bool:
    return (
        consultation.status == Consultation.Status.OPEN
        and consultation.opens_at <= now < consultation.closes_at
    )


def comment_add(*, actor: User, consultation_id: int, stance: Any, text: Any) -> Comment:
    if not actor.is_authenticated:
        raise NotFound()
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        raise NotFound()
    now = timezone.now()
    if not consultation_is_open(consultation, now):
        raise Conflict(_("This consultation is not open for opinions."))
    errors: dict[str, str] = {}
    if stance not in Comment.Stance.values:
        errors["stance"] = _("say whether you agree or disagree")
    clean = ""
    try:
        clean = text_field(text, field="text", limit=2000, required=True, multiline=True)
    except FieldErrors as problem:
        errors |= problem.errors
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        comment = Comment.objects.create(
            consultation=consultation, author=actor, stance=stance, text=clean, created_at=now
        )
        event_record(
            actor=actor,
            subject=consultation,
            event_type=EventType.CONSULTATION_COMMENTED,
            at=now,
            extra={"comment": comment.pk, "stance": stance},
        )
    return comment


def comment_reply(*, actor: User, comment_id: int, reply: Any) -> Comment:
    comment = Comment.objects.select_related("consultation__organiser").filter(pk=comment_id).first()
    if comment is None:
        raise NotFound()
    require_staff(actor, comment.consultation.organiser)
    clean = text_field(reply, field="reply", limit=2000, required=True, multiline=True)
    now = timezone.now()
    with transaction.atomic():
        comment.reply, comment.replied_by, comment.replied_at = clean, actor, now
        comment.save(update_fields=["reply", "replied_by", "replied_at"])
        event_record(
            actor=actor,
            subject=comment.consultation,
            event_type=EventType.CONSULTATION_REPLIED,
            at=now,
            extra={"comment": comment.pk},
        )
    return comment


def consultation_finalise(
    *, actor: User, consultation_id: int, final_plan: Any, changes: Any
) -> Consultation:
    """Publish the final plan and what the opinions changed in it; the consultation takes no more."""
    consultation = Consultation.objects.select_related("organiser").filter(pk=consultation_id).first()
    if consultation is None:
        raise NotFound()
    require_staff(actor, consultation.organiser)
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for field, value in (("final_plan", final_plan), ("changes", changes)):
        try:
            values[field] = text_field(value, field=field, limit=20000, required=True, multiline=True)
        except FieldErrors as problem:
            errors |= problem.errors
    if errors:
        raise FieldErrors(errors)
    now = timezone.now()
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        old = locked.status
        check_move(Consultation, old, Consultation.Status.FINALISED)
        locked.status = Consultation.Status.FINALISED
        locked.final_plan, locked.changes, locked.finalised_at = values["final_plan"], values["changes"], now
        locked.save(update_fields=["status", "final_plan", "changes", "finalised_at"])
        event_record(
            actor=actor,
            subject=locked,
            event_type=EventType.CONSULTATION_FINALISED,
            old_state=old,
            new_state=locked.status,
            at=now,
        )
    return locked


# --- on-site office sessions --------------------------------------------------------------------


def session_record(
    *,
    actor: User,
    title: Any,
    place: Any,
    held_at: datetime,
    organiser: Agency | None,
    units: list[Agency],
    area: Area | None = None,
    project: Project | None = None,
) -> OnSiteSession:
    require_staff(actor, organiser)
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for field, value in (("title", title), ("place", place)):
        try:
            values[field] = text_field(value, field=field, limit=200, required=True)
        except FieldErrors as problem:
            errors |= problem.errors
    if errors:
        raise FieldErrors(errors)
    now = timezone.now()
    with transaction.atomic():
        session = OnSiteSession.objects.create(
            title=values["title"],
            place=values["place"],
            held_at=held_at,
            organiser=organiser,
            area=area,
            project=project,
            created_at=now,
        )
        session.units.set(units)
        event_record(
            actor=actor,
            subject=session,
            event_type=EventType.SESSION_RECORDED,
            at=now,
            extra={"units": sorted(unit.code for unit in units)},
        )
    return session


def session_problem_record(*, actor: User, session_id: int, problem: Any, answer: Any) -> SessionProblem:
    session = OnSiteSession.objects.select_related("organiser").filter(pk=session_id).first()
    if session is None:
        raise NotFound()
    require_staff(actor, session.organiser)
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for field, value, required in (("problem", problem, True), ("answer", answer, False)):
        try:
            values[field] = text_field(value, field=field, limit=2000, required=required, multiline=True)
        except FieldErrors as refused:
            errors |= refused.errors
    if errors:
        raise FieldErrors(errors)
    now = timezone.now()
    with transaction.atomic():
        raised = SessionProblem.objects.create(
            session=session, problem=values["problem"], answer=values["answer"], created_at=now
        )
        event_record(
            actor=actor,
            subject=session,
            event_type=EventType.SESSION_PROBLEM_RECORDED,
            at=now,
            extra={"problem": raised.pk},
        )
    return raised


def session_problem_file(*, actor: User, problem_id: int, category: Any) -> SessionProblem:
    """File a problem raised on site as a residents' problem report (the problems app routes it as any
    web report, by its category and district), filed by the staff member who recorded it. Filing twice
    is refused."""
    raised = (
        SessionProblem.objects.select_related("session__organiser", "session__area")
        .filter(pk=problem_id)
        .first()
    )
    if raised is None:
        raise NotFound()
    session = raised.session
    require_staff(actor, session.organiser)
    district = session.area
    while district is not None and district.kind not in ("district", "county"):
        district = district.parent
    with transaction.atomic():
        locked = SessionProblem.objects.select_for_update().get(pk=raised.pk)
        if locked.report_number:
            raise Conflict(
                _("This problem has already been filed as report %(number)s.")
                % {"number": locked.report_number}
            )
        report = report_file(
            actor=actor,
            channel="web",
            category=category,
            description=_("Raised at the on-site office session “%(title)s” (%(place)s): %(problem)s")
            % {"title": session.title, "place": session.place, "problem": locked.problem},
            district=district.code if district is not None else None,
            address=session.place,
        )
        locked.report_number = report.number
        locked.save(update_fields=["report_number"])
        event_record(
            actor=actor,
            subject=session,
            event_type=EventType.SESSION_PROBLEM_FILED,
            at=timezone.now(),
            extra={"problem": locked.pk, "report": report.number},
        )
    return locked


__all__ = [
    "comment_add",
    "comment_reply",
    "consultation_file_add",
    "consultation_finalise",
    "consultation_is_open",
    "consultation_open",
    "session_problem_file",
    "session_problem_record",
    "session_record",
]
