"""The resident's unfinished application: a `Draft` row on the server, never in the cookie, until it is
submitted. A window clerk filling it in for a resident keeps it as their own row for that resident, so
that two residents' drafts never mix. The pages read and write it as a dict of `token`, `answers`,
`values` and `materials`.

Drafts are the resident's own unfinished input, as a paper form on their table: writing one is not
audited (the submission is); deleting the old ones is (`drafts_purge`)."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from banshi.accounts.models import User
from banshi.audit.models import Event
from banshi.audit.services import event_build
from banshi.cases.events import EventType
from banshi.cases.models import Draft

# A draft, sent or not, is deleted this long after its last change.
DRAFT_KEPT_FOR = timedelta(days=30)


@dataclass(frozen=True)
class DraftKey:
    """Which draft: the bundle's, for the user themselves or (a window clerk) for a resident."""

    code: str
    applicant_id: int | None = None


def draft_key(code: str, applicant_id: int | None = None) -> DraftKey:
    return DraftKey(code=code, applicant_id=applicant_id)


def _rows(user: User, key: DraftKey) -> QuerySet[Draft]:
    applicant_id = user.pk if key.applicant_id is None else key.applicant_id
    return Draft.objects.filter(owner=user, applicant_id=applicant_id, bundle_code=key.code)


def _as_dict(draft: Draft) -> dict[str, Any]:
    return {
        "token": draft.token,
        "answers": dict(draft.answers),
        "values": dict(draft.values),
        "materials": dict(draft.materials),
    }


def drafts_of_others_forget(user: User, applicant_id: int) -> None:
    """A clerk starts serving a resident: forget what they kept for other residents, who have left the
    window (their own drafts, as a resident, stay)."""
    Draft.objects.filter(owner=user).exclude(applicant_id__in=[user.pk, applicant_id]).delete()


def draft_get(user: User, key: DraftKey) -> dict[str, Any] | None:
    """The unfinished draft, or None (none started, or sent)."""
    draft = _rows(user, key).filter(submitted_number="").first()
    return None if draft is None else _as_dict(draft)


def draft_start(user: User, key: DraftKey) -> dict[str, Any]:
    """The draft of `key`, started now if there is none (or the last one was sent). Its token is the
    idempotency key of the submission, so a double click or a resent POST gives the same application."""
    now = timezone.now()
    applicant_id = user.pk if key.applicant_id is None else key.applicant_id
    draft, created = Draft.objects.get_or_create(
        owner=user,
        applicant_id=applicant_id,
        bundle_code=key.code,
        defaults={"token": secrets.token_urlsafe(18), "updated_at": now},
    )
    if not created and draft.submitted_number:
        fresh = {"token": secrets.token_urlsafe(18), "answers": {}, "values": {}, "materials": {}}
        # Only if it is still the sent one: of two pages starting over at once, one token wins.
        _rows(user, key).filter(submitted_number=draft.submitted_number).update(
            **fresh, submitted_number="", updated_at=now
        )
        draft.refresh_from_db()
    return _as_dict(draft)


def _storable(typed: dict[str, Any]) -> dict[str, Any]:
    """What a draft can keep of what was typed: a value holding a character that no database column can
    store (NUL, a lone surrogate; PostgreSQL refuses both) is left out. The page that got it says why,
    from what was posted, and asks for it again."""
    return {
        key: value
        for key, value in typed.items()
        if not (isinstance(value, str) and any(c == "\x00" or "\ud800" <= c <= "\udfff" for c in value))
    }


def draft_save(user: User, key: DraftKey, draft: dict[str, Any]) -> None:
    """Keep what the pages changed. A draft sent meanwhile (another tab) stays sent."""
    _rows(user, key).filter(submitted_number="").update(
        answers=_storable(draft["answers"]),
        values=_storable(draft["values"]),
        materials=draft["materials"],
        updated_at=timezone.now(),
    )


def draft_finish(user: User, key: DraftKey, number: str) -> None:
    """Forget the draft, remembering only which application it became (for a resent submit)."""
    _rows(user, key).update(
        answers={}, values={}, materials={}, submitted_number=number, updated_at=timezone.now()
    )


def draft_submitted(user: User, key: DraftKey) -> str | None:
    """The number of the application the last draft of `key` became, if it was sent."""
    number = _rows(user, key).exclude(submitted_number="").values_list("submitted_number", flat=True).first()
    return number or None


def drafts_purge(*, now: datetime) -> int:
    """Delete every draft, sent or not, unchanged for `DRAFT_KEPT_FOR`; audited, one event each. How
    many were deleted."""
    with transaction.atomic():
        old = list(
            Draft.objects.select_for_update().filter(updated_at__lt=now - DRAFT_KEPT_FOR).order_by("pk")
        )
        if not old:
            return 0
        Event.objects.bulk_create(
            event_build(
                actor=None,
                subject=draft,
                event_type=EventType.DRAFT_PURGED,
                extra={"bundle": draft.bundle_code, "sent": bool(draft.submitted_number)},
                at=now,
            )
            for draft in old
        )
        Draft.objects.filter(pk__in=[draft.pk for draft in old]).delete()
    return len(old)
