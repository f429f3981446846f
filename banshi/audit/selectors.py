from collections.abc import Iterable

from django.db import models
from django.db.models import Q

from banshi.audit.models import Event


def events_for(*, subjects: Iterable[models.Model]) -> models.QuerySet[Event]:
    """Events of several subjects in one query, oldest first."""
    condition = Q(pk__in=[])
    by_type: dict[str, list[str]] = {}
    for subject in subjects:
        by_type.setdefault(subject._meta.label_lower, []).append(str(subject.pk))
    for subject_type, ids in by_type.items():
        condition |= Q(subject_type=subject_type, subject_id__in=ids)
    return Event.objects.filter(condition).select_related("actor").order_by("created_at", "id")
