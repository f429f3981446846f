"""The pages of the selection rounds: the list and a round's page (its phase and dates, the accepted
proposals, the shortlist, the counts once a phase is closed), proposing (with the similar earlier
proposals shown while typing, by htmx), the opinion survey, the deputies' ballot, and the staff's
moderation, shortlisting and phase moves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.polls.services import residence_declare
from banshi.projects.models import Candidate, Proposal, Round
from banshi.projects.participation_access import may_run, organisers_for
from banshi.projects.participation_forms import (
    AdvanceForm,
    BallotForm,
    CandidateForm,
    ModerateForm,
    ProposalForm,
    SurveyForm,
)
from banshi.projects.participation_selectors import (
    residence_areas,
    round_get,
    round_page,
    rounds_list,
    similar_proposals,
)
from banshi.projects.services import rounds as services
from banshi.ui.forms import form_error_summary
from banshi.ui.views import run_service

NEXT_PHASE = {old: next(iter(moves)) for old, moves in Round.TRANSITIONS.items() if moves}


def _round(round_id: int) -> Round:
    found = round_get(round_id)
    if found is None:
        raise Http404
    return found


def _page(round_: Round) -> str:
    return reverse("projects:round_detail", kwargs={"round_id": round_.pk})


def _staff_round(request: HttpRequest, round_id: int) -> Round:
    round_ = _round(round_id)
    if not may_run(request.user, round_.organiser):
        raise Http404
    return round_


def round_list(request: HttpRequest) -> HttpResponse:
    context = {"rounds": rounds_list(), "organiser": organisers_for(request.user).exists()}
    return render(request, "projects/participation/round_list.html", context)


def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _round(round_id)
    page = round_page(round_, user=request.user, now=timezone.now())
    next_phase = NEXT_PHASE.get(Round.Phase(round_.phase))
    context = {
        "page": page,
        "round": round_,
        "phases": Round.Phase.choices,
        "next_phase": next_phase,
        "next_phase_label": Round.Phase(next_phase).label if next_phase else "",
        "candidate_form": CandidateForm(),
        "choices": dict(services.support_choices()),
    }
    return render(request, "projects/participation/round_detail.html", context)


@login_required
def proposal_new(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = _round(round_id)
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        call = run_service(
            request,
            services.proposal_submit,
            form=form,
            on_conflict=_page(round_),
            actor=request.user,
            round_id=round_.pk,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
        )
        if call.response is not None:
            return call.response
        if call.ok:
            messages.success(
                request, _("Thank you: your proposal was received. It is shown once a moderator accepts it.")
            )
            return redirect("projects:round_detail", round_id=round_.pk)
    status = 400 if form.errors else 200
    context = {
        "round": round_,
        "form": form,
        "errors": form_error_summary(form),
        "similar": similar_proposals(request.POST.get("title", "")) if request.method == "POST" else [],
    }
    return render(request, "projects/participation/proposal_form.html", context, status=status)


@require_GET
def proposal_similar(request: HttpRequest, round_id: int) -> HttpResponse:
    """The htmx fragment of the earlier proposals like the title being typed."""
    _round(round_id)
    found = similar_proposals(request.GET.get("title", "")[:120])
    return render(request, "projects/participation/_similar.html", {"similar": found})


@login_required
def round_survey(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = _round(round_id)
    candidates = list(Candidate.objects.filter(round=round_))
    form = SurveyForm(request.POST or None, candidates=candidates, choices=services.support_choices())
    if request.method == "POST" and form.is_valid():
        call = run_service(
            request,
            services.round_answer_survey,
            form=form,
            on_conflict=_page(round_),
            actor=request.user,
            round_id=round_.pk,
            answers=form.answers(),
        )
        if call.response is not None:
            return call.response
        if call.ok:
            messages.success(
                request,
                _("Thank you: your answers were recorded. The counts are published when the survey closes."),
            )
            return redirect("projects:round_detail", round_id=round_.pk)
    page = round_page(round_, user=request.user, now=timezone.now())
    context = {
        "round": round_,
        "form": form,
        "errors": form_error_summary(form),
        "page": page,
        "areas": residence_areas(round_) if round_.survey_residents_only and not page.may_answer else [],
    }
    return render(
        request, "projects/participation/survey_form.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def round_residence(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    """A resident says where they live, for a survey that asks only the residents of its area."""
    round_ = _round(round_id)
    call = run_service(
        request,
        residence_declare,
        on_conflict=reverse("projects:round_survey", kwargs={"round_id": round_.pk}),
        actor=request.user,
        area_code=request.POST.get("area", ""),
    )
    if call.response is not None:
        return call.response
    return redirect("projects:round_survey", round_id=round_.pk)


@login_required
def round_ballot(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = _round(round_id)
    candidates = list(Candidate.objects.filter(round=round_))
    form = BallotForm(request.POST or None, candidates=candidates, places=round_.places)
    if request.method == "POST" and form.is_valid():
        call = run_service(
            request,
            services.round_vote,
            form=form,
            on_conflict=_page(round_),
            actor=request.user,
            round_id=round_.pk,
            choices=form.cleaned_data["choices"],
        )
        if call.response is not None:
            return call.response
        if call.ok:
            messages.success(request, _("Your vote was cast. It is secret: nobody can see what you chose."))
            return redirect("projects:round_detail", round_id=round_.pk)
    page = round_page(round_, user=request.user, now=timezone.now())
    context = {"round": round_, "form": form, "errors": form_error_summary(form), "page": page}
    return render(
        request, "projects/participation/ballot_form.html", context, status=400 if form.errors else 200
    )


# --- staff ----------------------------------------------------------------------------------------


@login_required
@require_POST
def proposal_moderate(request: AuthenticatedHttpRequest, round_id: int, proposal_id: int) -> HttpResponse:
    round_ = _staff_round(request, round_id)
    form = ModerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("projects:round_detail", round_id=round_.pk)
    call = run_service(
        request,
        services.proposal_moderate,
        on_conflict=_page(round_),
        actor=request.user,
        proposal_id=proposal_id,
        accept=form.cleaned_data["decision"] == "accept",
        note=form.cleaned_data["note"],
    )
    if call.response is not None:
        return call.response
    messages.success(request, _("The proposal was moderated."))
    return redirect("projects:round_detail", round_id=round_.pk)


@login_required
def candidate_new(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = _staff_round(request, round_id)
    initial: dict[str, object] = {}
    wanted = request.GET.get("proposal", "")
    if wanted.isdigit():
        chosen = round_.proposals.filter(pk=int(wanted), status=Proposal.Status.ACCEPTED).first()
        if chosen is not None:
            initial = {"proposal": chosen.pk, "name": chosen.title, "description": chosen.text}
    form = CandidateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        call = run_service(
            request,
            services.candidate_shortlist,
            form=form,
            on_conflict=_page(round_),
            actor=request.user,
            round_id=round_.pk,
            name=data["name"],
            description=data["description"],
            cost=data["cost"],
            completion_date=data["completion_date"],
            proposal_id=data["proposal"],
        )
        if call.response is not None:
            return call.response
        if call.ok:
            messages.success(request, _("The candidate was shortlisted."))
            return redirect("projects:round_detail", round_id=round_.pk)
    context = {"round": round_, "form": form, "errors": form_error_summary(form)}
    return render(
        request, "projects/participation/candidate_form.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def round_advance(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = _staff_round(request, round_id)
    form = AdvanceForm(request.POST)
    if form.is_valid():
        call = run_service(
            request,
            services.round_advance,
            on_conflict=_page(round_),
            actor=request.user,
            round_id=round_.pk,
            to=form.cleaned_data["to"],
        )
        if call.response is not None:
            return call.response
        messages.success(
            request,
            _("The round moved to its phase: %(phase)s.")
            % {"phase": Round.Phase(form.cleaned_data["to"]).label},
        )
    return redirect("projects:round_detail", round_id=round_.pk)
