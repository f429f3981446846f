"""How an application's results reach the resident: the resident (or the clerk of the window that
accepted it) chooses collecting or posting, with the full postal address; an officer records the posting
with its tracking number (from the task page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.cases.forms import DeliveryForm, PostForm
from banshi.cases.models import Application
from banshi.cases.selectors import application_for_owner, application_for_window
from banshi.cases.services import application_delivery_set, application_results_sent
from banshi.directory.selectors import window_for_clerk
from banshi.ui.forms import form_error_summary
from banshi.ui.views import run_service, safe_next


def _delivery_page(
    request: AuthenticatedHttpRequest, application: Application, back: str, form: DeliveryForm | None
) -> HttpResponse:
    if form is None:
        initial = {"delivery": application.result_delivery}
        if application.applicant_id == request.user.pk:  # their own address; a clerk asks it anew
            initial |= {
                "recipient": application.post_recipient or application.applicant.display_name,
                "phone": application.post_phone or application.applicant.phone or "",
                "address": application.post_address,
                "postcode": application.post_postcode,
            }
        form = DeliveryForm(initial=initial)
    context = {
        "application": application,
        "spec": application.spec,
        "form": form,
        "back": back,
        "errors": form_error_summary(form) if form.is_bound else [],
    }
    return render(request, "cases/application_delivery.html", context, status=400 if form.is_bound else 200)


def _delivery(request: AuthenticatedHttpRequest, application: Application, back: str) -> HttpResponse:
    if request.method != "POST":
        return _delivery_page(request, application, back, None)
    form = DeliveryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        call = run_service(
            request,
            application_delivery_set,
            form=form,
            on_conflict=back,
            actor=request.user,
            application_id=application.pk,
            delivery=data["delivery"],
            recipient=data["recipient"],
            phone=data["phone"],
            address=data["address"],
            postcode=data["postcode"],
        )
        if call.response is not None:
            return call.response
        if call.ok:
            if data["delivery"] == Application.ResultDelivery.POST:
                messages.success(request, _("The results will be posted to the address given."))
            else:
                messages.success(request, _("The results will be collected at the window."))
            return redirect(back)
    return _delivery_page(request, application, back, form)


@login_required
def application_delivery(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """The resident's own choice, from their status page."""
    application = application_for_owner(user=request.user, number=number)
    if application is None:
        raise Http404
    return _delivery(request, application, application.get_absolute_url())


@login_required
def window_delivery(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """The clerk's, for a resident whose application their window accepted."""
    window = window_for_clerk(user=request.user)
    application = application_for_window(window=window, number=number) if window else None
    if application is None:
        raise Http404
    return _delivery(request, application, reverse("cases:window_application", args=[number]))


@login_required
@require_POST
def application_post(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    application_id = Application.objects.filter(number=number).values_list("pk", flat=True).first()
    if application_id is None:
        raise Http404
    back = safe_next(request, fallback=reverse("cases:work_queue"))
    form = PostForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    call = run_service(
        request,
        application_results_sent,
        on_conflict=back,
        actor=request.user,
        application_id=application_id,
        delivery=Application.ResultDelivery.POST,
        tracking_number=form.cleaned_data["tracking_number"],
    )
    if call.ok:
        messages.success(request, _("The posting of the results was recorded."))
    return call.response or redirect(back)
