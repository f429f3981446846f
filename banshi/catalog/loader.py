"""Reading bundle files from `catalog/bundles/` and putting them into the database."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml
from django.db import transaction

from banshi.catalog.definition import BundleDef, BundleError, parse_bundle

BUNDLES_DIR = Path(__file__).resolve().parent / "bundles"


def read_bundle_file(path: Path) -> BundleDef:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BundleError(path.name, [f"not valid YAML: {exc}"]) from None
    bundle = parse_bundle(data, source=path.name)
    if bundle.code != path.stem:
        raise BundleError(path.name, [f"code: {bundle.code!r} must match the file name {path.stem!r}"])
    return bundle


def read_catalog(directory: Path = BUNDLES_DIR) -> tuple[list[BundleDef], list[BundleError]]:
    bundles, errors = [], []
    for path in sorted(directory.glob("*.yaml")):
        try:
            bundles.append(read_bundle_file(path))
        except BundleError as exc:
            errors.append(exc)
    return bundles, errors


def agency_problems(bundle: BundleDef, known_agencies: set[str]) -> list[str]:
    return [
        f"services.{code}.agency: unknown agency {service.agency!r}"
        for code, service in bundle.services.items()
        if service.agency not in known_agencies
    ]


def _canonical(bundle: BundleDef) -> dict:
    return bundle.model_dump(mode="json", by_alias=True)


def digest_of(definition: dict) -> str:
    return hashlib.sha256(json.dumps(definition, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def catalog_load(*, directory: Path = BUNDLES_DIR) -> list[str]:
    """Load every bundle file; a new version is stored only when the definition changed. Raises
    BundleError for the first unusable file and loads nothing in that case."""
    from banshi.catalog.models import Bundle, BundleVersion
    from banshi.directory.models import Agency

    bundles, errors = read_catalog(directory)
    if errors:
        raise errors[0]
    known = set(Agency.objects.values_list("code", flat=True))
    for bundle in bundles:
        if problems := agency_problems(bundle, known):
            raise BundleError(f"{bundle.code}.yaml", problems)
    changed = []
    with transaction.atomic():
        for bundle in bundles:
            definition = _canonical(bundle)
            digest = digest_of(definition)
            row, _ = Bundle.objects.get_or_create(code=bundle.code)
            version, _ = BundleVersion.objects.get_or_create(
                digest=digest,
                defaults={"bundle": row, "definition": json.dumps(definition, ensure_ascii=False)},
            )
            if row.current_id != version.id:
                row.current = version
                row.save(update_fields=["current"])
                changed.append(bundle.code)
    return changed


def definition_from_version(version) -> BundleDef:
    # Versions are immutable, so the parsed definition can be shared by every request in the process.
    cached = _cache.get(version.digest)
    if cached is None:
        cached = BundleDef.model_validate_json(version.definition)
        _cache[version.digest] = cached
    return cached


_cache: dict[str, BundleDef] = {}
