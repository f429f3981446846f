from django.core.validators import slug_re
from django.db.models import QuerySet

from banshi.catalog.models import Bundle


def bundles_open() -> QuerySet[Bundle]:
    return (
        Bundle.objects.filter(active=True, current__isnull=False).select_related("current").order_by("code")
    )


def bundle_open(*, code: str) -> Bundle | None:
    # A code is a slug: anything else (a NUL, which PostgreSQL refuses even in a query) names no bundle.
    if not isinstance(code, str) or not slug_re.match(code):
        return None
    return bundles_open().filter(code=code).first()
