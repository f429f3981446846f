"""The window clerk's console (综合窗口): find or open a walk-in resident's account, fill in the one
form for them (the resident's own pages, see `apply.Flow`), have them confirm with a code texted to
their phone, and hand over or post the results of the applications accepted at the window."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from banshi.accounts import throttle
from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.accounts.models import User
from banshi.accounts.selectors import resident_by_id, resident_by_phone
from banshi.audit.models import Access
from banshi.audit.services import access_record
from banshi.cases.draft import draft_finish, draft_submitted, drafts_of_others_forget
from banshi.cases.models import Application, Task
from banshi.cases.selectors import (
    application_for_window,
    application_progress,
    applications_for_window,
    applications_of_resident,
    applications_to_hand_over_count,
    identity_confirmed,
)
from banshi.cases.services.delivery import application_results_sent
from banshi.cases.services.window import (
    application_submit_at_window,
    identity_code_send,
    identity_confirm,
    resident_create,
)
from banshi.cases.views.apply import apply_flow, draft_uploads, draft_with_answers, open_spec, submission
from banshi.cases.views.status import RESIDENT_STATES, subject_name
from banshi.catalog.selectors import bundles_open
from banshi.certificates.selectors import certificates_for_application
from banshi.directory.models import Window
from banshi.directory.selectors import window_for_clerk
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.lib.personal import mask_name, mask_phone, normalise_phone, phone_problem
from banshi.ui.forms import NamedErrorsForm, SmsCodeField, add_service_errors, form_error_summary

PHONE_WIDGET = forms.TextInput(
    attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "off", "maxlength": "11"}
)


class PhoneField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label=gettext_lazy("Mobile number"), max_length=11, widget=PHONE_WIDGET, **kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if problem := phone_problem(value):
            raise forms.ValidationError(_(problem))
        return normalise_phone(value)


class ResidentSearchForm(NamedErrorsForm):
    phone = PhoneField(help_text=gettext_lazy("The resident's mobile number, all 11 digits."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the page can show this form and the account form, both with a phone input.
        kwargs.setdefault("auto_id", "search_%s")
        super().__init__(*args, **kwargs)


class ResidentCreateForm(NamedErrorsForm):
    phone = PhoneField()
    display_name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("As on the resident's ID card."),
    )


class ConfirmCodeForm(NamedErrorsForm):
    code = SmsCodeField(
        label=gettext_lazy("Confirmation code"),
        help_text=gettext_lazy("The 6 digits the resident reads out from the text message."),
    )


class HandOverForm(NamedErrorsForm):
    delivery = forms.ChoiceField(
        label=gettext_lazy("How do the results leave the window?"),
        choices=Application.ResultDelivery.choices,
        initial=Application.ResultDelivery.WINDOW,
        widget=forms.RadioSelect,
    )
    tracking_number = forms.CharField(
        label=gettext_lazy("Postal tracking number"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Needed when the results are posted."),
    )


def _clerk_window(request: AuthenticatedHttpRequest) -> Window:
    window = window_for_clerk(user=request.user)
    if window is None:
        raise PermissionDenied
    return window


def _window_application(request: AuthenticatedHttpRequest, number: str) -> tuple[Window, Application]:
    window = _clerk_window(request)
    application = application_for_window(window=window, number=number)
    if application is None:
        raise Http404
    return window, application


def _resident(resident_id: int) -> User:
    resident = resident_by_id(user_id=resident_id)
    if resident is None:
        raise Http404
    return resident


def _masked(user: User) -> dict[str, str]:
    return {"name": mask_name(user.display_name or ""), "phone": mask_phone(user.phone or "")}


def _rows(applications: Iterable[Application]) -> list[dict]:
    return [
        {
            "application": application,
            "name": str(application.spec.name),
            "applicant": _masked(application.applicant),
        }
        for application in applications
    ]


@login_required
def window_console(request: AuthenticatedHttpRequest) -> HttpResponse:
    window = _clerk_window(request)
    search = ResidentSearchForm(request.GET if "phone" in request.GET else None)
    create = None
    if search.is_bound and search.is_valid():
        resident = resident_by_phone(phone=search.cleaned_data["phone"])
        if resident is not None:
            return redirect("cases:window_resident", resident_id=resident.pk)
        create = ResidentCreateForm(initial={"phone": search.cleaned_data["phone"]})
    context = {
        "window": window,
        "search": search,
        "create": create,
        "errors": form_error_summary(search) if search.is_bound else [],
        "ready": applications_to_hand_over_count(window=window),
    }
    return render(request, "cases/window_console.html", context, status=400 if search.errors else 200)


@login_required
@require_POST
def window_resident_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    window = _clerk_window(request)
    form = ResidentCreateForm(request.POST)
    if form.is_valid():
        try:
            resident = resident_create(
                actor=request.user,
                window=window,
                phone=form.cleaned_data["phone"],
                display_name=form.cleaned_data["display_name"],
            )
        except FieldErrors as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, _("The resident's account was opened. They can set a password later."))
            return redirect("cases:window_resident", resident_id=resident.pk)
    context = {
        "window": window,
        "search": ResidentSearchForm(initial={"phone": request.POST.get("phone", "")}),
        "create": form,
        "errors": form_error_summary(form),
        "ready": None,
    }
    return render(request, "cases/window_console.html", context, status=400)


def _resident_page(
    request: AuthenticatedHttpRequest,
    window: Window,
    resident: User,
    code_form: "ConfirmCodeForm | None" = None,
    status: int = 200,
) -> HttpResponse:
    """The resident being served: their open and past applications of every channel, masked until the
    resident confirms by a code texted to them; each full view is recorded."""
    full = identity_confirmed(clerk=request.user, window=window, resident=resident, now=timezone.now())
    if full:
        access_record(
            actor=request.user,
            resident_id=resident.pk,
            kind=Access.Kind.CASE,
            purpose=Access.Purpose.WINDOW,
            window_id=window.pk,
        )
    bundles = [
        {
            "code": bundle.code,
            "spec": bundle.current_spec,
            "url": reverse("cases:window_apply_questions", args=[resident.pk, bundle.code]),
        }
        for bundle in bundles_open()
    ]
    open_rows: list[dict[str, Any]] = []
    past_rows: list[dict[str, Any]] = []
    for application in applications_of_resident(resident=resident):
        subject = subject_name(application.spec, application.values)
        row = {
            "application": application,
            "name": str(application.spec.name),
            "subject": subject if full else mask_name(subject),
            "done": application_progress(application)[0],
            "total": application_progress(application)[1],
            "here": application.window_id == window.pk,
        }
        (open_rows if application.status in Application.OPEN else past_rows).append(row)
    code_form = code_form or ConfirmCodeForm()
    context = {
        "window": window,
        "resident": (
            {"name": resident.display_name, "phone": resident.phone or ""} if full else _masked(resident)
        ),
        "resident_id": resident.pk,
        "full": full,
        "bundles": bundles,
        "open_rows": open_rows,
        "past_rows": past_rows,
        "code_form": code_form,
        "errors": form_error_summary(code_form) if code_form.is_bound else [],
    }
    return render(request, "cases/window_resident.html", context, status=status)


@login_required
def window_resident(request: AuthenticatedHttpRequest, resident_id: int) -> HttpResponse:
    window = _clerk_window(request)
    resident = _resident(resident_id)
    drafts_of_others_forget(request.user, resident.pk)
    return _resident_page(request, window, resident)


@login_required
@require_POST
def window_resident_identity(request: AuthenticatedHttpRequest, resident_id: int) -> HttpResponse:
    """`send` texts the resident a code; otherwise the code they read out is checked."""
    window = _clerk_window(request)
    resident = _resident(resident_id)
    here = reverse("cases:window_resident", args=[resident.pk])
    if "send" in request.POST:
        try:
            identity_code_send(actor=request.user, window=window, resident=resident)
        except Conflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("A code was texted to the resident. Ask them to read it out."))
        return redirect(here)
    refusal = throttle.locked_out(request, account=request.user.get_username())
    if refusal is not None:
        return refusal
    form = ConfirmCodeForm(request.POST)
    if form.is_valid():
        try:
            identity_confirm(
                actor=request.user, window=window, resident=resident, code=form.cleaned_data["code"]
            )
        except FieldErrors as exc:
            add_service_errors(form, exc.errors)
            throttle.failed_try_record(request, account=request.user.get_username())
        else:
            messages.success(request, _("The resident confirmed: their details are shown in full."))
            return redirect(here)
    return _resident_page(request, window, resident, code_form=form, status=400)


@login_required
def window_apply_confirm(request: AuthenticatedHttpRequest, resident_id: int, code: str) -> HttpResponse:
    """The last step of the clerk's flow: the code the resident reads out sends the application."""
    flow = apply_flow(request, code, resident_id)
    spec = open_spec(code)
    draft = draft_with_answers(request, flow, spec)
    if draft is None:
        done = flow.submitted_url(request.user, draft_submitted(request.user, flow.draft_key))
        return redirect(done or flow.url("questions"))
    plan = spec.plan(draft["answers"])
    uploads = draft_uploads(request.user, draft["materials"])
    form = ConfirmCodeForm(request.POST or None)
    if request.method == "POST":
        # Counted against the clerk's account and address, beside each code's own tries and the
        # resident's number's daily ones.
        refusal = throttle.locked_out(request, account=request.user.get_username())
        if refusal is not None:
            return refusal
    if request.method == "POST" and form.is_valid():
        try:
            application = application_submit_at_window(
                actor=request.user,
                window=flow.clerk_window,
                applicant=flow.applicant,
                code=form.cleaned_data["code"],
                bundle_code=code,
                idempotency_key=draft["token"],
                **submission(plan, draft, uploads),
            )
        except FieldErrors as exc:
            if set(exc.errors) != {"code"}:
                return redirect(flow.url("details") + "?validate=1")
            add_service_errors(form, exc.errors)
            throttle.failed_try_record(request, account=request.user.get_username())
        else:
            draft_finish(request.user, flow.draft_key, application.number)
            messages.success(
                request,
                _("Application %(number)s was sent. Give the resident its number.")
                % {"number": application.number},
            )
            return redirect("cases:window_application", number=application.number)
    context = {
        **flow.context(),
        "spec": spec,
        "form": form,
        "errors": form_error_summary(form) if form.is_bound else [],
    }
    return render(request, "cases/window_confirm.html", context, status=400 if form.errors else 200)


@login_required
def window_applications(request: AuthenticatedHttpRequest) -> HttpResponse:
    window = _clerk_window(request)
    rows = _rows(applications_for_window(window=window))
    ready = [
        row
        for row in rows
        if row["application"].status == Application.Status.COMPLETE
        and row["application"].handed_over_at is None
    ]
    return render(request, "cases/window_applications.html", {"window": window, "rows": rows, "ready": ready})


def _render_application(
    request: AuthenticatedHttpRequest,
    application: Application,
    form: forms.Form | None = None,
    *,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    spec = application.spec
    rows = []
    for task in application.tasks.all():
        service = spec.services[task.service]
        rows.append(
            {
                "task": task,
                "name": str(service.name),
                "agency": task.agency.name,
                "state": RESIDENT_STATES[Task.Status(task.status)],
                "outputs": [
                    {"label": str(service.produces[key].label), "value": value}
                    for key, value in task.outputs.items()
                    if key in service.produces
                ],
            }
        )
    form = form or HandOverForm()
    errors = form_error_summary(form) if form.is_bound else []
    if conflict:
        errors.insert(0, {"href": "", "text": conflict})
    context = {
        "application": application,
        "spec": spec,
        "applicant": _masked(application.applicant),
        "rows": rows,
        "certificates": certificates_for_application(application=application),
        "form": form,
        "errors": errors,
        "can_hand_over": application.status == Application.Status.COMPLETE
        and application.handed_over_at is None,
    }
    return render(request, "cases/window_application.html", context, status=status)


@login_required
def window_application(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    _window, application = _window_application(request, number)
    return _render_application(request, application)


@login_required
@require_POST
def window_hand_over(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    _window, application = _window_application(request, number)
    form = HandOverForm(request.POST)
    if form.is_valid():
        try:
            application_results_sent(
                actor=request.user,
                application_id=application.pk,
                delivery=form.cleaned_data["delivery"],
                tracking_number=form.cleaned_data["tracking_number"],
            )
        except FieldErrors as exc:
            add_service_errors(form, exc.errors)
        except Conflict as exc:
            return _render_application(request, application, conflict=str(exc), status=409)
        except NotFound:
            raise Http404 from None
        else:
            if form.cleaned_data["delivery"] == Application.ResultDelivery.POST:
                messages.success(request, _("The posting of the results was recorded."))
            else:
                messages.success(request, _("The hand-over of the results was recorded."))
            return redirect("cases:window_application", number=number)
    return _render_application(request, application, form, status=400)
