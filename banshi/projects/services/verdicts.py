"""The year-end verdict (人大验单): residents and deputies rate a completed project, once each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.audit.services import event_record
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.projects.models import Project, Verdict
from banshi.projects.participation_access import is_deputy
from banshi.projects.participation_events import EventType

if TYPE_CHECKING:
    from banshi.accounts.models import User

RATED_STATUSES = (Project.Status.COMPLETED, Project.Status.VERIFIED)


def verdict_give(*, actor: User, project_id: int, rating: Any) -> Verdict:
    """Rate a completed project; a second rating by the same person is refused (also two at once)."""
    if not actor.is_authenticated:
        raise NotFound()
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        raise NotFound()
    if project.status not in RATED_STATUSES:
        raise Conflict(_("Only a completed project can be rated."))
    if rating not in Verdict.Rating.values:
        raise FieldErrors({"rating": _("choose one of the ratings")})
    now = timezone.now()
    rated_as = Verdict.As.DEPUTY if is_deputy(actor) else Verdict.As.RESIDENT
    try:
        with transaction.atomic():
            verdict = Verdict.objects.create(
                project=project, rater=actor, rated_as=rated_as, rating=rating, created_at=now
            )
            event_record(
                actor=actor,
                subject=project,
                event_type=EventType.VERDICT_GIVEN,
                at=now,
                extra={"rating": rating, "as": rated_as},
            )
    except IntegrityError:
        raise Conflict(_("You have already rated this project.")) from None
    return verdict
