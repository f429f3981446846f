"""The resident's way through a bundle: start page, situation questions, the one form, check your
answers, submit. The draft is a row on the server (`cases.draft`); uploads are stored the moment they arrive.

A window clerk goes through the same pages for a walk-in resident (the `window_apply_*` URLs, with
the resident's id); at the end the resident confirms with a code sent to their phone instead."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.accounts.models import User
from banshi.accounts.selectors import resident_by_id
from banshi.cases.channels import submission_route
from banshi.cases.draft import (
    DraftKey,
    draft_finish,
    draft_get,
    draft_key,
    draft_save,
    draft_start,
    draft_submitted,
)
from banshi.cases.selectors import application_for_owner, application_for_window, upload_for_user
from banshi.cases.services import application_submit_online, upload_create
from banshi.cases.services.delivery import POSTAL_ADDRESS_FIELD, posts_results
from banshi.cases.services.window import confirmation_code_send
from banshi.catalog.definition import BundleDef, Plan
from banshi.catalog.forms import (
    area_choices,
    display_value,
    field_groups,
    material_rows,
    posted_values,
    question_rows,
)
from banshi.catalog.validation import check_answers, check_materials, check_values
from banshi.catalog.views import open_spec
from banshi.directory.models import Window
from banshi.directory.selectors import window_for_clerk
from banshi.lib.errors import Conflict, FieldErrors
from banshi.lib.personal import mask_name, mask_phone
from banshi.ui.forms import dom_id
from banshi.ui.middleware import accepts_files
from banshi.ui.views import conflict_message

STEPS = 3


@dataclass(frozen=True)
class Flow:
    """Whose application the pages fill in, and who fills it in: a resident for themselves, or a window
    clerk for a resident (then `window` is the clerk's window)."""

    code: str
    applicant: User
    window: Window | None = None

    @property
    def by_clerk(self) -> bool:
        return self.window is not None

    @property
    def clerk_window(self) -> Window:
        """The window of a clerk's flow (a resident's own has none)."""
        if self.window is None:
            raise PermissionDenied
        return self.window

    @property
    def draft_key(self) -> DraftKey:
        return draft_key(self.code, self.applicant.pk if self.by_clerk else None)

    def url(self, step: str) -> str:
        if self.by_clerk:
            return reverse(f"cases:window_apply_{step}", args=[self.applicant.pk, self.code])
        return reverse(f"cases:apply_{step}", args=[self.code])

    def context(self) -> dict:
        urls = {step: self.url(step) for step in ("questions", "details", "check")}
        if not self.by_clerk:
            return {
                "urls": {**urls, "start": reverse("catalog:bundle_start", args=[self.code])},
                "acting_for": None,
            }
        resident = self.applicant
        urls["start"] = reverse("cases:window_resident", args=[resident.pk])
        acting_for = {
            "name": mask_name(resident.display_name),
            "phone": mask_phone(resident.phone or ""),
            "url": urls["start"],
        }
        return {"urls": urls, "acting_for": acting_for}

    def submitted_url(self, user: User | AnonymousUser, number: str | None) -> str | None:
        """Where a resent submission goes: the application it already became, if the user may see it."""
        if not number:
            return None
        if self.window is not None:
            found = application_for_window(window=self.window, number=number)
            return reverse("cases:window_application", args=[number]) if found else None
        found = application_for_owner(user=user, number=number)
        return reverse("cases:application_submitted", args=[number]) if found else None


def apply_flow(request: AuthenticatedHttpRequest, code: str, resident_id: int | None) -> Flow:
    """The flow of a request: the user's own, or, with a resident's id, a clerk's for that resident
    (403 for anyone who is not a window clerk)."""
    if resident_id is None:
        return Flow(code=code, applicant=request.user)
    window = window_for_clerk(user=request.user)
    if window is None:
        raise PermissionDenied
    resident = resident_by_id(user_id=resident_id)
    if resident is None:
        raise Http404
    return Flow(code=code, applicant=resident, window=window)


@login_required
def apply_questions(
    request: AuthenticatedHttpRequest, code: str, resident_id: int | None = None
) -> HttpResponse:
    flow = apply_flow(request, code, resident_id)
    spec = open_spec(code)
    draft = draft_start(request.user, flow.draft_key)
    errors: dict[str, str]
    answers, errors = draft["answers"], {}
    if request.method == "POST":
        answers = {key: request.POST.get(f"answers.{key}", "") for key in spec.questions}
        clean, errors = check_answers(spec, answers)
        if not errors:
            draft["answers"] = clean
            draft_save(request.user, flow.draft_key, draft)
            return redirect(flow.url("details"))
    rows = question_rows(spec, answers, errors)
    context = {
        **flow.context(),
        "code": code,
        "spec": spec,
        "rows": rows,
        "errors": [{"href": f"#{row.anchor}", "text": row.error} for row in rows if row.error],
        "step": 1,
        "steps": STEPS,
    }
    return render(request, "cases/apply_questions.html", context, status=400 if errors else 200)


def draft_with_answers(request: AuthenticatedHttpRequest, flow: Flow, spec: BundleDef) -> dict | None:
    draft = draft_get(request.user, flow.draft_key)
    if draft is None or check_answers(spec, draft["answers"])[1]:
        return None
    return draft


def draft_uploads(user: User, materials: dict) -> dict:
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


def submission(plan: Plan, draft: dict, uploads: dict) -> dict[str, Any]:
    """The draft as `application_submit` takes it: only what the answers make applicable."""
    return {
        "answers": draft["answers"],
        "values": {key: value for key, value in draft["values"].items() if key in plan.fields},
        "materials": {key: upload.id for key, upload in uploads.items() if key in plan.materials},
    }


def _render_details(
    request: AuthenticatedHttpRequest,
    flow: Flow,
    spec: BundleDef,
    plan: Plan,
    draft: dict[str, Any],
    uploads: dict[str, Any],
    errors: dict[str, str],
) -> HttpResponse:
    code = flow.code
    groups = field_groups(spec, plan.fields, draft["values"], errors)
    documents = material_rows(spec, plan.materials, uploads, errors)
    summary = [row for group in groups for row in group.rows if row.error] + [
        row for row in documents if row.error
    ]
    context = {
        **flow.context(),
        "code": code,
        "spec": spec,
        "groups": groups,
        "documents": documents,
        "errors": [{"href": f"#{row.anchor}", "text": row.error} for row in summary],
        "step": 2,
        "steps": STEPS,
    }
    return render(request, "cases/apply_details.html", context, status=400 if errors else 200)


def _bundle_files(request: AuthenticatedHttpRequest, code: str, resident_id: int | None = None) -> int:
    """How many files the bundle's form may send at most (every material it can ask for)."""
    return len(open_spec(code).materials)


@accepts_files(_bundle_files)
@login_required
def apply_details(
    request: AuthenticatedHttpRequest, code: str, resident_id: int | None = None
) -> HttpResponse:
    flow = apply_flow(request, code, resident_id)
    spec = open_spec(code)
    draft = draft_with_answers(request, flow, spec)
    if draft is None:
        # Back from the confirmation of the application this draft became: to that confirmation.
        done = flow.submitted_url(request.user, draft_submitted(request.user, flow.draft_key))
        return redirect(done or flow.url("questions"))
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
        draft_save(request.user, flow.draft_key, draft)
        uploads = draft_uploads(request.user, draft["materials"])
        _, errors = _check(spec, plan, draft, uploads)
        errors |= upload_errors
        if not errors:
            return redirect(flow.url("check"))
    else:
        uploads = draft_uploads(request.user, draft["materials"])
        if request.GET.get("validate"):
            _, errors = _check(spec, plan, draft, uploads)
    return _render_details(request, flow, spec, plan, draft, uploads, errors)


def _send_code(
    request: AuthenticatedHttpRequest, flow: Flow, spec: BundleDef, plan: Plan, draft: dict, uploads: dict
) -> HttpResponse:
    """The clerk's "send": the resident confirms with a code texted to them, on the next page."""
    if _check(spec, plan, draft, uploads)[1]:
        return redirect(flow.url("details") + "?validate=1")
    try:
        confirmation_code_send(
            actor=request.user,
            window=flow.clerk_window,
            applicant=flow.applicant,
            bundle_code=flow.code,
            idempotency_key=draft["token"],
            **submission(plan, draft, uploads),
        )
    except FieldErrors:
        return redirect(flow.url("questions"))
    except Conflict as exc:
        messages.info(request, str(exc))
    return redirect("cases:window_apply_confirm", resident_id=flow.applicant.pk, code=flow.code)


@login_required
def apply_check(request: AuthenticatedHttpRequest, code: str, resident_id: int | None = None) -> HttpResponse:
    flow = apply_flow(request, code, resident_id)
    spec = open_spec(code)
    draft = draft_with_answers(request, flow, spec)
    if draft is None:
        # A resent submit, or Back from the confirmation: to the application the draft became.
        done = flow.submitted_url(request.user, draft_submitted(request.user, flow.draft_key))
        return redirect(done or flow.url("questions"))
    plan = spec.plan(draft["answers"])
    uploads = draft_uploads(request.user, draft["materials"])
    if request.method == "POST" and flow.by_clerk:
        return _send_code(request, flow, spec, plan, draft, uploads)
    if request.method == "POST":
        try:
            application = application_submit_online(
                actor=request.user,
                bundle_code=code,
                idempotency_key=draft["token"],
                **submission(plan, draft, uploads),
            )
        except FieldErrors as exc:
            if any(key.startswith("answers") for key in exc.errors):
                return redirect(flow.url("questions"))
            return _render_details(request, flow, spec, plan, draft, uploads, exc.errors)
        except Conflict as exc:
            messages.error(request, conflict_message(exc))
            return redirect(flow.url("check"))
        draft_finish(request.user, flow.draft_key, application.number)
        return redirect("cases:application_submitted", number=application.number)
    clean, errors = _check(spec, plan, draft, uploads)
    if errors:
        return redirect(flow.url("details") + "?validate=1")
    questions_url = flow.url("questions")
    details_url = flow.url("details")
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
    # Another way of sending this draft (after a video call whose pre-review passed), said on the page.
    sent = submission(plan, draft, uploads)
    route = (
        None
        if flow.by_clerk
        else submission_route(
            user=request.user, bundle_code=code, answers=sent["answers"], materials=sent["materials"]
        )
    )
    context = {
        **flow.context(),
        "code": code,
        "spec": spec,
        "answers": answers,
        "fields": fields,
        "documents": documents,
        "step": 3,
        "steps": STEPS,
        "route": route,
        **(route.context if route else {}),
        **_postal_choice(spec, draft["answers"], questions_url),
    }
    return render(request, "cases/apply_check.html", context)


def _postal_choice(spec: BundleDef, answers: dict, questions_url: str) -> dict:
    """Whether the results go by post, and where to change that (the question that asks for the postal
    address), for a bundle that can post its results."""
    address = spec.fields.get(POSTAL_ADDRESS_FIELD)
    if address is None:
        return {}
    question = next(iter(address.when), None)
    change = (
        f"{questions_url}#{dom_id(f'answers.{question}')}-{answers.get(question, '')}" if question else ""
    )
    return {"by_post": posts_results(spec, answers), "post_change_url": change}


@login_required
def application_submitted(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    application = application_for_owner(user=request.user, number=number)
    if application is None:
        raise Http404
    return render(
        request, "cases/application_submitted.html", {"application": application, "spec": application.spec}
    )
