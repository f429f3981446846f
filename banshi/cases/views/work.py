"""The officers' work area: their agencies' queue and one task with its decisions."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.audit.models import Access
from banshi.audit.services import access_record
from banshi.cases import services
from banshi.cases.forms import ApproveForm, RejectForm, ReturnForm
from banshi.cases.models import Task
from banshi.cases.selectors import (
    corrections_for_task,
    queue_counts_for_officer,
    queue_for_officer,
    task_for_officer,
    task_view_for_officer,
)
from banshi.cases.services.decide import returnable_items
from banshi.cases.views.status import item_label
from banshi.certificates.selectors import certificates_for_task, is_number_shaped
from banshi.certificates.services import certificate_revoke
from banshi.directory.selectors import agencies_for_officer, agency_ids_for_officer
from banshi.lib.personal import mask_name
from banshi.ui.forms import NamedErrorsForm, form_error_summary
from banshi.ui.views import run_service

S = Task.Status


class RevokeForm(NamedErrorsForm):
    number = django_forms.CharField(widget=django_forms.HiddenInput, max_length=40)
    reason = django_forms.CharField(
        label=gettext_lazy("Reason for revoking"),
        max_length=1000,
        widget=django_forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Kept for your agency and the audit log; the public check only says the document was revoked."
        ),
    )


def _revoke_form(data: QueryDict | None = None, number: str = "") -> RevokeForm:
    # One form per document on the page: ids carry the number so that labels and error links match.
    auto_id = f"id_{number}-%s" if is_number_shaped(number) else "id_%s"
    return RevokeForm(data, prefix="revoke", auto_id=auto_id, initial={"number": number})


def _require_officer(request: AuthenticatedHttpRequest) -> None:
    if not agency_ids_for_officer(user=request.user):
        raise PermissionDenied


def _officer_task(request: AuthenticatedHttpRequest, task_id: int) -> Task:
    _require_officer(request)
    task = task_for_officer(user=request.user, task_id=task_id)
    if task is None:
        raise Http404
    return task


def _queue_row(task: Task, now: datetime) -> dict:
    applicant = task.application.applicant
    return {
        "task": task,
        "service": str(task.application.spec.services[task.service].name),
        "applicant": mask_name(applicant.display_name or applicant.username),
        "overdue": task.is_overdue(now),
        "due_today": task.is_due_today(now),
    }


@login_required
def work_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_officer(request)
    now = timezone.now()
    ready = [_queue_row(task, now) for task in queue_for_officer(user=request.user, status=S.READY)]
    mine = [
        _queue_row(task, now)
        for task in queue_for_officer(user=request.user, status=S.CLAIMED, claimed_by=request.user)
    ]
    context = {
        "agencies": list(agencies_for_officer(user=request.user)),
        "ready": ready,
        "mine": mine,
        "counts": queue_counts_for_officer(user=request.user, now=now),
    }
    return render(request, "cases/work_queue.html", context)


def _forms(task: Task, data: QueryDict | None = None, which: str = "") -> dict[str, NamedErrorsForm]:
    spec = task.application.spec
    produces = spec.services[task.service].produces
    items = [(item, item_label(spec, item)) for item in returnable_items(task)]
    return {
        "approve": ApproveForm(data if which == "approve" else None, produces=produces, prefix="approve"),
        "return": ReturnForm(data if which == "return" else None, items=items, prefix="return"),
        "reject": RejectForm(data if which == "reject" else None, prefix="reject"),
        "revoke": _revoke_form(data, data.get("revoke-number", ""))
        if which == "revoke" and data is not None
        else _revoke_form(),
    }


def _render_task(
    request: AuthenticatedHttpRequest,
    task: Task,
    forms: dict[str, NamedErrorsForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    application = task.application
    spec = application.spec
    service = spec.services[task.service]
    mine = task.status == S.CLAIMED and task.claimed_by_id == request.user.pk
    view = task_view_for_officer(officer=request.user, task=task)
    if view.full:
        access_record(
            actor=request.user,
            resident_id=application.applicant_id,
            kind=Access.Kind.CASE,
            purpose=Access.Purpose.TASK,
            application_id=application.pk,
            task_id=task.pk,
            agency_id=task.agency_id,
        )
    forms = forms or _forms(task)
    revoke = forms["revoke"]
    posted_number = revoke.data.get("revoke-number") if revoke.is_bound else None
    certificates = [
        {"certificate": c, "form": revoke if c.number == posted_number else _revoke_form(number=c.number)}
        for c in certificates_for_task(task=task)
    ]
    context = {
        "task": task,
        "application": application,
        "service": service,
        "service_name": str(service.name),
        "mine": mine,
        "full": view.full,
        "applicant": view.applicant,
        "overdue": task.is_overdue(timezone.now()),
        "fields": view.fields,
        "upstream": view.upstream,
        "materials": view.materials,
        "outputs": view.outputs,
        "duplicates": view.duplicates,
        "return_items": [item_label(spec, item) for item in task.return_items],
        "corrections": corrections_for_task(task=task, full=view.full),
        "certificates": certificates,
        "forms": forms,
        "errors": [item for form in forms.values() if form.is_bound for item in form_error_summary(form)],
    }
    return render(request, "cases/work_task.html", context, status=status)


@login_required
def work_task(request: AuthenticatedHttpRequest, task_id: int) -> HttpResponse:
    return _render_task(request, _officer_task(request, task_id))


def _form_service(
    action: str, task: Task, form: NamedErrorsForm
) -> tuple[Callable[..., Any], dict[str, Any]]:
    """The service an officer's form calls, with what the form gives it."""
    data = form.cleaned_data
    if action == "approve" and isinstance(form, ApproveForm):
        return services.task_approve, {"task_id": task.pk, "outputs": form.outputs()}
    if action == "return":
        return services.task_return, {"task_id": task.pk, "reason": data["reason"], "items": data["items"]}
    if action == "revoke":
        return certificate_revoke, {"number": data["number"], "reason": data["reason"]}
    if "application" in data.get("whole", []):
        return services.application_reject, {"task_id": task.pk, "reason": data["reason"]}
    return services.task_reject, {"task_id": task.pk, "reason": data["reason"]}


BUTTONS = {"claim": services.task_claim, "release": services.task_release}
FORMS = ("approve", "return", "reject", "revoke")


@login_required
@require_POST
def work_task_action(request: AuthenticatedHttpRequest, task_id: int, action: str) -> HttpResponse:
    task = _officer_task(request, task_id)
    here = reverse("cases:work_task", args=[task.pk])
    if action in BUTTONS:
        call = run_service(request, BUTTONS[action], on_conflict=here, actor=request.user, task_id=task.pk)
    elif action in FORMS:
        forms = _forms(task, request.POST, which=action)
        form = forms[action]
        if not form.is_valid():
            return _render_task(request, task, forms, status=400)
        if action == "reject" and request.POST.get("confirmed") != "yes":
            # Refusing cannot be undone: a page of its own asks first (no script needed).
            return render(
                request,
                "cases/work_task_reject_confirm.html",
                {
                    "task": task,
                    "service_name": str(task.spec.name),
                    "form": form,
                    "whole": "application" in form.cleaned_data.get("whole", []),
                },
            )
        service, kwargs = _form_service(action, task, form)
        call = run_service(request, service, form=form, on_conflict=here, actor=request.user, **kwargs)
        if not call.ok and call.response is None:
            return _render_task(request, task, forms, status=400)
    else:
        raise Http404
    if call.response is not None:
        return call.response
    if action == "claim":
        return redirect(here)
    messages.success(request, _done_message(action))
    if action == "revoke":
        return redirect(here)
    return redirect("cases:work_queue")


def _done_message(action: str) -> str:
    return {
        "release": _("You put the task back in the queue."),
        "approve": _("Approved. The services that needed it are now in their agencies' queues."),
        "return": _("Returned to the applicant for correction."),
        "reject": _("Refused. The applicant has been told why."),
        "revoke": _("Revoked. Anyone who checks the document's number now sees that it is no longer valid."),
    }[action]
