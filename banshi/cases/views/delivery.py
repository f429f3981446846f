"""An officer records that an application's results were posted to the resident (from the task page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.cases.forms import PostForm
from banshi.cases.models import Application
from banshi.cases.services import application_results_sent
from banshi.ui.views import run_service, safe_next


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
