from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from banshi.accounts.forms import LoginForm, PasswordCodeForm, PasswordSetForm, SignupForm
from banshi.accounts.services import password_code_send, password_set_with_code, resident_signup
from banshi.lib.errors import FieldErrors
from banshi.ui.forms import form_error_summary
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


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(safe_next(request))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        call = run_service(
            request,
            _as_form_fields(resident_signup),
            form=form,
            phone=form.cleaned_data["phone"],
            password=form.cleaned_data["password1"],
            display_name=form.cleaned_data["display_name"],
        )
        if call.ok:
            login(request, call.result, backend="banshi.accounts.backends.UsernameOrPhoneBackend")
            return redirect(safe_next(request))
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "accounts/signup.html", {"form": form, "next": safe_next(request, "")}, status=status
    )


# The number is carried from one page to the next in the session, not the address, which servers log.
PASSWORD_PHONE_KEY = "password_code_phone"


def password_code(request: HttpRequest) -> HttpResponse:
    form = PasswordCodeForm(request.POST or None)
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
    context = {"form": form, "errors": form_error_summary(form) if form.is_bound else []}
    return render(request, "accounts/password_code.html", context, status=status)


def password_set(request: HttpRequest) -> HttpResponse:
    form = PasswordSetForm(
        request.POST or None, initial={"phone": request.session.get(PASSWORD_PHONE_KEY, "")}
    )
    if request.method == "POST" and form.is_valid():
        call = run_service(
            request,
            _as_form_fields(password_set_with_code),
            form=form,
            phone=form.cleaned_data["phone"],
            code=form.cleaned_data["code"],
            password=form.cleaned_data["password1"],
        )
        if call.ok:
            request.session.pop(PASSWORD_PHONE_KEY, None)
            login(request, call.result, backend="banshi.accounts.backends.UsernameOrPhoneBackend")
            messages.success(request, _("Your password is set and you are logged in."))
            return redirect("catalog:home")
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "errors": form_error_summary(form) if form.is_bound else []}
    return render(request, "accounts/password_set.html", context, status=status)
