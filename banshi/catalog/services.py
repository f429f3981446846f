"""Writes to the catalogue: storing the bundle files as versions, and opening or closing a bundle for
applications. Each change of which definition new applications get, or of whether they can be made, is
audited."""

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from banshi.accounts.models import User
from banshi.audit.services import event_record
from banshi.catalog.definition import BundleError
from banshi.catalog.events import EventType
from banshi.catalog.loader import BUNDLES_DIR, agency_problems, canonical_definition, digest_of, read_catalog
from banshi.catalog.models import Bundle, BundleVersion
from banshi.directory.models import Agency
from banshi.lib.errors import NotFound


def catalog_load(*, actor: User | None = None, directory: Path = BUNDLES_DIR) -> list[str]:
    """Load every bundle file; a new version is stored only when the definition changed, and a bundle
    whose current version changes gets an audit event. Raises BundleError for the first unusable file
    and loads nothing in that case. Returns the codes of the bundles that changed."""
    bundles, errors = read_catalog(directory)
    if errors:
        raise errors[0]
    known = set(Agency.objects.values_list("code", flat=True))
    for bundle in bundles:
        if problems := agency_problems(bundle, known):
            raise BundleError(f"{bundle.code}.yaml", problems)
    changed = []
    with transaction.atomic():
        now = timezone.now()
        for bundle in bundles:
            definition = canonical_definition(bundle)
            digest = digest_of(definition)
            row, _ = Bundle.objects.select_related("current").get_or_create(code=bundle.code)
            version, created = BundleVersion.objects.get_or_create(
                digest=digest,
                defaults={"bundle": row, "definition": json.dumps(definition, ensure_ascii=False)},
            )
            if row.current_id != version.id:
                previous = row.current
                row.current = version
                row.save(update_fields=["current"])
                event_record(
                    actor=actor,
                    subject=row,
                    event_type=EventType.BUNDLE_VERSION_SET,
                    extra={
                        "version": version.pk,
                        "digest": digest,
                        "new_version": created,
                        "previous_version": previous.pk if previous else None,
                        "previous_digest": previous.digest if previous else None,
                    },
                    at=now,
                )
                changed.append(bundle.code)
    return changed


def bundle_open_for_applications(*, actor: User, bundle_id: int) -> Bundle:
    """Let residents apply for the bundle again."""
    return _bundle_active_set(actor=actor, bundle_id=bundle_id, active=True)


def bundle_close_for_applications(*, actor: User, bundle_id: int) -> Bundle:
    """Stop new applications for the bundle; applications already made go on."""
    return _bundle_active_set(actor=actor, bundle_id=bundle_id, active=False)


def _bundle_active_set(*, actor: User, bundle_id: int, active: bool) -> Bundle:
    with transaction.atomic():
        bundle = Bundle.objects.select_for_update().filter(pk=bundle_id).first()
        if bundle is None:
            raise NotFound()
        if bundle.active == active:
            return bundle
        bundle.active = active
        bundle.save(update_fields=["active"])
        event_record(
            actor=actor,
            subject=bundle,
            event_type=EventType.BUNDLE_OPENED if active else EventType.BUNDLE_CLOSED,
            old_state="closed" if active else "open",
            new_state="open" if active else "closed",
            extra={"code": bundle.code},
        )
    return bundle
