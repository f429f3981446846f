"""An officer records that an application's results were posted to the resident (from the task page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from banshi.cases.models import Application
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.remote.forms import PostForm
from banshi.remote.services import application_post
from banshi.web.views.site import safe_next


@login_required
@require_POST
def remote_application_post(request, number: str):
    application_id = Application.objects.filter(number=number).values_list("pk", flat=True).first()
    if application_id is None:
        raise Http404
    back = safe_next(request, fallback="/work/")
    form = PostForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        application_post(
            actor=request.user,
            application_id=application_id,
            tracking_number=form.cleaned_data["tracking_number"],
        )
    except FieldErrors as exc:
        messages.error(request, "; ".join(exc.errors.values()))
    except Conflict as exc:
        messages.error(request, str(exc))
    except NotFound:
        raise Http404 from None
    else:
        messages.success(request, _("The posting of the results was recorded."))
    return redirect(back)
