"""The public checklist (一次告知): answer the situation questions and see, on one printable page,
exactly which documents to bring and which services apply. No login."""

from django.shortcuts import render
from django.utils import timezone

from banshi.cases.validation import check_answers
from banshi.directory.selectors import agency_names
from banshi.web.forms import question_rows
from banshi.web.views.apply import open_spec

FORMATS = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}


def bundle_checklist(request, code: str):
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
        context["documents"] = [
            {
                "key": key,
                "label": str(spec.materials[key].label),
                "hint": str(spec.materials[key].hint) if spec.materials[key].hint else "",
                "formats": ", ".join(FORMATS[kind] for kind in spec.materials[key].accept),
                "optional": not spec.materials[key].required,
            }
            for key in plan.materials
        ]
        context["services"] = [
            {"name": str(spec.services[c].name), "agency": agencies.get(spec.services[c].agency, "")}
            for c in plan.services
        ]
    return render(request, "remote/checklist.html", context, status=400 if errors else 200)
