"""Ratings (好差评): the applicant's form on the status page, and the supervisors' list of poor ratings
to follow up."""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.audit.models import Access
from banshi.audit.services import access_record
from banshi.cases.forms import FollowUpForm, RatingForm
from banshi.cases.models import Application, Rating
from banshi.cases.selectors import application_for_supervisor, poor_ratings
from banshi.cases.services.rate import FINISHED, application_rate, rating_follow_up
from banshi.directory.access import supervisor_required
from banshi.lib.personal import mask_name, mask_phone
from banshi.ui.forms import form_error_summary
from banshi.ui.views import run_service


def _row(rating: Rating, form: FollowUpForm | None = None, revealed: int | None = None) -> dict:
    application = rating.application
    applicant = application.applicant
    phone = applicant.phone or ""
    return {
        "rating": rating,
        "bundle": str(application.spec.name),
        "applicant": mask_name(applicant.display_name or applicant.username),
        "phone": phone if revealed == rating.pk else mask_phone(phone),
        "phone_shown": revealed == rating.pk and bool(phone),
        "has_phone": bool(phone),
        "form": form or FollowUpForm(prefix=f"r{rating.pk}"),
    }


@supervisor_required
@require_POST
def supervise_rating_phone(request: AuthenticatedHttpRequest, rating_id: int) -> HttpResponse:
    """Show the number to call back a poor rating's applicant, recorded as a full view."""
    rating = Rating.objects.select_related("application").filter(pk=rating_id, level__in=Rating.POOR).first()
    if rating is None:
        raise Http404
    application = rating.application
    access_record(
        actor=request.user,
        resident_id=application.applicant_id,
        kind=Access.Kind.CONTACT,
        purpose=Access.Purpose.FOLLOW_UP,
        application_id=application.pk,
    )
    return _ratings_page(request, revealed=rating.pk)


@supervisor_required
def supervise_application(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """An application as a supervisor follows it up: its services, agencies and times; no personal data."""
    application = application_for_supervisor(number=number)
    if application is None:
        raise Http404
    spec = application.spec
    rows = [
        {"task": task, "name": str(spec.services[task.service].name), "agency": task.agency.name}
        for task in application.tasks.all()
    ]
    context = {
        "application": application,
        "spec": spec,
        "rows": rows,
        "applicant": mask_name(application.applicant.display_name or application.applicant.username),
        "rating": Rating.objects.filter(application=application).first(),
    }
    return render(request, "cases/supervise_application.html", context)


@supervisor_required
def supervise_ratings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET lists the poor ratings; POST records the follow-up of one (`rating`, its outcome and note)."""
    return _ratings_page(request)


def _ratings_page(request: AuthenticatedHttpRequest, revealed: int | None = None) -> HttpResponse:
    failed: tuple[int, FollowUpForm] | None = None
    if request.method == "POST" and revealed is None:
        rating_id = request.POST.get("rating", "")
        if not rating_id.isdigit():
            raise Http404
        form = FollowUpForm(request.POST, prefix=f"r{rating_id}")
        if form.is_valid():
            here = reverse("cases:supervise_ratings")
            call = run_service(
                request,
                rating_follow_up,
                form=form,
                on_conflict=here,
                actor=request.user,
                rating_id=int(rating_id),
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
            if call.response is not None:
                return call.response
            if call.ok:
                messages.success(request, _("The follow-up was recorded."))
                return redirect(here)
        failed = (int(rating_id), form)
    to_follow_up = [
        _row(r, failed[1] if failed and failed[0] == r.pk else None, revealed)
        for r in poor_ratings(followed_up=False)
    ]
    context = {
        "to_follow_up": to_follow_up,
        "followed_up": [_row(r) for r in poor_ratings(followed_up=True, limit=50)],
        "errors": form_error_summary(failed[1]) if failed else [],
    }
    return render(request, "cases/supervise_ratings.html", context, status=400 if failed else 200)


def rating_context(application: Application, form: RatingForm | None = None) -> dict:
    """The rating part of the status page: the rating given, or the form once the application is
    finished."""
    if application.status not in FINISHED:
        return {}
    rating = Rating.objects.filter(application=application).first()
    form = None if rating else (form or RatingForm())
    errors = []
    if form is not None and form.is_bound:
        anchors = {"level": "#id_level_0", "comment": "#id_comment"}
        errors = [
            {"href": anchors.get(name, ""), "text": message}
            for name, messages_ in form.errors.items()
            for message in messages_
        ]
    return {"rating": rating, "rating_form": form, "rating_errors": errors}


def rating_post(
    request: AuthenticatedHttpRequest,
    application: Application,
    *,
    render_page: Callable[[RatingForm], HttpResponse],
) -> HttpResponse:
    """The applicant's rating, posted from the status page; `render_page(form)` shows the page again
    with the form's errors."""
    form = RatingForm(request.POST)
    if form.is_valid():
        here = application.get_absolute_url()
        call = run_service(
            request,
            application_rate,
            form=form,
            on_conflict=here,
            actor=request.user,
            application_id=application.pk,
            level=form.cleaned_data["level"],
            comment=form.cleaned_data["comment"],
        )
        if call.response is not None:
            return call.response
        if call.ok:
            messages.success(request, _("Thank you for rating this application."))
            return redirect(here)
    return render_page(form)
