"""Display names of the codes the roll-up keeps, read once per table."""

from __future__ import annotations

from banshi.catalog.models import Bundle
from banshi.directory.models import Agency
from banshi.directory.selectors import district_choices


def bundle_names() -> dict[str, str]:
    names = {}
    for bundle in Bundle.objects.filter(current__isnull=False).select_related("current"):
        names[bundle.code] = str(bundle.current_spec.name)
    return names


def agency_names() -> dict[str, tuple[str, int]]:
    return {agency.code: (agency.name, agency.pk) for agency in Agency.objects.all()}


def district_names() -> dict[str, str]:
    return dict(district_choices())
