"""Reading and checking the bundle files in `catalog/bundles/`. No database here: storing them is
`banshi.catalog.services.catalog_load`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml

from banshi.catalog.definition import BundleDef, BundleError, parse_bundle

BUNDLES_DIR = Path(__file__).resolve().parent / "bundles"
# Traditional Chinese for the bundle files' texts, made from their zh-hans by `bin/hant` (`make messages`)
# and committed, so no converter is needed to run the site; a zh-hant written in a bundle file wins.
ZH_HANT_TABLE = "zh-hant.json"


def zh_hant_table(directory: Path) -> dict[str, str]:
    """The shipped table, with the one beside the files in `directory` (if any) over it."""
    table: dict[str, str] = {}
    for path in dict.fromkeys([BUNDLES_DIR / ZH_HANT_TABLE, directory / ZH_HANT_TABLE]):
        if path.exists():
            table.update(json.loads(path.read_text(encoding="utf-8")))
    return table


def with_zh_hant(node: object, table: dict[str, str]) -> object:
    """The bundle file's data with a zh-hant from the table beside every zh-hans text that has none."""
    if isinstance(node, dict):
        node = {key: with_zh_hant(value, table) for key, value in node.items()}
        hans = node.get("zh-hans")
        if isinstance(hans, str) and not node.get("zh-hant") and hans in table:
            node["zh-hant"] = table[hans]
        return node
    if isinstance(node, list):
        return [with_zh_hant(value, table) for value in node]
    return node


def read_bundle_file(path: Path, zh_hant: dict[str, str] | None = None) -> BundleDef:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BundleError(path.name, [f"not valid YAML: {exc}"]) from None
    data = with_zh_hant(data, zh_hant_table(path.parent) if zh_hant is None else zh_hant)
    bundle = parse_bundle(data, source=path.name)
    if bundle.code != path.stem:
        raise BundleError(path.name, [f"code: {bundle.code!r} must match the file name {path.stem!r}"])
    return bundle


def read_catalog(directory: Path = BUNDLES_DIR) -> tuple[list[BundleDef], list[BundleError]]:
    bundles, errors = [], []
    zh_hant = zh_hant_table(directory)
    for path in sorted(directory.glob("*.yaml")):
        try:
            bundles.append(read_bundle_file(path, zh_hant))
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
