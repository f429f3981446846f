"""The account pages' forms: sign-up, log-in, a new password by SMS code."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.accounts.models import User
from banshi.ui.forms import NamedErrorsForm


class NewPasswordForm(NamedErrorsForm):
    """A new password typed twice, checked by the configured password validators."""

    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        min_length=8,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("At least 8 characters."),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Confirm the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("is not the same as the password"))
        if data.get("password1") and "password1" not in self.errors:
            candidate = User(username=data.get("phone") or "", display_name=data.get("display_name") or "")
            try:
                validate_password(data["password1"], candidate)
            except ValidationError as problems:
                reasons = " ".join(problems.messages)
                self.add_error("password1", _("is not accepted: %(reasons)s") % {"reasons": reasons})
        return data


class SignupForm(NewPasswordForm):
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        max_length=11,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "numeric"}),
        help_text=gettext_lazy("You will use it to log in. We send updates about your applications to it."),
    )
    display_name = forms.CharField(
        label=gettext_lazy("Your name"), max_length=60, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    field_order = ["phone", "display_name", "password1", "password2"]


PHONE_INPUT = forms.TextInput(
    attrs={"type": "tel", "autocomplete": "tel", "inputmode": "numeric", "maxlength": "11"}
)


class PasswordCodeForm(NamedErrorsForm):
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        max_length=11,
        widget=PHONE_INPUT,
        help_text=gettext_lazy("The number you signed up with, or gave at the window."),
    )


class PasswordSetForm(NewPasswordForm):
    phone = forms.CharField(label=gettext_lazy("Mobile number"), max_length=11, widget=PHONE_INPUT)
    code = forms.RegexField(
        label=gettext_lazy("Code from the text message"),
        regex=r"^\s*\d{6}\s*$",
        max_length=10,
        error_messages={"invalid": gettext_lazy("must be the 6 digits of the text message")},
        help_text=gettext_lazy("6 digits. Only the latest code counts."),
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "maxlength": "6",
                "class": "width-5",
            }
        ),
    )
    field_order = ["phone", "code", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = gettext_lazy("New password")
        self.fields["password2"].label = gettext_lazy("Confirm the new password")


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=gettext_lazy("Mobile number or user name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": gettext_lazy("The mobile number, user name or password is not right. Try again."),
        "inactive": gettext_lazy("This account is inactive."),
    }
