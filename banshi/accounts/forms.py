"""The account pages' forms: sign-up, log-in, a new password by SMS code."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.accounts.services import PASSWORD_MIN_LENGTH
from banshi.ui.forms import NamedErrorsForm, SmsCodeField


class NewPasswordForm(NamedErrorsForm):
    """A new password typed twice. The password policy is the service's; the form asks for the
    minimum length only so that the browser and the page can say so before anything is sent."""

    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        min_length=PASSWORD_MIN_LENGTH,
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
        return data


class SignupForm(NewPasswordForm):
    """The sign-up, in two presses of one page: the fields and a code texted to the number, then the
    code. The code is asked for once it has been sent (`code_sent`)."""

    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        max_length=11,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "numeric"}),
        help_text=gettext_lazy(
            "You will use it to log in. We send updates about your applications to it, and first a code "
            "to confirm that it is yours."
        ),
    )
    display_name = forms.CharField(
        label=gettext_lazy("Your name"), max_length=60, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    code = SmsCodeField(
        label=gettext_lazy("Code from the text message"),
        help_text=gettext_lazy("6 digits, valid for 10 minutes. Only the latest code counts."),
        required=False,
    )
    field_order = ["phone", "display_name", "password1", "password2", "code"]

    def __init__(self, *args: Any, code_sent: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not code_sent:
            del self.fields["code"]

    def keep_passwords(self) -> None:
        """Show the passwords typed again, unless one of them is what is wrong: another field's error
        must not make the resident type them twice more."""
        if self.is_bound and not (self.has_error("password1") or self.has_error("password2")):
            for name in ("password1", "password2"):
                widget = self.fields[name].widget
                if isinstance(widget, forms.PasswordInput):
                    widget.render_value = True


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
    code = SmsCodeField(
        label=gettext_lazy("Code from the text message"),
        help_text=gettext_lazy("6 digits. Only the latest code counts."),
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
