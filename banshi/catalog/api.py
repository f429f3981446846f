"""The catalogue: the bundles open for applications, each with the one form a client renders."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from banshi.catalog.models import Bundle
from banshi.catalog.selectors import bundle_open, bundles_open
from banshi.lib.errors import NotFound
from banshi.lib.schemas import Errors

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
    options: list[Option]


class FieldOut(Schema):
    key: str
    label: str
    type: str
    required: bool
    options: list[Option]
    when: dict[str, Any]
    services: list[str]


class MaterialOut(Schema):
    key: str
    label: str
    accept: list[str]
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
    questions: list[QuestionOut]
    fields: list[FieldOut]
    materials: list[MaterialOut]
    services: list[ServiceOut]


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


@router.get("/bundles", auth=None, response=list[BundleSummary], operation_id="banshi_api_routes_bundle_list")
def bundle_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_summary(bundle) for bundle in bundles_open()]


@router.get(
    "/bundles/{code}",
    auth=None,
    response={200: BundleOut, 404: Errors},
    operation_id="banshi_api_routes_bundle_detail",
)
def bundle_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    """The merged form: every field asked once, each with the services that need it and the answers
    (`when`) under which it applies."""
    bundle = bundle_open(code=code)
    if bundle is None:
        raise NotFound()
    spec = bundle.current_spec
    needed_by = spec.needed_by(spec.services)
    return {
        **_summary(bundle),
        "questions": [
            {"key": key, "label": str(q.label), "options": _options(q.options)}
            for key, q in spec.questions.items()
        ],
        "fields": [
            {
                "key": key,
                "label": str(f.label),
                "type": f.type,
                "required": f.required,
                "options": _options(f.options),
                "when": f.when,
                "services": needed_by[key],
            }
            for key, f in spec.fields.items()
            if key in needed_by
        ],
        "materials": [
            {
                "key": key,
                "label": str(m.label),
                "accept": m.accept,
                "required": m.required,
                "when": m.when,
                "services": needed_by[f"materials.{key}"],
            }
            for key, m in spec.materials.items()
            if f"materials.{key}" in needed_by
        ],
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
