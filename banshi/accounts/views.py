from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from banshi.accounts import throttle
from banshi.accounts.forms import LoginForm, PasswordCodeForm, PasswordSetForm, SignupForm
from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.accounts.selectors import api_token_of, api_tokens_of
from banshi.accounts.services import (
    api_token_revoke,
    password_code_send,
    password_set_with_code,
    resident_signup,
    signup_code_send,
    signup_problems,
)
from banshi.lib.errors import FieldErrors
from banshi.lib.personal import mask_phone, normalise_phone
from banshi.ui.forms import add_service_errors, form_error_summary
from banshi.ui.views import run_service, safe_next


def _as_form_fields(service: Callable[..., Any]) -> Callable[..., Any]:
    """The service, its FieldErrors named as the forms name their fields: the one new `password` is
    asked for twice, as password1 and password2."""

    def call(**kwargs: Any) -> Any:
        try:
            return service(**kwargs)
        except FieldErrors as exc:
            names = {"password": "password1"}
            raise FieldErrors({names.get(key, key): text for key, text in exc.errors.items()}) from None

    return call


class Login(LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str:
        """The page asked for, but not the home page: from there, staff go where they work."""
        target = super().get_redirect_url(*args, **kwargs)
        return "" if target == reverse("catalog:home") else target


# The number the latest sign-up code went to, so that the page asks for the code.
SIGNUP_PHONE_KEY = "signup_code_phone"
SIGNUP_FIELDS = {"password": "password1"}


def _signup_errors_add(form: SignupForm, problems: dict[str, str]) -> None:
    """The service's problems beside the form's own, each field's first: every field's error at once."""
    for key, problem in problems.items():
        name = SIGNUP_FIELDS.get(key, key)
        if name in form.fields and not form.has_error(name):
            add_service_errors(form, {name: problem})


@throttle.throttled("signup", method="POST")
def signup(request: HttpRequest) -> HttpResponse:
    """Sign-up in one page: the fields, checked all at once, then a code texted to the number; the
    account opens with the code. The passwords typed stay in the page between the two presses."""
    if request.user.is_authenticated:
        return redirect(safe_next(request))
    sent_to = request.session.get(SIGNUP_PHONE_KEY, "")
    form = SignupForm(request.POST or None, code_sent=bool(sent_to))
    # Without a code sent, the one thing to do is to send it.
    action = request.POST.get("action", "create") if sent_to else "send"
    if request.method == "POST":
        form.is_valid()
        data = form.cleaned_data
        problems = signup_problems(
            phone=data.get("phone", ""),
            password=data.get("password1", ""),
            display_name=data.get("display_name", ""),
        )
        _signup_errors_add(form, problems)
    if request.method == "POST" and not form.errors:
        fields = {
            "phone": data["phone"],
            "password": data["password1"],
            "display_name": data["display_name"],
        }
        if action == "send":
            if run_service(request, _as_form_fields(signup_code_send), form=form, **fields).ok:
                request.session[SIGNUP_PHONE_KEY] = normalise_phone(data["phone"])
                form = SignupForm(request.POST, code_sent=True)
                form.fields["code"].widget.attrs["autofocus"] = True
                messages.info(
                    request,
                    _("A code is on its way to %(phone)s by text message. Enter it below.")
                    % {"phone": mask_phone(normalise_phone(data["phone"]))},
                )
                form.keep_passwords()
                return _signup_page(request, form, status=200)
        else:
            call = run_service(
                request, _as_form_fields(resident_signup), form=form, code=data.get("code", ""), **fields
            )
            if call.ok:
                request.session.pop(SIGNUP_PHONE_KEY, None)
                login(request, call.result, backend="banshi.accounts.backends.UsernameOrPhoneBackend")
                messages.success(
                    request,
                    _("Your account is open and you are logged in. You log in with your mobile number."),
                )
                return redirect(safe_next(request))
    form.keep_passwords()
    return _signup_page(request, form, status=400 if form.is_bound and form.errors else 200)


def _signup_page(request: HttpRequest, form: SignupForm, *, status: int) -> HttpResponse:
    context = {
        "form": form,
        "errors": form_error_summary(form) if form.is_bound else [],
        "next": safe_next(request, ""),
        "code_sent": "code" in form.fields,
    }
    response = render(request, "accounts/signup.html", context, status=status)
    # The page may carry the passwords typed: never kept by the browser or a proxy.
    patch_cache_control(response, private=True, no_store=True)
    return response


# The number is carried from one page to the next in the session, not the address, which servers log.
PASSWORD_PHONE_KEY = "password_code_phone"


@throttle.throttled("password_code", method="POST")
def password_code(request: HttpRequest) -> HttpResponse:
    form = PasswordCodeForm(request.POST or None)
    if request.method == "POST":
        # No code for an account or from an address locked out by wrong codes or passwords.
        refusal = throttle.locked_out(request, account=request.POST.get("phone", "").strip())
        if refusal is not None:
            return refusal
    if request.method == "POST" and form.is_valid():
        if run_service(request, password_code_send, form=form, phone=form.cleaned_data["phone"]).ok:
            request.session[PASSWORD_PHONE_KEY] = form.cleaned_data["phone"].strip()
            # The same answer whether or not the number has an account.
            messages.info(
                request,
                _(
                    "If this mobile number has an account, a code is on its way to it by text message. "
                    "It is valid for 10 minutes."
                ),
            )
            return redirect("accounts:password_set")
    status = 400 if form.is_bound and form.errors else 200
    context = {
        "form": form,
        "errors": form_error_summary(form) if form.is_bound else [],
        "codes_per_day": settings.SMS_CODES_PER_DAY,
    }
    return render(request, "accounts/password_code.html", context, status=status)


def password_set(request: HttpRequest) -> HttpResponse:
    form = PasswordSetForm(
        request.POST or None, initial={"phone": request.session.get(PASSWORD_PHONE_KEY, "")}
    )
    if request.method == "POST":
        refusal = throttle.locked_out(request, account=request.POST.get("phone", "").strip())
        if refusal is not None:
            return refusal
    if request.method == "POST" and form.is_valid():
        call = run_service(
            request,
            _as_form_fields(password_set_with_code),
            form=form,
            phone=form.cleaned_data["phone"],
            code=form.cleaned_data["code"],
            password=form.cleaned_data["password1"],
        )
        if form.has_error("code"):
            throttle.failed_try_record(request, account=form.cleaned_data["phone"].strip())
        if call.ok:
            request.session.pop(PASSWORD_PHONE_KEY, None)
            login(request, call.result, backend="banshi.accounts.backends.UsernameOrPhoneBackend")
            messages.success(request, _("Your password is set and you are logged in."))
            return redirect("catalog:home")
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "errors": form_error_summary(form) if form.is_bound else []}
    return render(request, "accounts/password_set.html", context, status=status)


@login_required
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's API tokens that still hold, each with a button to revoke it; never a token itself."""
    response = render(request, "accounts/tokens.html", {"tokens": api_tokens_of(user=request.user)})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = api_token_of(user=request.user, token_id=token_id)
    if token is None:
        raise Http404
    if run_service(request, api_token_revoke, actor=request.user, token_id=token.pk).ok:
        message = _("Token %(id)d was revoked: it no longer opens the API.") % {"id": token.pk}
        messages.success(request, message)
    return redirect("accounts:tokens")
