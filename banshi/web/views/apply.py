"""The resident's way through a bundle: start page, situation questions, the one form, check your
answers, submit. The draft lives in the session; uploads are stored the moment they arrive."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from banshi.cases.selectors import application_for_owner, upload_for_user
from banshi.cases.services import application_submit, upload_create
from banshi.cases.validation import check_answers, check_materials, check_values
from banshi.catalog.definition import BundleDef, Plan
from banshi.catalog.selectors import bundle_open
from banshi.directory.selectors import agency_names
from banshi.lib.errors import Conflict, FieldErrors
from banshi.web.draft import draft_finish, draft_get, draft_save, draft_start, draft_submitted
from banshi.web.forms import (
    area_choices,
    display_value,
    dom_id,
    field_groups,
    material_rows,
    posted_values,
    question_rows,
)

STEPS = 3


def _open_spec(code: str) -> BundleDef:
    bundle = bundle_open(code=code)
    if bundle is None:
        raise Http404
    return bundle.current.spec


def bundle_start(request, code: str):
    spec = _open_spec(code)
    agencies = agency_names(codes=[s.agency for s in spec.services.values()])
    services = [
        {
            "name": str(spec.services[c].name),
            "agency": agencies.get(spec.services[c].agency, ""),
            "conditional": bool(spec.services[c].when),
        }
        for c in spec.service_order()
    ]
    return render(request, "web/bundle_start.html", {"code": code, "spec": spec, "services": services})


@login_required
def apply_questions(request, code: str):
    spec = _open_spec(code)
    draft = draft_start(request, code)
    answers, errors = draft["answers"], {}
    if request.method == "POST":
        answers = {key: request.POST.get(f"answers.{key}", "") for key in spec.questions}
        clean, errors = check_answers(spec, answers)
        if not errors:
            draft["answers"] = clean
            draft_save(request, code, draft)
            return redirect("apply_details", code=code)
    rows = question_rows(spec, answers, errors)
    context = {
        "code": code,
        "spec": spec,
        "rows": rows,
        "errors": [{"href": f"#{row.anchor}", "text": row.error} for row in rows if row.error],
        "step": 1,
        "steps": STEPS,
    }
    return render(request, "web/apply_questions.html", context, status=400 if errors else 200)


def _draft_with_answers(request, code: str, spec: BundleDef) -> dict | None:
    draft = draft_get(request, code)
    if draft is None or check_answers(spec, draft["answers"])[1]:
        return None
    return draft


def _uploads(user, materials: dict) -> dict:
    """The draft's uploads that the user may use, by material key."""
    found = {}
    for key, upload_id in materials.items():
        upload = upload_for_user(user=user, upload_id=upload_id)
        if upload is not None and upload.owner_id == user.pk:
            found[key] = upload
    return found


def _check(spec: BundleDef, plan: Plan, draft: dict, uploads: dict) -> tuple[dict, dict]:
    values = {key: value for key, value in draft["values"].items() if key in plan.fields}
    materials = {key: upload.id for key, upload in uploads.items() if key in plan.materials}
    clean, value_errors = check_values(spec, plan, values)
    _, material_errors = check_materials(
        spec, plan, materials, uploads={upload.id: upload for upload in uploads.values()}
    )
    return clean, value_errors | material_errors


def _render_details(request, code, spec, plan, draft, uploads, errors):
    groups = field_groups(spec, plan.fields, draft["values"], errors)
    documents = material_rows(spec, plan.materials, uploads, errors)
    summary = [row for group in groups for row in group.rows if row.error] + [
        row for row in documents if row.error
    ]
    context = {
        "code": code,
        "spec": spec,
        "groups": groups,
        "documents": documents,
        "errors": [{"href": f"#{row.anchor}", "text": row.error} for row in summary],
        "step": 2,
        "steps": STEPS,
    }
    return render(request, "web/apply_details.html", context, status=400 if errors else 200)


@login_required
def apply_details(request, code: str):
    spec = _open_spec(code)
    draft = _draft_with_answers(request, code, spec)
    if draft is None:
        return redirect("apply_questions", code=code)
    plan = spec.plan(draft["answers"])
    errors: dict[str, str] = {}
    if request.method == "POST":
        upload_errors = {}
        # Each file is stored at once and kept in the draft, so that a mistake elsewhere on the page
        # never makes the resident upload it again.
        for key in plan.materials:
            file = request.FILES.get(f"materials.{key}")
            if file is None:
                continue
            try:
                upload = upload_create(owner=request.user, file=file, field=f"materials.{key}")
            except FieldErrors as exc:
                upload_errors.update(exc.errors)
            else:
                draft["materials"][key] = upload.id
        draft["values"] = {**draft["values"], **posted_values(request.POST, plan.fields)}
        draft_save(request, code, draft)
        uploads = _uploads(request.user, draft["materials"])
        _, errors = _check(spec, plan, draft, uploads)
        errors |= upload_errors
        if not errors:
            return redirect("apply_check", code=code)
    else:
        uploads = _uploads(request.user, draft["materials"])
        if request.GET.get("validate"):
            _, errors = _check(spec, plan, draft, uploads)
    return _render_details(request, code, spec, plan, draft, uploads, errors)


@login_required
def apply_check(request, code: str):
    spec = _open_spec(code)
    draft = _draft_with_answers(request, code, spec)
    if draft is None:
        number = draft_submitted(request, code)
        if request.method == "POST" and number and application_for_owner(user=request.user, number=number):
            return redirect("application_submitted", number=number)
        return redirect("apply_questions", code=code)
    plan = spec.plan(draft["answers"])
    uploads = _uploads(request.user, draft["materials"])
    if request.method == "POST":
        try:
            application = application_submit(
                actor=request.user,
                applicant=request.user,
                bundle_code=code,
                answers=draft["answers"],
                values={key: value for key, value in draft["values"].items() if key in plan.fields},
                materials={key: upload.id for key, upload in uploads.items() if key in plan.materials},
                idempotency_key=draft["token"],
            )
        except FieldErrors as exc:
            if any(key.startswith("answers") for key in exc.errors):
                return redirect("apply_questions", code=code)
            return _render_details(request, code, spec, plan, draft, uploads, exc.errors)
        except Conflict as exc:
            messages.error(request, str(exc))
            return redirect("apply_check", code=code)
        draft_finish(request, code, application.number)
        return redirect("application_submitted", number=application.number)
    clean, errors = _check(spec, plan, draft, uploads)
    if errors:
        return redirect(reverse("apply_details", args=[code]) + "?validate=1")
    questions_url = reverse("apply_questions", args=[code])
    details_url = reverse("apply_details", args=[code])
    answers = [
        {
            "label": str(question.label),
            "value": str(question.options[draft["answers"][key]]),
            "href": f"{questions_url}#{dom_id(f'answers.{key}')}-{draft['answers'][key]}",
        }
        for key, question in spec.questions.items()
    ]
    areas = dict(area_choices()) if any(spec.fields[k].type == "area" for k in plan.fields) else {}
    fields = [
        {
            "label": str(spec.fields[key].label),
            "value": display_value(spec.fields[key], clean.get(key), areas=areas),
            "href": f"{details_url}#{dom_id(f'fields.{key}')}",
        }
        for key in plan.fields
    ]
    documents = [
        {
            "label": str(spec.materials[key].label),
            "value": uploads[key].original_name if key in uploads else "",
            "href": f"{details_url}#{dom_id(f'materials.{key}')}",
        }
        for key in plan.materials
    ]
    context = {
        "code": code,
        "spec": spec,
        "answers": answers,
        "fields": fields,
        "documents": documents,
        "step": 3,
        "steps": STEPS,
    }
    return render(request, "web/apply_check.html", context)


@login_required
def application_submitted(request, number: str):
    application = application_for_owner(user=request.user, number=number)
    if application is None:
        raise Http404
    return render(
        request, "web/application_submitted.html", {"application": application, "spec": application.spec}
    )
