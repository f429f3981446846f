from django.db.models import QuerySet

from banshi.catalog.models import Bundle


def bundles_open() -> QuerySet[Bundle]:
    return (
        Bundle.objects.filter(active=True, current__isnull=False).select_related("current").order_by("code")
    )


def bundle_open(*, code: str) -> Bundle | None:
    return bundles_open().filter(code=code).first()
