"""The staff's pages that open a selection round, a consultation and an on-site office session, for a
unit they may organise for (`participation_access.organisers_for`)."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.projects.participation_access import organisers_for
from banshi.projects.participation_forms import ConsultationForm, RoundForm, SessionForm
from banshi.projects.services import consultations, rounds
from banshi.ui.forms import form_error_summary
from banshi.ui.views import run_service

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from banshi.directory.models import Agency


def _organisers(request: AuthenticatedHttpRequest) -> QuerySet[Agency]:
    organisers = organisers_for(request.user)
    if not organisers.exists():
        raise Http404
    return organisers


def _page(request: AuthenticatedHttpRequest, form: forms.Form, heading: str, button: str) -> HttpResponse:
    context = {"form": form, "errors": form_error_summary(form), "heading": heading, "button": button}
    status = 400 if form.errors else 200
    return render(request, "projects/participation/new.html", context, status=status)


@login_required
def round_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None, organisers=_organisers(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        numerator, denominator = (int(part) for part in data["threshold"].split("/"))
        call = run_service(
            request,
            rounds.round_create,
            form=form,
            actor=request.user,
            title=data["title"],
            level=data["level"],
            area=data["area"],
            year=data["year"],
            organiser=data["organiser"],
            places=data["places"],
            threshold=Fraction(numerator, denominator),
            survey_residents_only=data["survey_residents_only"],
            proposals_close_at=data["proposals_close_at"],
            survey_opens_at=data["survey_opens_at"],
            survey_closes_at=data["survey_closes_at"],
            vote_opens_at=data["vote_opens_at"],
            vote_closes_at=data["vote_closes_at"],
        )
        if call.response is not None:
            return call.response
        if call.ok:
            messages.success(request, _("The round was opened for proposals."))
            return redirect("projects:round_detail", round_id=call.result.pk)
    return _page(request, form, _("Open a selection round"), _("Open the round"))


@login_required
def consultation_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ConsultationForm(request.POST or None, organisers=_organisers(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        call = run_service(
            request,
            consultations.consultation_open,
            form=form,
            actor=request.user,
            title=data["title"],
            draft=data["draft"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            organiser=data["organiser"],
            area=data["area"],
            project=data["project"],
        )
        if call.response is not None:
            return call.response
        if call.ok:
            messages.success(request, _("The consultation was opened."))
            return redirect("projects:consultation_detail", consultation_id=call.result.pk)
    return _page(request, form, _("Consult residents on a draft plan"), _("Open the consultation"))


@login_required
def session_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SessionForm(request.POST or None, organisers=_organisers(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        call = run_service(
            request,
            consultations.session_record,
            form=form,
            actor=request.user,
            title=data["title"],
            place=data["place"],
            held_at=data["held_at"],
            organiser=data["organiser"],
            units=list(data["units"]),
            area=data["area"],
            project=data["project"],
        )
        if call.response is not None:
            return call.response
        if call.ok:
            messages.success(request, _("The on-site office session was recorded."))
            return redirect("projects:session_detail", session_id=call.result.pk)
    return _page(request, form, _("Record an on-site office session"), _("Record the session"))
