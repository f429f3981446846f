"""Reading and checking the bundle files in `catalog/bundles/`. No database here: storing them is
`banshi.catalog.services.catalog_load`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml

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


def canonical_definition(bundle: BundleDef) -> dict:
    """The definition as stored: the same for two files that say the same thing."""
    return bundle.model_dump(mode="json", by_alias=True)


def digest_of(definition: dict) -> str:
    return hashlib.sha256(json.dumps(definition, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
