"""The pages of consultations on a draft plan, on-site office sessions, and the year-end verdicts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.lib.personal import mask_name
from banshi.projects.models import (
    Comment,
    Consultation,
    ConsultationFile,
    OnSiteSession,
    Project,
    SessionProblem,
)
from banshi.projects.participation_access import may_run, organisers_for
from banshi.projects.participation_forms import (
    CommentForm,
    FileForm,
    FileProblemForm,
    FinaliseForm,
    ReplyForm,
    SessionProblemForm,
    VerdictForm,
)
from banshi.projects.participation_selectors import (
    consultations_list,
    filing_categories,
    sessions_list,
    verdicts_page,
)
from banshi.projects.services import consultations as services
from banshi.projects.services.verdicts import verdict_give
from banshi.ui.forms import form_error_summary
from banshi.ui.views import run_service, safe_next


def _consultation(consultation_id: int) -> Consultation:
    return get_object_or_404(
        Consultation.objects.select_related("organiser", "area", "project"), pk=consultation_id
    )


def consultation_list(request: HttpRequest) -> HttpResponse:
    context = {
        "consultations": consultations_list(),
        "sessions": sessions_list()[:20],
        "organiser": organisers_for(request.user).exists(),
    }
    return render(request, "projects/participation/consultation_list.html", context)


def _consultation_page(
    request: HttpRequest, consultation: Consultation, *, form: CommentForm | None = None, status: int = 200
) -> HttpResponse:
    form = form or CommentForm()
    comments = list(consultation.comments.select_related("author"))
    for comment in comments:
        comment.author_shown = mask_name(comment.author.display_name or "")  # type: ignore[attr-defined]
    staff = may_run(request.user, consultation.organiser)
    context = {
        "consultation": consultation,
        "is_open": services.consultation_is_open(consultation, timezone.now()),
        "comments": comments,
        "agree": sum(c.stance == Comment.Stance.AGREE for c in comments),
        "disagree": sum(c.stance == Comment.Stance.DISAGREE for c in comments),
        "files": list(consultation.files.defer("data")),
        "form": form,
        "errors": form_error_summary(form),
        "staff": staff,
        "reply_form": ReplyForm(),
        "finalise_form": FinaliseForm(initial={"final_plan": consultation.draft}) if staff else None,
        "file_form": FileForm() if staff else None,
    }
    return render(request, "projects/participation/consultation_detail.html", context, status=status)


def consultation_detail(request: HttpRequest, consultation_id: int) -> HttpResponse:
    return _consultation_page(request, _consultation(consultation_id))


@login_required
@require_POST
def consultation_comment(request: AuthenticatedHttpRequest, consultation_id: int) -> HttpResponse:
    consultation = _consultation(consultation_id)
    form = CommentForm(request.POST)
    page = reverse("projects:consultation_detail", kwargs={"consultation_id": consultation.pk})
    if form.is_valid():
        call = run_service(
            request,
            services.comment_add,
            form=form,
            on_conflict=page,
            actor=request.user,
            consultation_id=consultation.pk,
            stance=form.cleaned_data["stance"],
            text=form.cleaned_data["text"],
        )
        if call.response is not None:
            return call.response
        if call.ok:
            messages.success(request, _("Thank you: your opinion was recorded."))
            return redirect(page)
    return _consultation_page(request, consultation, form=form, status=400)


@login_required
@require_POST
def comment_reply(request: AuthenticatedHttpRequest, consultation_id: int, comment_id: int) -> HttpResponse:
    consultation = _consultation(consultation_id)
    if not may_run(request.user, consultation.organiser):
        raise Http404
    page = reverse("projects:consultation_detail", kwargs={"consultation_id": consultation.pk})
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(page)
    get_object_or_404(Comment, pk=comment_id, consultation=consultation)
    call = run_service(
        request,
        services.comment_reply,
        on_conflict=page,
        actor=request.user,
        comment_id=comment_id,
        reply=form.cleaned_data["reply"],
    )
    if call.response is not None:
        return call.response
    messages.success(request, _("Your reply was published."))
    return redirect(page)


@login_required
@require_POST
def consultation_finalise(request: AuthenticatedHttpRequest, consultation_id: int) -> HttpResponse:
    consultation = _consultation(consultation_id)
    if not may_run(request.user, consultation.organiser):
        raise Http404
    page = reverse("projects:consultation_detail", kwargs={"consultation_id": consultation.pk})
    form = FinaliseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(page)
    call = run_service(
        request,
        services.consultation_finalise,
        on_conflict=page,
        actor=request.user,
        consultation_id=consultation.pk,
        final_plan=form.cleaned_data["final_plan"],
        changes=form.cleaned_data["changes"],
    )
    if call.response is not None:
        return call.response
    messages.success(request, _("The final plan was published."))
    return redirect(page)


@login_required
@require_POST
def consultation_file_add(request: AuthenticatedHttpRequest, consultation_id: int) -> HttpResponse:
    consultation = _consultation(consultation_id)
    if not may_run(request.user, consultation.organiser):
        raise Http404
    page = reverse("projects:consultation_detail", kwargs={"consultation_id": consultation.pk})
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to add."))
        return redirect(page)
    call = run_service(
        request,
        services.consultation_file_add,
        on_conflict=page,
        actor=request.user,
        consultation_id=consultation.pk,
        file=form.cleaned_data["file"],
    )
    if call.response is not None:
        return call.response
    messages.success(request, _("The file was added."))
    return redirect(page)


def consultation_file(request: HttpRequest, consultation_id: int, file_id: int) -> HttpResponse:
    stored = get_object_or_404(ConsultationFile, pk=file_id, consultation_id=consultation_id)
    kind = "application/pdf" if stored.kind == ConsultationFile.Kind.PDF else "image/jpeg"
    response = HttpResponse(bytes(stored.data), content_type=kind)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- on-site office sessions ------------------------------------------------------------------


def _session(session_id: int) -> OnSiteSession:
    return get_object_or_404(
        OnSiteSession.objects.select_related("organiser", "area", "project").prefetch_related("units"),
        pk=session_id,
    )


def _session_page(
    request: HttpRequest, session: OnSiteSession, *, form: SessionProblemForm | None = None, status: int = 200
) -> HttpResponse:
    staff = may_run(request.user, session.organiser)
    form = form or SessionProblemForm()
    categories = [(c.code, c.name) for c in filing_categories()] if staff else []
    context = {
        "session": session,
        "problems": list(session.problems.all()),
        "staff": staff,
        "form": form,
        "errors": form_error_summary(form),
        "file_form": FileProblemForm(categories=categories) if staff else None,
    }
    return render(request, "projects/participation/session_detail.html", context, status=status)


def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    return _session_page(request, _session(session_id))


@login_required
@require_POST
def session_problem_add(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = _session(session_id)
    if not may_run(request.user, session.organiser):
        raise Http404
    form = SessionProblemForm(request.POST)
    page = reverse("projects:session_detail", kwargs={"session_id": session.pk})
    if form.is_valid():
        call = run_service(
            request,
            services.session_problem_record,
            form=form,
            on_conflict=page,
            actor=request.user,
            session_id=session.pk,
            problem=form.cleaned_data["problem"],
            answer=form.cleaned_data["answer"],
        )
        if call.response is not None:
            return call.response
        if call.ok:
            messages.success(request, _("The problem and its answer were recorded."))
            return redirect(page)
    return _session_page(request, session, form=form, status=400)


@login_required
@require_POST
def session_problem_file(request: AuthenticatedHttpRequest, session_id: int, problem_id: int) -> HttpResponse:
    session = _session(session_id)
    if not may_run(request.user, session.organiser):
        raise Http404
    get_object_or_404(SessionProblem, pk=problem_id, session=session)
    page = reverse("projects:session_detail", kwargs={"session_id": session.pk})
    call = run_service(
        request,
        services.session_problem_file,
        on_conflict=page,
        actor=request.user,
        problem_id=problem_id,
        category=request.POST.get("category", ""),
    )
    if call.response is not None:
        return call.response
    messages.success(
        request,
        _("Filed as problem report %(number)s, routed like any other.")
        % {"number": call.result.report_number},
    )
    return redirect(page)


# --- the year-end verdict ----------------------------------------------------------------------


@login_required
@require_POST
def verdict_new(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=project_id)
    page = safe_next(request, reverse("projects:verdicts"))
    form = VerdictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the ratings."))
        return redirect(page)
    call = run_service(
        request,
        verdict_give,
        on_conflict=page,
        actor=request.user,
        project_id=project.pk,
        rating=form.cleaned_data["rating"],
    )
    if call.response is not None:
        return call.response
    messages.success(request, _("Thank you: your verdict was recorded."))
    return redirect(page)


def verdict_list(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    rows = verdicts_page(year=int(year) if year.isdigit() and len(year) == 4 else None)
    return render(request, "projects/participation/verdicts.html", {"rows": rows, "form": VerdictForm()})
