"""Ratings (好差评): the applicant's form on the status page, and the supervisors' list of poor ratings
to follow up."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.cases.forms import RatingForm
from banshi.cases.models import Application, Rating
from banshi.cases.selectors import poor_ratings
from banshi.cases.services.rate import FINISHED, NOTE_MAX, application_rate, rating_follow_up
from banshi.directory.access import supervisor_required
from banshi.lib.personal import mask_name
from banshi.ui.forms import NamedErrorsForm
from banshi.ui.views import run_service


class FollowUpForm(NamedErrorsForm):
    note = forms.CharField(
        label=gettext_lazy("How was it followed up?"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Whom you spoke to, what was found, what was done."),
    )


def _row(rating: Rating, form: FollowUpForm | None = None) -> dict:
    application = rating.application
    applicant = application.applicant
    return {
        "rating": rating,
        "bundle": str(application.spec.name),
        "applicant": mask_name(applicant.display_name or applicant.username),
        "form": form or FollowUpForm(prefix=f"r{rating.pk}"),
    }


@supervisor_required
def supervise_ratings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET lists the poor ratings; POST records the follow-up of one (`rating` and its note)."""
    failed: tuple[int, FollowUpForm] | None = None
    if request.method == "POST":
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
                note=form.cleaned_data["note"],
            )
            if call.response is not None:
                return call.response
            if call.ok:
                messages.success(request, _("The follow-up was recorded."))
                return redirect(here)
        failed = (int(rating_id), form)
    to_follow_up = [
        _row(r, failed[1] if failed and failed[0] == r.pk else None) for r in poor_ratings(followed_up=False)
    ]
    context = {
        "to_follow_up": to_follow_up,
        "followed_up": [_row(r) for r in poor_ratings(followed_up=True, limit=50)],
        "errors": (
            [
                {"href": f"#{failed[1]['note'].auto_id}", "text": error}
                for error in failed[1].errors.get("note", [])
            ]
            if failed
            else []
        ),
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
