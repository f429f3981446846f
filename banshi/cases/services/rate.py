"""The applicant's rating of a finished application (好差评), and a supervisor's follow-up of a poor one."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.accounts.models import User
from banshi.audit.services import event_build
from banshi.cases.events import EventType
from banshi.cases.models import Application, Rating
from banshi.cases.services.flow import write_events
from banshi.directory.selectors import is_supervisor
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.lib.text import text_field

FINISHED = (Application.Status.COMPLETE, Application.Status.CLOSED)
COMMENT_MAX = Rating._meta.get_field("comment").max_length or 1000
NOTE_MAX = 2000


def clean_level(level: Any) -> int:
    """A 好差评 level, 1 to 5, as a number or its digits; the calls' ratings use it too."""
    if isinstance(level, str) and level.strip().isdigit():
        level = int(level)
    if isinstance(level, bool) or not isinstance(level, int) or level not in Rating.Level.values:
        raise FieldErrors({"level": _("must be a whole number from 1 to 5")})
    return level


def clean_comment(value: Any, *, limit: int = COMMENT_MAX) -> str:
    """The optional comment of a rating, stripped, at most `limit` characters."""
    return text_field(value, field="comment", limit=limit, multiline=True)


def application_rate(*, actor: User, application_id: int, level: Any, comment: Any = "") -> Rating:
    """Rate a complete or closed application on the five-level scale, once. Only the applicant may."""
    level = clean_level(level)
    comment = clean_comment(comment)
    try:
        with transaction.atomic():
            now = timezone.now()
            application = (
                Application.objects.select_for_update()
                .filter(pk=application_id, applicant_id=getattr(actor, "pk", None))
                .first()
            )
            if application is None:
                raise NotFound()
            if application.status not in FINISHED:
                raise Conflict(_("an application can be rated once it is finished"))
            if Rating.objects.filter(application=application).exists():
                raise Conflict(_("this application has already been rated"))
            rating = Rating.objects.create(
                application=application, level=level, comment=comment, created_at=now
            )
            # The comment is the resident's free text and may hold personal data: it stays out of the log.
            write_events(
                [
                    event_build(
                        actor=actor,
                        subject=rating,
                        event_type=EventType.RATING_CREATED,
                        new_state=str(level),
                        at=now,
                        extra={"application": application.number, "poor": level in Rating.POOR},
                    )
                ]
            )
    except IntegrityError:  # a concurrent rating of the same application won the one-to-one row
        raise Conflict(_("this application has already been rated")) from None
    return rating


def rating_follow_up(*, actor: User, rating_id: int, note: Any, outcome: Any = None) -> Rating:
    """A supervisor records how a poor rating was followed up (a call back, a fix) and the outcome of
    the call, once. The outcome has no default: it is chosen."""
    if not is_supervisor(user=actor):
        raise NotFound()
    errors: dict[str, str] = {}
    if outcome not in Rating.Outcome.values:
        errors["outcome"] = _("choose the outcome of the call")
    try:
        note = text_field(note, field="note", limit=NOTE_MAX, required=True, multiline=True)
    except FieldErrors as exc:
        errors |= exc.errors
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        now = timezone.now()
        rating = Rating.objects.select_for_update().filter(pk=rating_id).first()
        if rating is None:
            raise NotFound()
        if rating.level not in Rating.POOR:
            raise Conflict(_("only a poor rating is followed up"))
        if rating.followed_up_at is not None:
            raise Conflict(_("this rating has already been followed up"))
        rating.followed_up_at, rating.followed_up_by, rating.follow_up_note = now, actor, note
        rating.follow_up_outcome = outcome
        rating.save(update_fields=["followed_up_at", "followed_up_by", "follow_up_note", "follow_up_outcome"])
        # The note may name the resident: it stays on the rating, out of the audit log.
        write_events(
            [
                event_build(
                    actor=actor,
                    subject=rating,
                    event_type=EventType.RATING_FOLLOWED_UP,
                    old_state="open",
                    new_state="followed_up",
                    at=now,
                    extra={"level": rating.level, "outcome": outcome},
                )
            ]
        )
    return rating
