"""The catalogue: the bundles open for applications, each with the one form a client renders."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import P, PathEx, Router, Schema

from banshi.accounts.selectors import user_for_api_key
from banshi.catalog.definition import CODE, KEY_MAX_LENGTH, BundleDef
from banshi.catalog.models import Bundle
from banshi.catalog.schema import MEDIA_TYPES, bundle_schema, limits_of, number
from banshi.catalog.selectors import bundle_open, bundles_open
from banshi.directory.selectors import district_choices
from banshi.lib.errors import NotFound
from banshi.lib.schemas import errors

# Operation ids keep the names they were published under: generated clients call them by these names.
router = Router(tags=["catalogue"])


class BundleSummary(Schema):
    code: str
    name: str
    summary: str
    promise_working_days: int


class Option(Schema):
    value: str
    label: str


class QuestionOut(Schema):
    key: str
    label: str
    hint: str
    options: list[Option]


class FieldOut(Schema):
    """One field of the form with everything its value must satisfy. `options` are a choice's options
    or an area field's districts and counties; `min_length` and `max_length` count characters; `min`
    and `max` bound a number; a date or time is not after today or now (`past`), not before
    (`future`), or at most `max_age_days` old; `pattern` is a regular expression the whole value
    matches; `example` is a value of the right shape (a valid ID number, say); `format` a further
    rule of a text (`person_name`: Chinese characters, or Latin letters for a foreign national)."""

    key: str
    label: str
    hint: str
    type: str
    format: str | None
    required: bool
    options: list[Option]
    min_length: int | None
    max_length: int | None
    pattern: str | None
    min: int | float | None
    max: int | float | None
    past: bool
    future: bool
    max_age_days: int | None
    example: str | None
    when: dict[str, Any]
    services: list[str]


class MaterialOut(Schema):
    """One material: the id of an upload of one of the kinds in `accept` (`media_types` names them as
    MIME types), of at most `max_bytes`."""

    key: str
    label: str
    hint: str
    accept: list[str]
    media_types: list[str]
    max_bytes: int
    required: bool
    when: dict[str, Any]
    services: list[str]


class OutputOut(Schema):
    key: str
    label: str
    document: bool


class ServiceOut(Schema):
    code: str
    name: str
    agency: str
    depends_on: list[str]
    outputs: list[OutputOut]
    when: dict[str, Any]
    time_limit_working_hours: int


class BundleOut(BundleSummary):
    """`rules` are the checks across fields: `differ` (the values must all differ), `age` (the person
    of an ID number or date is `min` to `max` years old on the day of the event `at`), `applicant` (the
    field is the mobile number of the account applying, under the answers `when`)."""

    questions: list[QuestionOut]
    fields: list[FieldOut]
    materials: list[MaterialOut]
    services: list[ServiceOut]
    rules: list[dict[str, Any]]


BundleCode = PathEx[str, P(pattern=CODE, max_length=KEY_MAX_LENGTH)]


def _summary(bundle: Bundle) -> dict[str, Any]:
    spec = bundle.current_spec
    return {
        "code": bundle.code,
        "name": str(spec.name),
        "summary": str(spec.summary),
        "promise_working_days": spec.promise.working_days,
    }


def _options(options: dict[str, Any]) -> list[dict[str, str]]:
    return [{"value": value, "label": str(label)} for value, label in options.items()]


def _open_spec(code: str) -> tuple[Bundle, BundleDef]:
    bundle = bundle_open(code=code)
    if bundle is None:
        raise NotFound()
    return bundle, bundle.current_spec


def _areas(spec: BundleDef) -> list[tuple[str, str]]:
    return district_choices() if any(f.type == "area" for f in spec.fields.values()) else []


def _field(key: str, spec: BundleDef, areas: list[tuple[str, str]], services: list[str]) -> dict[str, Any]:
    field = spec.fields[key]
    limits = limits_of(field)
    if field.type == "area":
        options = [{"value": code, "label": name} for code, name in areas]
    else:
        options = _options(field.options)
    return {
        "key": key,
        "label": str(field.label),
        "hint": str(field.hint) if field.hint else "",
        "type": field.type,
        "format": field.format,
        "required": field.required,
        "options": options,
        "min_length": limits.min_length,
        "max_length": limits.max_length,
        "pattern": limits.pattern,
        "min": None if limits.minimum is None else number(limits.minimum),
        "max": None if limits.maximum is None else number(limits.maximum),
        "past": limits.past,
        "future": limits.future,
        "max_age_days": limits.max_age_days,
        "example": limits.example,
        "when": field.when,
        "services": services,
    }


@router.get("/bundles", auth=None, response=list[BundleSummary], operation_id="banshi_api_routes_bundle_list")
def bundle_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_summary(bundle) for bundle in bundles_open()]


@router.get(
    "/bundles/{code}",
    auth=None,
    response={200: BundleOut, **errors(400, 404)},
    operation_id="banshi_api_routes_bundle_detail",
)
def bundle_detail(request: HttpRequest, code: BundleCode) -> dict[str, Any]:
    """The merged form: every field asked once, with what its value must satisfy, the services that
    need it and the answers (`when`) under which it applies (a field needed only by services that do
    not apply is not asked either); every material with the kinds and size of upload it accepts."""
    bundle, spec = _open_spec(code)
    needed_by = spec.needed_by(spec.services)
    areas = _areas(spec)
    max_bytes = settings.MATERIAL_MAX_BYTES
    return {
        **_summary(bundle),
        "questions": [
            {
                "key": key,
                "label": str(q.label),
                "hint": str(q.hint) if q.hint else "",
                "options": _options(q.options),
            }
            for key, q in spec.questions.items()
        ],
        "fields": [_field(key, spec, areas, needed_by[key]) for key in spec.fields if key in needed_by],
        "materials": [
            {
                "key": key,
                "label": str(m.label),
                "hint": str(m.hint) if m.hint else "",
                "accept": m.accept,
                "media_types": [MEDIA_TYPES[kind] for kind in m.accept],
                "max_bytes": max_bytes,
                "required": m.required,
                "when": m.when,
                "services": needed_by[f"materials.{key}"],
            }
            for key, m in spec.materials.items()
            if f"materials.{key}" in needed_by
        ],
        "rules": [rule.model_dump(mode="json", exclude_defaults=True) for rule in spec.rules],
        "services": [
            {
                "code": code_,
                "name": str(s.name),
                "agency": s.agency,
                "depends_on": s.depends_on,
                "outputs": [
                    {"key": k, "label": str(o.label), "document": o.document} for k, o in s.produces.items()
                ],
                "when": s.when,
                "time_limit_working_hours": s.time_limit.working_hours,
            }
            for code_, s in ((c, spec.services[c]) for c in spec.service_order())
        ],
    }


@router.get(
    "/bundles/{code}/schema",
    auth=None,
    response={200: dict[str, Any], **errors(400, 404)},
    operation_id="banshi_api_routes_bundle_schema",
)
def bundle_schema_detail(request: HttpRequest, code: BundleCode) -> dict[str, Any]:
    """The one form as a JSON Schema (draft 2020-12) of the body of `POST /api/v1/applications`:
    `answers`, `fields` and `materials` (upload ids), with the fields and materials each set of answers
    requires as `if`/`then`. Bounds that depend on the day are as of now. The rules across fields are
    in `x-rules`; asked with a resident's bearer token, the rule that the parent who applies gives the
    account's own mobile number is a `const` too (without one, or with one that is not valid, the
    schema is the same for everybody)."""
    _bundle, spec = _open_spec(code)
    return bundle_schema(
        spec,
        areas=_areas(spec),
        max_bytes=settings.MATERIAL_MAX_BYTES,
        now=timezone.now(),
        applicant_phone=_callers_phone(request),
    )


def _callers_phone(request: HttpRequest) -> str | None:
    scheme, _space, key = request.headers.get("Authorization", "").partition(" ")
    user = user_for_api_key(key=key.strip()) if scheme.lower() == "bearer" and key.strip() else None
    return user.phone if user is not None and user.phone else None
