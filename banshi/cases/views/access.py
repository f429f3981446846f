"""The supervisors' record of who looked at whose personal data, filtered by resident, viewer and dates."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.audit.selectors import accesses
from banshi.cases.selectors import access_rows, user_by_login
from banshi.directory.access import supervisor_required
from banshi.ui.forms import NamedErrorsForm, form_error_summary

PER_PAGE = 50


class AccessFilterForm(NamedErrorsForm):
    resident = forms.CharField(
        label=gettext_lazy("Resident"),
        required=False,
        max_length=150,
        help_text=gettext_lazy("Their mobile number or user name."),
    )
    viewer = forms.CharField(
        label=gettext_lazy("Member of staff"),
        required=False,
        max_length=150,
        help_text=gettext_lazy("Their mobile number or user name."),
    )
    since = forms.DateField(
        label=gettext_lazy("First day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("Last day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("resident", "viewer"):
            login = data.get(name)
            if login:
                user = user_by_login(login=login)
                if user is None:
                    self.add_error(name, _("matches no account"))
                data[f"{name}_user"] = user
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("must not be before the first day"))
        return data


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


@supervisor_required
def supervise_access(request: HttpRequest) -> HttpResponse:
    form = AccessFilterForm(request.GET or None)
    status = 200
    records = None
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        resident, viewer = data.get("resident_user"), data.get("viewer_user")
        since, until = data.get("since"), data.get("until")
        records = accesses(
            resident_id=resident.pk if resident else None,
            actor_id=viewer.pk if viewer else None,
            since=_day_start(since) if since else None,
            until=_day_start(until + timedelta(days=1)) if until else None,
        )
    page = Paginator(records, PER_PAGE).get_page(request.GET.get("page")) if records is not None else None
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "errors": form_error_summary(form) if form.is_bound else [],
        "page": page,
        "rows": access_rows(list(page.object_list)) if page else [],
        "query": query.urlencode(),
    }
    return render(request, "cases/supervise_access.html", context, status=status)
