"""What owners, supervisors and administrators do with the register: an owner posts a progress update,
marks a milestone done, moves the status, links a residents' problem; the owner's list, the supervisors'
list of projects behind; the administrators' import with its preview."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from banshi.accounts.models import User
from banshi.directory.access import supervisor_required
from banshi.projects import selectors
from banshi.projects.forms import ImportForm, LinkReportForm, MilestoneForm, MoveForm, StageForm, UpdateForm
from banshi.projects.models import Milestone, Project
from banshi.projects.services import register as services
from banshi.projects.services.transfer import ImportProblems, import_apply, import_preview
from banshi.ui.forms import NamedErrorsForm, add_service_errors, form_error_summary
from banshi.ui.views import run_service

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

IMPORT_SESSION_KEY = "projects_import"
IMPORT_MAX_BYTES = 5 * 1024 * 1024


def _owned(request: HttpRequest, project_id: int) -> Project:
    project = selectors.project_by_id(project_id)
    if project is None:
        raise Http404
    if not selectors.can_edit(user=request.user, project=project):
        raise PermissionDenied
    return project


@login_required
@require_http_methods(["GET", "POST"])
def update_new(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _owned(request, project_id)
    indicators = list(project.indicators.all())
    form = UpdateForm(request.POST or None, request.FILES or None, indicators=indicators)
    if request.method == "POST" and form.is_valid():
        call = run_service(
            request,
            services.update_post,
            form=form,
            actor=request.user,
            project_id=project.pk,
            text=form.cleaned_data["text"],
            progress=form.cleaned_data["progress"],
            actuals=form.actuals(),
            photos=form.cleaned_data["photos"],
            documents=form.cleaned_data["documents"],
        )
        if call.response:
            return call.response
        if call.ok:
            messages.success(request, _("Your update is on the project's page."))
            return redirect("projects:detail", project.pk)
    context = {"project": project, "form": form, "errors": form_error_summary(form) if form.errors else []}
    return render(request, "projects/update_new.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def milestone_mark_done(request: HttpRequest, milestone_id: int) -> HttpResponse:
    milestone = Milestone.objects.filter(pk=milestone_id).only("project_id").first()
    if milestone is None:
        raise Http404
    _owned(request, milestone.project_id)
    call = run_service(
        request,
        services.milestone_done,
        actor=request.user,
        milestone_id=milestone_id,
        on_conflict=reverse("projects:detail", args=[milestone.project_id]),
    )
    if call.response:
        return call.response
    return redirect("projects:detail", milestone.project_id)


# The plan page's two forms: each its form, the service it calls and what it says when done.
PLAN_FORMS: dict[str, tuple[type[NamedErrorsForm], Callable[..., Any], StrOrPromise]] = {
    "milestone": (MilestoneForm, services.milestone_add, gettext_lazy("The milestone is planned.")),
    "stage": (StageForm, services.stage_set, gettext_lazy("The year's target is set.")),
}


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, project_id: int) -> HttpResponse:
    """The owner's plan of a project: its milestones (planned, reached, one planned by mistake taken out)
    and, for a project of several years, the progress promised for each year."""
    project = _owned(request, project_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action not in ("", "remove", *PLAN_FORMS):
        raise Http404
    plan_forms = {
        name: form_class(request.POST if action == name else None, prefix=name)
        for name, (form_class, _service, _done) in PLAN_FORMS.items()
    }
    here = reverse("projects:plan", args=[project.pk])
    if action in PLAN_FORMS and plan_forms[action].is_valid():
        _form_class, service, done = PLAN_FORMS[action]
        form = plan_forms[action]
        call = run_service(
            request, service, form=form, actor=request.user, project_id=project.pk, **form.cleaned_data
        )
        if call.ok:
            messages.success(request, str(done))
            return redirect(here)
    if action == "remove":
        chosen = _number(request.POST.get("milestone"))
        milestone = Milestone.objects.filter(pk=chosen, project=project).first() if chosen else None
        if milestone is None:
            raise Http404
        call = run_service(
            request,
            services.milestone_remove,
            actor=request.user,
            milestone_id=milestone.pk,
            on_conflict=here,
        )
        if call.response:
            return call.response
        messages.success(request, _("The milestone is taken out of the plan."))
        return redirect(here)
    bound = plan_forms.get(action)
    failed = bound is not None and bool(bound.errors)
    context = {
        "project": project,
        "milestones": list(project.milestones.order_by("due", "id")),
        "stages": list(project.stages.order_by("year")),
        "milestone_form": plan_forms["milestone"],
        "stage_form": plan_forms["stage"],
        "errors": form_error_summary(bound) if bound is not None and failed else [],
    }
    return render(request, "projects/plan.html", context, status=400 if failed else 200)


def _number(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 18 else None


@login_required
@require_POST
def project_move(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _owned(request, project_id)
    form = MoveForm(request.POST)
    back = reverse("projects:detail", args=[project.pk])
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect(back)
    call = run_service(
        request,
        services.project_move,
        actor=request.user,
        project_id=project.pk,
        status=form.cleaned_data["status"],
        reason=form.cleaned_data["reason"],
        on_conflict=back,
    )
    return call.response or redirect(back)


@login_required
@require_POST
def report_link(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _owned(request, project_id)
    form = LinkReportForm(request.POST)
    back = reverse("projects:detail", args=[project.pk])
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect(back)
    call = run_service(
        request,
        services.report_link,
        actor=request.user,
        project_id=project.pk,
        number=form.cleaned_data["number"],
        on_conflict=back,
    )
    return call.response or redirect(back)


@login_required
def my_projects(request: HttpRequest) -> HttpResponse:
    return render(request, "projects/mine.html", {"projects": selectors.projects_of_owner(user=request.user)})


@supervisor_required
def projects_behind(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    projects = list(selectors.behind_projects(today=today))
    reasons = selectors.behind_reasons(projects, today=today)
    rows = [(project, reasons.get(project.pk, [])) for project in projects]
    return render(request, "projects/behind.html", {"rows": rows, "today": today})


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """Step 1 reads the file and shows what would change (nothing written; the file is kept in the
    session under its hash); step 2, "apply", writes exactly that file."""
    if not selectors.can_import(user=request.user):
        raise PermissionDenied
    context: dict[str, object] = {}
    if request.method == "POST" and request.POST.get("apply"):
        kept = request.session.get(IMPORT_SESSION_KEY)
        if not kept or kept.get("digest") != request.POST.get("digest"):
            messages.error(request, _("Send the file again: the preview has expired."))
            return redirect("projects:import")
        data = base64.b64decode(kept["data"])
        try:
            plan = import_apply(
                actor=cast(User, request.user), data=data, file_format=kept["format"], kind=kept["kind"]
            )
        except ImportProblems as problems:
            context["problems"] = problems.problems
            return render(request, "projects/import.html", {"form": ImportForm(), **context}, status=400)
        del request.session[IMPORT_SESSION_KEY]
        messages.success(
            request,
            _("Imported: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
            % {"created": plan.created, "updated": plan.updated, "unchanged": plan.unchanged},
        )
        return redirect("projects:register")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        file_format = form.file_format()
        if not file_format:
            add_service_errors(form, {"file": _("must be a .csv or an .xlsx file")})
        elif upload.size > IMPORT_MAX_BYTES:
            add_service_errors(
                form, {"file": _("is larger than %(mb)d MB") % {"mb": IMPORT_MAX_BYTES // (1024 * 1024)}}
            )
        else:
            data = upload.read()
            try:
                call = run_service(
                    request,
                    import_preview,
                    form=form,
                    data=data,
                    file_format=file_format,
                    kind=form.cleaned_data["kind"],
                )
            except ImportProblems as problems:
                context["problems"] = problems.problems
                return render(request, "projects/import.html", {"form": form, **context}, status=400)
            if call.response:
                return call.response
            if call.ok:
                digest = hashlib.sha256(data).hexdigest()
                request.session[IMPORT_SESSION_KEY] = {
                    "digest": digest,
                    "data": base64.b64encode(data).decode("ascii"),
                    "format": file_format,
                    "kind": form.cleaned_data["kind"],
                }
                context.update({"plan": call.result, "digest": digest})
    status = 400 if form.errors else 200
    context["errors"] = form_error_summary(form) if form.errors else []
    return render(request, "projects/import.html", {"form": form, **context}, status=status)
