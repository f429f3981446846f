"""A bundle's one form as a JSON Schema (draft 2020-12), for a client that checks an application with a
standard validator or draws the form with a standard renderer before sending it.

The schema says what the catalogue says, read from the same places as the server's own checks: the
bundle definition (`definition.py`) and what each field type accepts (`values.constraints`). Which fields
and materials are required depends on the answers: for each set of answers under which some are, an
`if` on `answers` with a `then` that requires them. Bounds that depend on the day (a date not in the
future, or within so many days) are stated as of the moment the schema is made, with the keywords form
validators know (`formatMinimum`, `formatMaximum`); a date or time is `format: date` or `date-time`."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.catalog.definition import BundleDef, Condition, FieldDef, MaterialDef, Text
from banshi.catalog.rules import PERSON_NAME_EXAMPLE, PERSON_NAME_MIN_LENGTH, PERSON_NAME_PATTERN
from banshi.catalog.values import Constraints, constraints
from banshi.lib.personal import id_check_digit

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# The ID numbers of the examples: of a district of Chongqing (渝中区), of a person of this age where no
# rule says otherwise.
EXAMPLE_REGION = "500103"
EXAMPLE_AGE = 35
MEDIA_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}

# A condition in disjunctive form: the field applies under any of these sets of answers; each maps a
# question to the options it may have. An empty set of answers means always.
Situations = list[dict[str, list[str]]]


def number(value: Decimal) -> int | float:
    """A catalogue bound as JSON writes a number: a whole one without a fraction."""
    return int(value) if value == value.to_integral_value() else float(value)


def _labelled(schema: dict[str, Any], label: Text, hint: Text | None) -> dict[str, Any]:
    """The schema with its title (and description) first, where a reader of the document looks."""
    words = {"title": str(label)}
    if hint is not None:
        words["description"] = str(hint)
    return {**words, **schema}


def _enum(schema: dict[str, Any], options: list[tuple[str, str]]) -> None:
    schema["enum"] = [value for value, _label in options]
    # The labels in the order of `enum`, as form renderers read them.
    schema["enumNames"] = [label for _value, label in options]


def _moment(kind: str, moment: datetime, *, earliest: bool) -> str:
    """A bound as the field writes it, rounded inwards: a later second for the earliest moment."""
    local = timezone.localtime(moment)
    if kind == "date":
        return local.date().isoformat()
    if earliest and local.microsecond:
        local += timedelta(seconds=1)
    return local.replace(microsecond=0).isoformat()


def limits_of(spec: FieldDef) -> Constraints:
    """What the field's type accepts (`values.constraints`), with what its `format` adds: a name's
    pattern, shortest length and example."""
    limits = constraints(spec)
    if spec.format == "person_name":
        limits = replace(
            limits,
            pattern=PERSON_NAME_PATTERN,
            min_length=PERSON_NAME_MIN_LENGTH,
            example=PERSON_NAME_EXAMPLE,
        )
    return limits


def rule_examples(spec: BundleDef, now: datetime) -> dict[str, str]:
    """An example ID number for each ID number field that a rule names, meeting the rules: a different
    number for each (`differ`), of a person whose age on the day of the event is within the rule's
    (`age`, the event taken as today). A client filling the form from its examples is then accepted."""
    keys = [key for rule in spec.rules for key in rule.fields]
    id_fields = [
        key for key in dict.fromkeys(keys) if key in spec.fields and spec.fields[key].type == "id_number"
    ]
    ages = {rule.age.birth: (rule.age.min + rule.age.max) // 2 for rule in spec.rules if rule.age}
    today = timezone.localtime(now).date()
    examples = {}
    for position, key in enumerate(id_fields):
        years = ages.get(key, EXAMPLE_AGE)
        born = today.replace(year=today.year - years, day=min(today.day, 28))
        first17 = f"{EXAMPLE_REGION}{born:%Y%m%d}{(position + 1) * 2:03d}"
        examples[key] = first17 + id_check_digit(first17)
    return examples


def field_schema(spec: FieldDef, *, areas: list[tuple[str, str]], now: datetime) -> dict[str, Any]:
    """The schema of one field's value. `areas` are the (code, name) an `area` field takes."""
    limits = limits_of(spec)
    kind = spec.type
    schema: dict[str, Any]
    if kind == "integer":
        schema = {"type": "integer"}
    elif kind == "decimal":
        schema = {"type": "number"}
    elif kind == "boolean":
        schema = {"type": "boolean"}
    elif kind == "date":
        schema = {"type": "string", "format": "date"}
    elif kind == "datetime":
        schema = {"type": "string", "format": "date-time"}
    elif kind == "email":
        schema = {"type": "string", "format": "email"}
    else:
        schema = {"type": "string"}
    if kind == "choice":
        _enum(schema, [(value, str(label)) for value, label in spec.options.items()])
    elif kind == "area":
        _enum(schema, areas)
    if limits.min_length is not None:
        schema["minLength"] = limits.min_length
    elif spec.required and kind == "text":
        schema["minLength"] = 1  # a required text may not be left empty
    if limits.max_length is not None:
        schema["maxLength"] = limits.max_length
    if limits.pattern is not None:
        schema["pattern"] = limits.pattern
    if limits.minimum is not None:
        schema["minimum"] = number(limits.minimum)
    if limits.maximum is not None:
        schema["maximum"] = number(limits.maximum)
    earliest: datetime | None = None
    if limits.future:
        earliest = now
    if limits.max_age_days is not None:
        oldest = now - timedelta(days=limits.max_age_days)
        earliest = oldest if earliest is None else max(earliest, oldest)
    if earliest is not None:
        schema["formatMinimum"] = _moment(kind, earliest, earliest=True)
    if limits.past:
        schema["formatMaximum"] = _moment(kind, now, earliest=False)
    if limits.example is not None:
        schema["examples"] = [limits.example]
    return _labelled(schema, spec.label, spec.hint)


def material_schema(spec: MaterialDef, *, max_bytes: int) -> dict[str, Any]:
    """A material is the id of an upload (`POST /api/v1/uploads`) of one of the accepted kinds."""
    kinds = ", ".join(kind.upper() for kind in spec.accept)
    schema: dict[str, Any] = {
        "type": "integer",
        "minimum": 1,
        "x-media-types": [MEDIA_TYPES[kind] for kind in spec.accept],
        "x-max-bytes": max_bytes,
    }
    schema = _labelled(schema, spec.label, spec.hint)
    upload = _("The id of an upload: %(kinds)s, at most %(mb)d MB.") % {
        "kinds": kinds,
        "mb": max_bytes // (1024 * 1024),
    }
    schema["description"] = f"{schema['description']} {upload}" if "description" in schema else upload
    return schema


def _both(first: Condition, second: Condition) -> dict[str, list[str]] | None:
    """The answers satisfying both conditions, or None when no answers can."""
    merged: dict[str, list[str]] = {}
    for condition in (first, second):
        for question, expected in condition.items():
            allowed = expected if isinstance(expected, list) else [expected]
            merged[question] = [v for v in merged.get(question, allowed) if v in allowed]
            if not merged[question]:
                return None
    return merged


def situations(spec: BundleDef, when: Condition, services: list[str]) -> Situations:
    """Under which answers an entry with its own `when`, needed by `services`, is asked: its condition and
    that of at least one of those services (`BundleDef.plan` decides it the same way)."""
    found: Situations = []
    for code in services:
        merged = _both(when, spec.services[code].when)
        if merged is None or merged in found:
            continue
        if not merged:
            return [{}]
        found.append(merged)
    return found


def _answers_match(answers: dict[str, list[str]]) -> dict[str, Any]:
    properties = {
        question: {"const": allowed[0]} if len(allowed) == 1 else {"enum": allowed}
        for question, allowed in answers.items()
    }
    return {
        "required": ["answers"],
        "properties": {"answers": {"required": list(answers), "properties": properties}},
    }


def _conditionally_required(
    groups: dict[str, tuple[Situations, list[str]]], part: str
) -> list[dict[str, Any]]:
    rules = []
    for when, keys in groups.values():
        condition = (
            _answers_match(when[0]) if len(when) == 1 else {"anyOf": [_answers_match(w) for w in when]}
        )
        rules.append({"if": condition, "then": {"properties": {part: {"required": keys}}}})
    return rules


def _applicant_rules(spec: BundleDef, phone: str) -> list[dict[str, Any]]:
    """The `applicant` rules for the account asking: under their answers, the mobile number field must
    be the account's own number."""
    found = []
    for rule in spec.rules:
        if not rule.applicant:
            continue
        then = {"properties": {"fields": {"properties": {rule.applicant: {"const": phone}}}}}
        if rule.when:
            answers = {q: v if isinstance(v, list) else [v] for q, v in rule.when.items()}
            found.append({"if": _answers_match(answers), "then": then})
        else:
            found.append(then)
    return found


def bundle_schema(
    spec: BundleDef,
    *,
    areas: list[tuple[str, str]],
    max_bytes: int,
    now: datetime | None = None,
    applicant_phone: str | None = None,
) -> dict[str, Any]:
    """The JSON Schema of an application to the bundle `spec`, as `POST /api/v1/applications` takes it.
    Only the fields and materials some service needs are in it; a field or material not asked under the
    answers given may be left out, and is ignored when sent. The bundle's rules across fields, which
    JSON Schema cannot state, are in `x-rules` (and met by the examples); the `applicant` rules become
    a `const` when the schema is asked for by an account with a mobile number (`applicant_phone`)."""
    now = now or timezone.now()
    examples = rule_examples(spec, now)
    needed_by = spec.needed_by(spec.services)
    questions = {}
    for key, question in spec.questions.items():
        answer: dict[str, Any] = {"type": "string"}
        _enum(answer, [(value, str(label)) for value, label in question.options.items()])
        questions[key] = _labelled(answer, question.label, question.hint)

    def part(entries: dict[str, Any], name: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        properties: dict[str, Any] = {}
        always: list[str] = []
        sometimes: dict[str, tuple[Situations, list[str]]] = {}
        for key, entry in entries.items():
            needed = needed_by.get(key if name == "fields" else f"materials.{key}")
            if not needed:
                continue
            if name == "fields":
                properties[key] = field_schema(entry, areas=areas, now=now)
                if key in examples:
                    properties[key]["examples"] = [examples[key]]
            else:
                properties[key] = material_schema(entry, max_bytes=max_bytes)
            when = situations(spec, entry.when, needed)
            if not entry.required or not when:
                continue
            if when == [{}]:
                always.append(key)
            else:
                sometimes.setdefault(repr(when), (when, []))[1].append(key)
        schema = {"type": "object", "properties": properties, "additionalProperties": False}
        if always:
            schema["required"] = always
        return schema, _conditionally_required(sometimes, name)

    fields, field_rules = part(spec.fields, "fields")
    materials, material_rules = part(spec.materials, "materials")
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "title": str(spec.name),
        "description": str(spec.summary),
        "type": "object",
        "properties": {
            "bundle": {"type": "string", "const": spec.code},
            "answers": {
                "title": _("Your situation"),
                "type": "object",
                "properties": questions,
                "required": list(questions),
                "additionalProperties": False,
            },
            "fields": {"title": _("Details"), **fields},
            "materials": {"title": _("Documents"), **materials},
        },
        "required": ["bundle", "answers", "fields", "materials"],
        "additionalProperties": False,
    }
    rules = field_rules + material_rules
    if applicant_phone:
        rules += _applicant_rules(spec, applicant_phone)
    if rules:
        schema["allOf"] = rules
    if spec.rules:
        schema["x-rules"] = [rule.model_dump(mode="json", exclude_defaults=True) for rule in spec.rules]
    return schema
