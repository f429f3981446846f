"""Writes of lecture programmes: programmes, speakers, quotas, lectures and their moves, registrations,
check-ins and ratings. Each service checks its input (FieldErrors naming the field, nothing written),
owns its transaction and writes its audit event in it.

Check-in is open from `CHECKIN_OPENS_BEFORE` before a lecture starts until it ends, while it is not
closed or cancelled; each person checks in once (by account, or by mobile number)."""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.audit.services import event_record
from banshi.directory.models import Area
from banshi.lib import codes
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.lib.personal import normalise_phone, phone_problem
from banshi.lib.states import check_move
from banshi.lib.text import ascii_digits, text_field
from banshi.notify.services import sms_send
from banshi.outreach.events_lectures import MOVED_TO, EventType
from banshi.outreach.models import (
    CheckIn,
    CheckInCode,
    Lecture,
    LecturePhoto,
    Organiser,
    OrganiserUnit,
    Programme,
    Quota,
    Rating,
    Registration,
    Speaker,
    VenueKind,
)
from banshi.outreach.photos_lectures import MAX_PHOTOS, photo_prepare, photo_store

if TYPE_CHECKING:
    from banshi.accounts.models import User

CHECKIN_OPENS_BEFORE = timedelta(minutes=30)
LONGEST_LECTURE = timedelta(hours=8)
MAX_CAPACITY = 100_000
MAX_WALK_INS = 100_000


def _require_organiser(actor: User, unit_id: int) -> None:
    """Someone who is not an organiser of the unit learns nothing of it: NotFound."""
    if not Organiser.objects.filter(user_id=actor.pk, unit_id=unit_id).exists():
        raise NotFound


def _positive_int(value: Any, *, field: str, limit: int, allow_zero: bool = False) -> int:
    try:
        number = int(str(value).strip()) if value is not None and str(value).strip() != "" else None
    except ValueError:
        number = None
    if number is None:
        raise FieldErrors({field: _("must be a whole number")})
    if number < (0 if allow_zero else 1):
        raise FieldErrors({field: _("must be zero or more") if allow_zero else _("must be at least 1")})
    if number > limit:
        raise FieldErrors({field: _("must be at most %(limit)d") % {"limit": limit}})
    return number


# --- programmes, speakers, quotas -------------------------------------------------------------------


def programme_create(
    *,
    actor: User,
    unit: OrganiserUnit,
    name: str,
    description: str = "",
    venue_kinds: Iterable[str],
    starts_on: date | None,
    now: datetime | None = None,
) -> Programme:
    _require_organiser(actor, unit.pk)
    errors: dict[str, str] = {}
    try:
        name = text_field(name, field="name", limit=100, required=True)
    except FieldErrors as refused:
        errors |= refused.errors
    try:
        description = text_field(description, field="description", limit=2000, multiline=True)
    except FieldErrors as refused:
        errors |= refused.errors
    kinds = list(dict.fromkeys(venue_kinds or []))
    if not kinds:
        errors["venue_kinds"] = _("choose at least one kind of venue")
    elif any(kind not in VenueKind.values for kind in kinds):
        errors["venue_kinds"] = _("is not one of the choices")
    if starts_on is None:
        errors["starts_on"] = _("is required")
    if not errors and Programme.objects.filter(unit=unit, name=name).exists():
        errors["name"] = _("is already the name of a programme of the unit")
    if errors or starts_on is None:
        raise FieldErrors(errors)
    now = now or timezone.now()
    order = {kind: position for position, kind in enumerate(VenueKind.values)}
    with transaction.atomic():
        programme = Programme.objects.create(
            unit=unit,
            name=name,
            description=description,
            venue_kinds=sorted(kinds, key=order.__getitem__),
            starts_on=starts_on,
            created_at=now,
        )
        event_record(actor=actor, subject=programme, event_type=EventType.PROGRAMME_CREATED, at=now)
    return programme


def speaker_add(
    *,
    actor: User,
    programme: Programme,
    name: str,
    kind: str,
    home_unit: str,
    topics: str = "",
    user: User | None = None,
) -> Speaker:
    _require_organiser(actor, programme.unit_id)
    errors: dict[str, str] = {}
    values = {}
    for field, value, limit, required in (
        ("name", name, 40, True),
        ("home_unit", home_unit, 100, True),
        ("topics", topics, 200, False),
    ):
        try:
            values[field] = text_field(value, field=field, limit=limit, required=required)
        except FieldErrors as refused:
            errors |= refused.errors
    if kind not in Speaker.Kind.values:
        errors["kind"] = _("is not one of the choices") if kind else _("is required")
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        speaker = Speaker.objects.create(programme=programme, kind=kind, user=user, **values)
        event_record(
            actor=actor,
            subject=speaker,
            event_type=EventType.SPEAKER_ADDED,
            extra={"programme": programme.pk},
        )
    return speaker


def quota_set(*, actor: User, programme: Programme, kind: str, minimum: Any) -> Quota:
    """Set (or change) one of the programme's quotas. A quota of zero or less is refused: it would be
    met by doing nothing."""
    _require_organiser(actor, programme.unit_id)
    errors: dict[str, str] = {}
    if kind not in Quota.Kind.values:
        errors["kind"] = _("is not one of the choices") if kind else _("is required")
    try:
        minimum = _positive_int(minimum, field="minimum", limit=1000)
    except FieldErrors as refused:
        errors |= refused.errors
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        quota = Quota.objects.select_for_update().filter(programme=programme, kind=kind).first()
        old = str(quota.minimum) if quota else ""
        if quota is None:
            quota = Quota.objects.create(programme=programme, kind=kind, minimum=minimum)
        else:
            quota.minimum = minimum
            quota.save(update_fields=["minimum"])
        event_record(
            actor=actor,
            subject=quota,
            event_type=EventType.QUOTA_SET,
            old_state=old,
            new_state=str(minimum),
            extra={"programme": programme.pk, "kind": kind},
        )
    return quota


# --- lectures ---------------------------------------------------------------------------------------


def _coordinate(value: Any, *, field: str, low: int, high: int) -> decimal.Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = decimal.Decimal(str(value).strip())
    except decimal.InvalidOperation:
        raise FieldErrors({field: _("must be a number")}) from None
    if not number.is_finite() or not low <= number <= high:
        raise FieldErrors({field: _("must be between %(low)d and %(high)d") % {"low": low, "high": high}})
    return number.quantize(decimal.Decimal("0.000001"))


def lecture_schedule(
    *,
    actor: User,
    programme: Programme,
    speaker_id: Any,
    topic: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    venue_kind: str,
    venue_name: str,
    area_code: str,
    address: str,
    capacity: Any,
    latitude: Any = None,
    longitude: Any = None,
    now: datetime | None = None,
) -> Lecture:
    """Schedule a lecture. Refused when its speaker has another lecture (not cancelled) whose time
    overlaps: the speaker's row is locked first, so that two organisers booking them at once are taken
    one after the other and the second sees the first's lecture."""
    _require_organiser(actor, programme.unit_id)
    now = now or timezone.now()
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for field, value, limit in (
        ("topic", topic, 120),
        ("venue_name", venue_name, 100),
        ("address", address, 200),
    ):
        try:
            values[field] = text_field(value, field=field, limit=limit, required=True)
        except FieldErrors as refused:
            errors |= refused.errors
    speaker = (
        Speaker.objects.filter(pk=speaker_id, programme=programme).first()
        if str(speaker_id or "").isdigit()
        else None
    )
    if speaker is None:
        errors["speaker"] = _("is not one of the programme's speakers") if speaker_id else _("is required")
    if venue_kind not in programme.venue_kinds:
        errors["venue_kind"] = (
            _("is not one of the kinds of venue of the programme") if venue_kind else _("is required")
        )
    area = Area.objects.filter(code=area_code).first() if area_code else None
    if area is None:
        errors["area"] = _("is not a known area") if area_code else _("is required")
    if starts_at is None:
        errors["starts_at"] = _("is required")
    elif starts_at <= now:
        errors["starts_at"] = _("must be in the future")
    if ends_at is None:
        errors["ends_at"] = _("is required")
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("must be after the start")
    elif starts_at is not None and ends_at - starts_at > LONGEST_LECTURE:
        errors["ends_at"] = _("must be at most 8 hours after the start")
    try:
        values["capacity"] = _positive_int(capacity, field="capacity", limit=MAX_CAPACITY)
    except FieldErrors as refused:
        errors |= refused.errors
    for field, value, low, high in (("latitude", latitude, -90, 90), ("longitude", longitude, -180, 180)):
        try:
            values[field] = _coordinate(value, field=field, low=low, high=high)
        except FieldErrors as refused:
            errors |= refused.errors
    if (values.get("latitude") is None) != (values.get("longitude") is None) and "latitude" not in errors:
        errors["latitude"] = _("needs the longitude too: place the pin on the map")
    if errors or speaker is None or area is None or starts_at is None or ends_at is None:
        raise FieldErrors(errors)
    with transaction.atomic():
        Speaker.objects.select_for_update().filter(pk=speaker.pk).first()
        clash = (
            Lecture.objects.filter(speaker=speaker, starts_at__lt=ends_at, ends_at__gt=starts_at)
            .exclude(status=Lecture.Status.CANCELLED)
            .first()
        )
        if clash is not None:
            when = timezone.localtime(clash.starts_at).strftime("%Y-%m-%d %H:%M")
            raise FieldErrors(
                {
                    "speaker": _("already gives the lecture “%(topic)s” at %(when)s: choose another time")
                    % {"topic": clash.topic, "when": when}
                }
            )
        lecture = Lecture.objects.create(
            programme=programme,
            speaker=speaker,
            starts_at=starts_at,
            ends_at=ends_at,
            venue_kind=venue_kind,
            area=area,
            created_at=now,
            **values,
        )
        event_record(
            actor=actor,
            subject=lecture,
            event_type=EventType.LECTURE_SCHEDULED,
            new_state=lecture.status,
            extra={"programme": programme.pk, "speaker": speaker.pk},
            at=now,
        )
    return lecture


def _locked(lecture: Lecture) -> Lecture:
    return Lecture.objects.select_for_update().get(pk=lecture.pk)


def _move(
    lecture: Lecture,
    new: Lecture.Status,
    *,
    actor: User | None,
    now: datetime,
    fields: Iterable[str] = (),
    reason: str = "",
    extra: dict[str, Any] | None = None,
) -> None:
    """Move a locked lecture along its transition table, saving `fields` with it, and audit it."""
    old = lecture.status
    check_move(Lecture, old, new)
    lecture.status = new
    lecture.save(update_fields=["status", *fields])
    event_record(
        actor=actor,
        subject=lecture,
        event_type=MOVED_TO[new],
        old_state=old,
        new_state=new,
        reason=reason,
        extra=extra,
        at=now,
    )


def lecture_cancel(*, actor: User, lecture: Lecture, reason: str, now: datetime | None = None) -> Lecture:
    _require_organiser(actor, lecture.programme.unit_id)
    reason = text_field(reason, field="reason", limit=300, required=True)
    now = now or timezone.now()
    with transaction.atomic():
        lecture = _locked(lecture)
        _move(lecture, Lecture.Status.CANCELLED, actor=actor, now=now, reason=reason)
    return lecture


def lecture_close(
    *,
    actor: User,
    lecture: Lecture,
    summary: str,
    walk_ins: Any,
    photos: Iterable[Any] = (),
    now: datetime | None = None,
) -> Lecture:
    """Record what the lecture was and how many came without checking in; attendance is final then."""
    _require_organiser(actor, lecture.programme.unit_id)
    now = now or timezone.now()
    errors: dict[str, str] = {}
    try:
        summary = text_field(summary, field="summary", limit=4000, required=True, multiline=True)
    except FieldErrors as refused:
        errors |= refused.errors
    try:
        walk_ins = _positive_int(walk_ins, field="walk_ins", limit=MAX_WALK_INS, allow_zero=True)
    except FieldErrors as refused:
        errors |= refused.errors
    files = list(photos)
    prepared = []
    if len(files) > MAX_PHOTOS:
        errors["photos"] = _("can be at most %(count)d photos") % {"count": MAX_PHOTOS}
    else:
        try:
            prepared = [photo_prepare(file) for file in files]
        except FieldErrors as refused:
            errors |= refused.errors
    if errors:
        raise FieldErrors(errors)
    if now < lecture.starts_at:
        raise Conflict(_("A lecture can be closed only once it has started."))
    with transaction.atomic():
        lecture = _locked(lecture)
        lecture.summary = summary
        lecture.walk_ins = walk_ins
        lecture.closed_at = now
        stored = []
        for data, width, height in prepared:
            stored.append(
                LecturePhoto(
                    lecture=lecture,
                    path=photo_store(data, lecture_id=lecture.pk),
                    size=len(data),
                    width=width,
                    height=height,
                    actor=actor,
                    created_at=now,
                )
            )
        _move(
            lecture,
            Lecture.Status.CLOSED,
            actor=actor,
            now=now,
            fields=["summary", "walk_ins", "closed_at"],
            extra={"walk_ins": walk_ins, "checked_in": lecture.checkins.count(), "photos": len(stored)},
        )
        if stored:
            LecturePhoto.objects.bulk_create(stored)
            event_record(
                actor=actor,
                subject=lecture,
                event_type=EventType.LECTURE_PHOTOS_ADDED,
                extra={"count": len(stored)},
                at=now,
            )
    return lecture


# --- registration and check-in ----------------------------------------------------------------------


def registration_create(*, user: User, lecture: Lecture, now: datetime | None = None) -> Registration:
    """Register a resident for a lecture that has not started; refused once its capacity is taken
    (the lecture's row is locked, so that two last seats are not given at once)."""
    now = now or timezone.now()
    with transaction.atomic():
        lecture = _locked(lecture)
        if lecture.status != Lecture.Status.SCHEDULED or now >= lecture.starts_at:
            raise Conflict(_("This lecture no longer takes registrations."))
        if Registration.objects.filter(lecture=lecture, user=user).exists():
            raise Conflict(_("You are already registered for this lecture."))
        if Registration.objects.filter(lecture=lecture).count() >= lecture.capacity:
            raise Conflict(_("This lecture is full: every seat is taken. You can still just come."))
        registration = Registration.objects.create(lecture=lecture, user=user, created_at=now)
        event_record(actor=user, subject=registration, event_type=EventType.REGISTERED, at=now)
    return registration


def checkin_window(lecture: Lecture) -> tuple[datetime, datetime]:
    return lecture.starts_at - CHECKIN_OPENS_BEFORE, lecture.ends_at


def checkin_refusal(lecture: Lecture, now: datetime) -> str | None:
    """Why nobody can check in to the lecture now, or None."""
    if lecture.status not in (Lecture.Status.SCHEDULED, Lecture.Status.HELD):
        return _("This lecture is closed: its attendance is final.")
    opens, closes = checkin_window(lecture)
    if now < opens:
        return _("Check-in opens at %(time)s, 30 minutes before the lecture starts.") % {
            "time": timezone.localtime(opens).strftime("%Y-%m-%d %H:%M")
        }
    if now > closes:
        return _("Check-in closed when the lecture ended.")
    return None


def _already_checked_in(lecture: Lecture, *, user_id: int | None, phone: str) -> bool:
    match = Q(pk__in=[])
    if user_id is not None:
        match |= Q(user_id=user_id)
    if phone:
        match |= Q(phone=phone)
    return CheckIn.objects.filter(match, lecture=lecture).exists()


def _check_in(
    lecture: Lecture, *, user: User | None, phone: str, method: str, actor: User | None, now: datetime
) -> CheckIn:
    """Inside the caller's transaction, with the lecture locked."""
    if refusal := checkin_refusal(lecture, now):
        raise Conflict(refusal)
    if _already_checked_in(lecture, user_id=user.pk if user else None, phone=phone):
        raise Conflict(_("Already checked in to this lecture."))
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                lecture=lecture, user=user, phone=phone, method=method, created_at=now
            )
    except IntegrityError:
        raise Conflict(_("Already checked in to this lecture.")) from None
    event_record(
        actor=actor, subject=checkin, event_type=EventType.CHECKED_IN, extra={"method": method}, at=now
    )
    if lecture.status == Lecture.Status.SCHEDULED:
        _move(lecture, Lecture.Status.HELD, actor=actor, now=now, extra={"first_checkin": checkin.pk})
    return checkin


def checkin_signed_in(*, user: User, token: str, now: datetime | None = None) -> CheckIn:
    """A signed-in resident checks in with one tap on the page the lecture's QR code opens."""
    now = now or timezone.now()
    with transaction.atomic():
        lecture = Lecture.objects.select_for_update().filter(checkin_token=token).first()
        if lecture is None:
            raise NotFound
        return _check_in(
            lecture, user=user, phone=user.phone or "", method=CheckIn.Method.SIGNED_IN, actor=user, now=now
        )


def checkin_by_organiser(
    *, actor: User, lecture: Lecture, registration_id: Any, now: datetime | None = None
) -> CheckIn:
    """The organiser checks a registered resident in from the list."""
    _require_organiser(actor, lecture.programme.unit_id)
    now = now or timezone.now()
    with transaction.atomic():
        lecture = _locked(lecture)
        registration = (
            Registration.objects.select_related("user").filter(pk=registration_id, lecture=lecture).first()
            if str(registration_id or "").isdigit()
            else None
        )
        if registration is None:
            raise NotFound
        user = registration.user
        return _check_in(
            lecture, user=user, phone=user.phone or "", method=CheckIn.Method.ORGANISER, actor=actor, now=now
        )


def _phone(value: str) -> str:
    phone = normalise_phone(value or "")
    if problem := phone_problem(phone):
        raise FieldErrors({"phone": _(problem)})
    return phone


def _latest_code(lecture: Lecture, phone: str) -> CheckInCode | None:
    return (
        CheckInCode.objects.select_for_update()
        .filter(lecture=lecture, phone=phone)
        .order_by("-created_at", "-id")
        .first()
    )


def checkin_code_send(*, token: str, phone: str, now: datetime | None = None) -> CheckInCode:
    """Text a code to check in without an account, while check-in is open and the number has not
    checked in; one text a minute and the day's cap of the number, as for every code."""
    phone = _phone(phone)
    now = now or timezone.now()
    with transaction.atomic():
        lecture = Lecture.objects.select_for_update().filter(checkin_token=token).first()
        if lecture is None:
            raise NotFound
        if refusal := checkin_refusal(lecture, now):
            raise Conflict(refusal)
        if _already_checked_in(lecture, user_id=None, phone=phone):
            raise Conflict(_("Already checked in to this lecture."))
        if codes.sent_too_recently(_latest_code(lecture, phone), now):
            raise FieldErrors(
                {"phone": _("was sent a code less than a minute ago: enter that code, or wait a minute")}
            )
        if refused := codes.send_refused(phone, now):
            raise FieldErrors({"phone": refused})
        code = codes.code_new()
        row = CheckInCode.objects.create(
            lecture=lecture,
            phone=phone,
            digest=CheckInCode.digest_of(lecture.pk, phone, code),
            created_at=now,
            expires_at=now + codes.LIFETIME,
        )
        event_record(actor=None, subject=row, event_type=EventType.CHECKIN_CODE_SENT, at=now)
        text = _(
            "Banshi: your code to check in to the lecture is %(code)s. It is valid for %(minutes)d minutes."
        ) % {"code": code, "minutes": codes.LIFETIME_MINUTES}
        sms_send(phone=phone, text=text, valid_until=row.expires_at)
    return row


def checkin_with_code(*, token: str, phone: str, code: str, now: datetime | None = None) -> CheckIn:
    """Check in by mobile number with the code texted to it. A wrong code is counted and checks nobody
    in; the account with that number, if any, is the one checked in."""
    from banshi.accounts.models import User

    phone = _phone(phone)
    code = ascii_digits((code or "").strip())
    if not code:
        raise FieldErrors({"code": _("is required")})
    if not codes.well_formed(code):
        raise FieldErrors({"code": str(codes.SHAPE_PROBLEM)})
    now = now or timezone.now()
    with transaction.atomic():
        lecture = Lecture.objects.select_for_update().filter(checkin_token=token).first()
        if lecture is None:
            raise NotFound
        row = _latest_code(lecture, phone)
        if row is None:
            problem: str | None = _("was not sent to this mobile number: send a code")
        elif row.used_at is not None:
            problem = _("has already been used: send a new code")
        else:
            verdict = codes.code_check(
                row,
                offered=CheckInCode.digest_of(lecture.pk, phone, code),
                kept=row.digest,
                phone=phone,
                now=now,
            )
            if verdict.locked:
                event_record(actor=None, subject=row, event_type=EventType.CHECKIN_CODE_LOCKED, at=now)
            problem = verdict.problem
        if row is not None and problem is None:
            row.used_at = now
            row.save(update_fields=["used_at"])
            user = User.objects.filter(phone=phone).first()
            return _check_in(lecture, user=user, phone=phone, method=CheckIn.Method.SMS, actor=user, now=now)
    # Raised after the block, so that the counted try is kept.
    raise FieldErrors({"code": problem or ""})


# --- ratings ----------------------------------------------------------------------------------------


def rating_role(*, user: User, lecture: Lecture) -> str | None:
    """Whether `user` may rate the lecture as its speaker or as someone of its audience (checked in)."""
    if not user.is_authenticated:
        return None
    if lecture.speaker.user_id == user.pk:
        return Rating.By.SPEAKER
    if _already_checked_in(lecture, user_id=user.pk, phone=user.phone or ""):
        return Rating.By.AUDIENCE
    return None


def lecture_rate(
    *, user: User, lecture: Lecture, stars: Any, comment: str = "", now: datetime | None = None
) -> Rating:
    """Rate a closed lecture from 1 to 5, once: its speaker, or someone who checked in to it."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    try:
        stars = _positive_int(stars, field="stars", limit=5)
    except FieldErrors as refused:
        errors |= refused.errors
    try:
        comment = text_field(comment, field="comment", limit=300)
    except FieldErrors as refused:
        errors |= refused.errors
    if errors:
        raise FieldErrors(errors)
    by = rating_role(user=user, lecture=lecture)
    if by is None:
        raise Conflict(_("Only the speaker and those who checked in can rate this lecture."))
    with transaction.atomic():
        lecture = _locked(lecture)
        if lecture.status != Lecture.Status.CLOSED:
            raise Conflict(_("A lecture can be rated once it is closed."))
        if Rating.objects.filter(lecture=lecture, user=user).exists():
            raise Conflict(_("You have already rated this lecture."))
        rating = Rating.objects.create(
            lecture=lecture, user=user, by=by, stars=stars, comment=comment, created_at=now
        )
        event_record(
            actor=user,
            subject=rating,
            event_type=EventType.RATED,
            new_state=str(stars),
            extra={"by": by},
            at=now,
        )
    return rating
