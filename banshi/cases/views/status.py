"""The resident's applications: the list, the status page with its corrections, and the files."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.audit.models import Access
from banshi.audit.services import access_record
from banshi.cases.channels import status_sections
from banshi.cases.events import APPLICATION_TIMELINE, AUTOMATIC_TASK_TIMELINE, TASK_TIMELINE
from banshi.cases.forms import WithdrawForm
from banshi.cases.models import Application, Task, Upload
from banshi.cases.selectors import (
    application_for_owner,
    application_progress,
    application_timeline,
    application_viewers,
    applications_for_resident,
    task_inputs,
    upload_for_user,
    upload_view_for_user,
)
from banshi.cases.services import application_correct, application_withdraw, upload_create
from banshi.cases.services.materials import upload_path
from banshi.cases.services.withdraw import may_withdraw
from banshi.cases.views.ratings import RatingForm, rating_context, rating_post
from banshi.catalog.definition import BundleDef
from banshi.catalog.forms import area_choices, display_value, field_groups, material_rows, posted_values
from banshi.catalog.selectors import bundles_open
from banshi.certificates.selectors import certificates_for_application
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.ui.forms import form_error_summary
from banshi.ui.middleware import accepts_files
from banshi.ui.views import run_service

S = Task.Status

# What a task's state means to the resident (the officers' words are the model's labels).
RESIDENT_STATES = {
    S.WAITING: gettext_lazy("Waiting for an earlier service"),
    S.READY: gettext_lazy("With the agency"),
    S.CLAIMED: gettext_lazy("Being handled"),
    S.RETURNED: gettext_lazy("Needs your correction"),
    S.APPROVED: gettext_lazy("Done"),
    S.REJECTED: gettext_lazy("Refused"),
    S.CANCELLED: gettext_lazy("Cancelled"),
}


def _owned_application(request: AuthenticatedHttpRequest, number: str) -> Application:
    application = application_for_owner(user=request.user, number=number)
    if application is None:
        raise Http404
    return application


def subject_name(spec: BundleDef, values: dict[str, Any]) -> str:
    """Whom the application is about, as the resident knows it: the first name the form asks (the
    baby's for the newborn bundle)."""
    for key, field in spec.fields.items():
        if field.type == "text" and key.endswith(".name") and values.get(key):
            return str(values[key])
    return ""


@login_required
def application_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = [
        {
            "application": application,
            "name": str(application.spec.name),
            "subject": subject_name(application.spec, application.values),
            "done": application_progress(application)[0],
            "total": application_progress(application)[1],
        }
        for application in applications_for_resident(user=request.user)
    ]
    return render(request, "cases/application_list.html", {"rows": rows})


def _what_was_sent(application: Application, spec: BundleDef) -> dict[str, list[dict[str, Any]]]:
    """The applicant's own answers, details and documents as they stand now (after any correction), in
    full: the status page is theirs alone."""
    plan = spec.plan(application.answers)
    answers = [
        {"label": str(question.label), "value": str(question.options.get(application.answers.get(key), ""))}
        for key, question in spec.questions.items()
        if key in application.answers
    ]
    areas = dict(area_choices()) if any(spec.fields[k].type == "area" for k in plan.fields) else {}
    fields = [
        {
            "label": str(spec.fields[key].label),
            "value": display_value(spec.fields[key], application.values.get(key), areas=areas),
        }
        for key in plan.fields
        if key in spec.fields
    ]
    current = {
        link.key: link.upload
        for link in application.materials.filter(replaced=False).select_related("upload")
    }
    documents = [
        {"label": str(spec.materials[key].label), "upload": current.get(key)}
        for key in plan.materials
        if key in spec.materials
    ]
    return {"sent_answers": answers, "sent_fields": fields, "sent_documents": documents}


def _return_keys(task: Task) -> tuple[list[str], list[str]]:
    fields = [item.removeprefix("fields.") for item in task.return_items if item.startswith("fields.")]
    materials = [
        item.removeprefix("materials.") for item in task.return_items if item.startswith("materials.")
    ]
    return fields, materials


def item_label(spec: BundleDef, item: str) -> str:
    kind, _dot, key = item.partition(".")
    if kind == "fields" and key in spec.fields:
        return str(spec.fields[key].label)
    if kind == "materials" and key in spec.materials:
        return str(spec.materials[key].label)
    return item


def _timeline(application: Application, tasks: list[Task], spec: BundleDef) -> list[dict]:
    """Events in plain words. Reasons and outputs stay out: the timeline never shows personal data."""
    by_id = {str(task.pk): task for task in tasks}
    items = []
    for event in application_timeline(application=application):
        if event.subject_type == "cases.task" and event.extra.get("withdrawn"):
            continue  # said once, by the application's own event
        if event.subject_type == "cases.task":
            task = by_id.get(event.subject_id)
            template = TASK_TIMELINE.get(event.event_type)
            if event.extra.get("rule"):  # decided by the worker: no officer was involved
                template = AUTOMATIC_TASK_TIMELINE.get(event.event_type)
            if task is None or template is None:
                continue
            text = template % {"service": spec.services[task.service].name, "agency": task.agency.name}
        else:
            template = APPLICATION_TIMELINE.get(event.event_type)
            if template is None:
                continue
            text = str(template)
        items.append({"at": event.created_at, "text": text})
    return items


def _render_application(
    request: AuthenticatedHttpRequest,
    application: Application,
    *,
    correction: tuple[int, dict[str, Any], dict[str, Upload], dict[str, str]] | None = None,
    rating_form: RatingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """`correction` is (task id, posted values, carried uploads, errors) of a failed correction."""
    spec = application.spec
    tasks = list(application.tasks.all())
    certificates: dict[int, list] = {}
    for certificate in certificates_for_application(application=application):
        certificates.setdefault(certificate.task_id, []).append(certificate)
    rows = []
    summary = []
    for task in tasks:
        service = spec.services[task.service]
        row: dict[str, Any] = {
            "task": task,
            "certificates": certificates.get(task.pk, []),
            "name": str(service.name),
            "agency": task.agency.name,
            "state": RESIDENT_STATES[S(task.status)],
            "outputs": [
                {"label": str(service.produces[key].label), "value": value}
                for key, value in task.outputs.items()
                if key in service.produces
            ],
        }
        if task.status == S.RETURNED:
            field_keys, material_keys = _return_keys(task)
            prefix = f"t{task.pk}-"
            if correction and correction[0] == task.pk:
                _id, values, uploads, errors = correction
            else:
                values = application.values
                current = dict(task_inputs(task=task)["materials"])
                uploads = {key: current[key].upload for key in material_keys if current.get(key)}
                errors = {}
            row["items"] = [item_label(spec, item) for item in task.return_items]
            row["groups"] = field_groups(spec, field_keys, values, errors, prefix=prefix)
            row["documents"] = material_rows(spec, material_keys, uploads, errors, prefix=prefix)
            row_errors = [r for g in row["groups"] for r in g.rows if r.error] + [
                r for r in row["documents"] if r.error
            ]
            summary += [{"href": f"#{r.anchor}", "text": r.error} for r in row_errors]
            known = {r.name for r in row_errors}
            summary += [{"href": "", "text": f"{k}: {m}"} for k, m in errors.items() if k not in known]
        rows.append(row)
    context: dict[str, Any] = {
        "application": application,
        "spec": spec,
        "rows": rows,
        "errors": summary,
        "timeline": _timeline(application, tasks, spec),
        "viewers": application_viewers(application=application),
        "sections": status_sections(application),
        "may_withdraw": may_withdraw(application, tasks),
        "may_change_delivery": application.handed_over_at is None
        and application.status in (*Application.OPEN, Application.Status.COMPLETE),
        **_what_was_sent(application, spec),
    }
    context.update(rating_context(application, rating_form))
    context["errors"] = summary + context.get("rating_errors", [])
    return render(request, "cases/application_detail.html", context, status=status)


@login_required
def application_detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    application = _owned_application(request, number)
    if request.method == "POST":  # the rating form, shown once the application is finished
        return rating_post(
            request,
            application,
            render_page=lambda form: _render_application(request, application, rating_form=form, status=400),
        )
    return _render_application(request, application)


def _correction_files(request: AuthenticatedHttpRequest, number: str, task_id: int) -> int:
    """How many files a correction may send at most: every material of the largest open bundle."""
    return max((len(bundle.current_spec.materials) for bundle in bundles_open()), default=0)


@login_required
def application_withdraw_view(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """GET asks first (what withdrawing means, and why); POST withdraws. Works without JavaScript."""
    application = _owned_application(request, number)
    here = application.get_absolute_url()
    tasks = list(application.tasks.all())
    if not may_withdraw(application, tasks):
        messages.info(request, _("This application can no longer be withdrawn."))
        return redirect(here)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        call = run_service(
            request,
            application_withdraw,
            form=form,
            on_conflict=here,
            actor=request.user,
            application_id=application.pk,
            reason=form.cleaned_data["reason"],
        )
        if call.response is not None:
            return call.response
        if call.ok:
            messages.success(request, _("Your application was withdrawn. The agencies will not work on it."))
            return redirect(here)
    context = {
        "application": application,
        "spec": application.spec,
        "form": form,
        "services": [
            str(application.spec.services[task.service].name) for task in tasks if task.status in Task.OPEN
        ],
        "errors": form_error_summary(form) if form.is_bound else [],
    }
    return render(request, "cases/application_withdraw.html", context, status=400 if form.is_bound else 200)


@accepts_files(_correction_files)
@login_required
@require_POST
def application_correct_view(request: AuthenticatedHttpRequest, number: str, task_id: int) -> HttpResponse:
    application = _owned_application(request, number)
    task = next((t for t in application.tasks.all() if t.pk == task_id), None)
    if task is None:
        raise Http404
    if task.status != S.RETURNED:
        messages.info(request, _("This service is not waiting for a correction."))
        return redirect("cases:application_detail", number=number)
    field_keys, material_keys = _return_keys(task)
    values = posted_values(request.POST, field_keys)
    materials: dict[str, int] = {}
    uploads = {}
    errors: dict[str, str] = {}
    for key in material_keys:
        upload: Upload | None
        file = request.FILES.get(f"materials.{key}")
        if file is not None:
            try:
                upload = upload_create(owner=request.user, file=file, field=f"materials.{key}")
            except FieldErrors as exc:
                errors.update(exc.errors)
                continue
        else:
            carried = request.POST.get(f"carried.materials.{key}", "")
            upload = upload_for_user(user=request.user, upload_id=int(carried)) if carried.isdigit() else None
        if upload is not None:
            materials[key] = upload.id
            uploads[key] = upload
    if not errors:
        try:
            application_correct(
                actor=request.user,
                application_id=application.pk,
                task_id=task.pk,
                values=values,
                materials=materials,
            )
        except FieldErrors as exc:
            errors = exc.errors
        except Conflict as exc:
            messages.error(request, str(exc))
            return redirect("cases:application_detail", number=number)
        except NotFound:
            raise Http404 from None
        else:
            messages.success(
                request,
                _("Your correction was sent to %(agency)s.") % {"agency": task.agency.name},
            )
            return redirect("cases:application_detail", number=number)
    return _render_application(
        request, application, correction=(task.pk, values, uploads, errors), status=400
    )


@login_required
def material(request: AuthenticatedHttpRequest, upload_id: int) -> FileResponse:
    """A stored file, to whoever may see it (`upload_view_for_user`); a look by anyone but the resident
    it is about is recorded."""
    view = upload_view_for_user(user=request.user, upload_id=upload_id)
    if view is None:
        raise Http404
    upload = view.upload
    path = upload_path(upload)
    if not path.is_file():
        raise Http404
    if not view.own:
        access_record(
            actor=request.user,
            resident_id=view.resident_id,
            kind=Access.Kind.DOCUMENT,
            purpose=view.purpose,
            application_id=view.application_id,
            task_id=view.task_id,
            upload_id=upload.pk,
            agency_id=view.agency_id,
            window_id=view.window_id,
        )
    response = FileResponse(path.open("rb"), content_type=upload.content_type, filename=upload.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
