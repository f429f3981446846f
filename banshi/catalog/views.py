"""The catalogue's public pages: the home page's list of bundles, a bundle's start page, and the public
checklist (一次告知): answer the situation questions and see, on one printable page, exactly which
documents to bring and which services apply. No login."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from banshi.accounts.throttle import throttled
from banshi.catalog.definition import BundleDef
from banshi.catalog.documents import documents
from banshi.catalog.forms import question_rows
from banshi.catalog.selectors import bundle_open, bundles_open
from banshi.catalog.validation import check_answers
from banshi.directory.selectors import agency_names


def open_spec(code: str) -> BundleDef:
    """The current definition of an open bundle, or 404."""
    bundle = bundle_open(code=code)
    if bundle is None:
        raise Http404
    return bundle.current_spec


def home(request: HttpRequest) -> HttpResponse:
    bundles = [(bundle.code, bundle.current_spec) for bundle in bundles_open()]
    return render(request, "catalog/home.html", {"bundles": bundles})


def bundle_start(request: HttpRequest, code: str) -> HttpResponse:
    spec = open_spec(code)
    agencies = agency_names(codes=[s.agency for s in spec.services.values()])
    services = [
        {
            "name": str(spec.services[c].name),
            "agency": agencies.get(spec.services[c].agency, ""),
            "conditional": bool(spec.services[c].when),
        }
        for c in spec.service_order()
    ]
    context = {"code": code, "spec": spec, "services": services, "documents": documents(spec)}
    return render(request, "catalog/bundle_start.html", context)


@throttled("checklist")
def bundle_checklist(request: HttpRequest, code: str) -> HttpResponse:
    spec = open_spec(code)
    asked = any(key.startswith("answers.") for key in request.GET)
    answers = {key: request.GET.get(f"answers.{key}", "") for key in spec.questions}
    clean, errors = check_answers(spec, answers) if asked else ({}, {})
    rows = question_rows(spec, answers, errors)
    context = {
        "code": code,
        "spec": spec,
        "rows": rows,
        "errors": [{"href": f"#{row.anchor}", "text": row.error} for row in rows if row.error],
        "printed_at": timezone.now(),
    }
    if asked and not errors:
        plan = spec.plan(clean)
        agencies = agency_names(codes=[spec.services[c].agency for c in plan.services])
        context["answered"] = [
            {"label": str(question.label), "value": str(question.options[clean[key]])}
            for key, question in spec.questions.items()
        ]
        context["documents"] = documents(spec, clean)
        context["services"] = [
            {"name": str(spec.services[c].name), "agency": agencies.get(spec.services[c].agency, "")}
            for c in plan.services
        ]
    return render(request, "catalog/checklist.html", context, status=400 if errors else 200)
