from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Count, Max, Q

from banshi.audit.models import Access, Event


def events_for(*, subjects: Iterable[models.Model]) -> models.QuerySet[Event]:
    """Events of several subjects in one query, oldest first."""
    condition = Q(pk__in=[])
    by_type: dict[str, list[str]] = {}
    for subject in subjects:
        by_type.setdefault(subject._meta.label_lower, []).append(str(subject.pk))
    for subject_type, ids in by_type.items():
        condition |= Q(subject_type=subject_type, subject_id__in=ids)
    return Event.objects.filter(condition).select_related("actor").order_by("created_at", "id")


def accesses(
    *,
    resident_id: int | None = None,
    actor_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> models.QuerySet[Access]:
    """Access records, newest first: of one resident, by one viewer, from `since` to before `until`."""
    records = Access.objects.all()
    if resident_id is not None:
        records = records.filter(resident_id=resident_id)
    if actor_id is not None:
        records = records.filter(actor_id=actor_id)
    if since is not None:
        records = records.filter(created_at__gte=since)
    if until is not None:
        records = records.filter(created_at__lt=until)
    return records.select_related("actor", "resident").order_by("-created_at", "-id")


def viewers_of_application(*, application_id: int) -> list[dict[str, Any]]:
    """Who looked at an application's personal data, once per viewer and place (agency or window):
    `actor_id`, `agency_id`, `window_id`, the `last` time and how many `times`, the latest first."""
    rows = (
        Access.objects.filter(application_id=application_id)
        .values("actor_id", "agency_id", "window_id")
        .annotate(last=Max("created_at"), times=Count("id"))
        .order_by("-last", "actor_id")
    )
    return [dict(row) for row in rows]
