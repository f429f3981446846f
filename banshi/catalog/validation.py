"""Checking a resident's answers, field values and materials against a bundle definition. Every
problem is collected under its key (`answers.x`, `fields.x.y`, `materials.x`) so that the page or the
API can show them all at once."""

from typing import Any

from django.utils.translation import gettext as _

from banshi.catalog.definition import BundleDef, Plan
from banshi.catalog.rules import formatted, rules_problems
from banshi.catalog.values import ValueProblem, clean_value
from banshi.directory.selectors import area_codes


def check_answers(spec: BundleDef, answers: Any) -> tuple[dict[str, str], dict[str, str]]:
    errors: dict[str, str] = {}
    if not isinstance(answers, dict):
        return {}, {"answers": _("must be an object of question: option")}
    clean: dict[str, str] = {}
    for key in answers:
        if key not in spec.questions:
            errors[f"answers.{key}"] = _("is not a question of this bundle")
    for key, question in spec.questions.items():
        value = answers.get(key)
        if value in (None, ""):
            errors[f"answers.{key}"] = _("is required")
        elif not isinstance(value, str) or value not in question.options:
            errors[f"answers.{key}"] = _("is not one of the options")
        else:
            clean[key] = value
    return clean, errors


def check_values(
    spec: BundleDef,
    plan: Plan,
    values: Any,
    *,
    only: list[str] | None = None,
    known: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Each field by its type and format, then the bundle's rules across fields; with `only`, the
    rules also see the `known` values of the fields not entered now (an application's, when a
    correction changes some)."""
    if not isinstance(values, dict):
        return {}, {"fields": _("must be an object of field: value")}
    errors: dict[str, str] = {}
    for key in values:
        if key not in spec.fields:
            errors[f"fields.{key}"] = _("is not a field of this bundle")
    keys = only if only is not None else plan.fields
    codes = area_codes() if any(spec.fields[key].type == "area" for key in keys) else None
    clean: dict[str, Any] = {}
    for key in keys:
        try:
            value = formatted(
                spec.fields[key], clean_value(spec.fields[key], values.get(key), area_codes=codes)
            )
        except ValueProblem as problem:
            errors[f"fields.{key}"] = str(problem)
            continue
        if value is not None:
            clean[key] = value
    applying = {key: value for key, value in (known or {}).items() if key in plan.fields}
    checked = {key for key in keys if f"fields.{key}" not in errors}
    for name, message in rules_problems(spec, {**applying, **clean}, checked=checked).items():
        errors.setdefault(name, message)
    return clean, errors


def check_materials(
    spec: BundleDef, plan: Plan, materials: Any, *, uploads: dict[int, Any], only: list[str] | None = None
) -> tuple[dict[str, int], dict[str, str]]:
    """`uploads` are the uploads the submitter may attach, by id."""
    if not isinstance(materials, dict):
        return {}, {"materials": _("must be an object of material: upload id")}
    errors: dict[str, str] = {}
    for key in materials:
        if key not in spec.materials:
            errors[f"materials.{key}"] = _("is not a material of this bundle")
    clean: dict[str, int] = {}
    for key in only if only is not None else plan.materials:
        raw = materials.get(key)
        material = spec.materials[key]
        if raw in (None, ""):
            if material.required:
                errors[f"materials.{key}"] = _("is required")
            continue
        try:
            upload_id = int(raw)
        except (TypeError, ValueError, OverflowError):
            errors[f"materials.{key}"] = _("is not an upload id")
            continue
        upload = uploads.get(upload_id)
        if upload is None:
            errors[f"materials.{key}"] = _("is not one of your uploads")
        elif upload.kind not in material.accept:
            errors[f"materials.{key}"] = _("must be one of: %(kinds)s") % {
                "kinds": ", ".join(material.accept)
            }
        else:
            clean[key] = upload_id
    return clean, errors


def upload_ids(materials: Any) -> list[int]:
    """The upload ids named in a materials object, ignoring what is not a possible id."""
    if not isinstance(materials, dict):
        return []
    ids = []
    for raw in materials.values():
        try:
            upload_id = int(raw)
        except (TypeError, ValueError, OverflowError):
            continue
        if 0 < upload_id < 2**63:
            ids.append(upload_id)
    return ids
