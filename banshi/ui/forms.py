"""The house's form components: rows the templates draw, forms whose messages name their field, and the
mapping of a service's errors onto a form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.lib import codes
from banshi.lib.text import TextProblem, ascii_digits, clean_text


def dom_id(name: str, prefix: str = "") -> str:
    return prefix + name.replace(".", "-").replace("_", "-")


def problem_text(label: str, problem: str) -> str:
    """A message that names the field, e.g. "Baby's name is required"."""
    return _("%(label)s %(problem)s") % {"label": label, "problem": problem}


@dataclass
class Option:
    value: str
    label: str
    id: str
    checked: bool = False


@dataclass
class Row:
    """One question, field or file input of a page."""

    name: str
    id: str
    label: str
    widget: str  # input | radios | select | file
    input_type: str = "text"
    hint: str = ""
    value: str = ""
    error: str = ""
    optional: bool = False
    options: list[Option] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)
    upload: Any = None  # a file already uploaded for a material
    width: str = ""  # a narrower input for short answers: "5", "11" or "20" characters

    @property
    def described_by(self) -> str:
        parts = [(self.hint, "hint"), (self.upload, "uploaded"), (self.error, "error")]
        return " ".join(f"{self.id}-{suffix}" for present, suffix in parts if present)

    @property
    def anchor(self) -> str:
        return self.options[0].id if self.widget == "radios" and self.options else self.id


@dataclass
class Group:
    legend: str
    rows: list[Row]


def options_for(choices: list[tuple[str, str]], selected: str, row_id: str) -> list[Option]:
    return [
        Option(value=value, label=label, id=f"{row_id}-{value}", checked=value == selected)
        for value, label in choices
    ]


FIELD_MESSAGES = {
    "required": gettext_lazy("is required"),
    "max_length": gettext_lazy("must be at most %(limit_value)d characters"),
    "min_length": gettext_lazy("must be at least %(limit_value)d characters"),
    "invalid_choice": gettext_lazy("is not one of the choices"),
}


class NamedErrorsForm(forms.Form):
    """Every message next to a field names the field ("Reason is required"), as the error summary
    at the top of the page shows it without the field beside it. Every text is cleaned
    (`banshi.lib.text.clean_text`: one line, or several in a text area); passwords are left exactly as
    typed, since the log-in compares them so."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in list(cleaned.items()):
            widget = self.fields[name].widget if name in self.fields else None
            if not isinstance(value, str) or isinstance(widget, forms.PasswordInput):
                continue
            try:
                cleaned[name] = clean_text(value, multiline=isinstance(widget, forms.Textarea))
            except TextProblem as problem:
                self.add_error(name, str(problem))
        return cleaned

    def full_clean(self) -> None:
        for form_field in self.fields.values():
            form_field.error_messages = {**form_field.error_messages, **FIELD_MESSAGES}
            if not isinstance(form_field.widget, forms.PasswordInput):
                # `clean` refuses a NUL with the words it has for every other character that cannot be
                # stored; Django's own check would say it first, and otherwise.
                form_field.validators = [
                    validator
                    for validator in form_field.validators
                    if not isinstance(validator, ProhibitNullCharactersValidator)
                ]
        super().full_clean()
        for name, messages in list(self.errors.items()):
            if name in self.fields:
                label = str(self.fields[name].label)
                self.errors[name] = self.error_class(
                    [problem_text(label, str(message)) for message in messages]
                )


class SmsCodeField(forms.RegexField):
    """The digits of a code texted to a resident (`banshi.lib.codes`), spaces around them forgiven,
    fullwidth digits read as the same digits."""

    def __init__(self, *, label: StrOrPromise, help_text: StrOrPromise = "", **kwargs: Any) -> None:
        super().__init__(
            regex=rf"^\s*[0-9]{{{codes.LENGTH}}}\s*$",
            max_length=10,
            label=label,
            help_text=help_text,
            error_messages={"invalid": codes.SHAPE_PROBLEM},
            widget=forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "autocomplete": "one-time-code",
                    "maxlength": str(codes.LENGTH),
                    "class": "width-5",
                }
            ),
            **kwargs,
        )

    def to_python(self, value: Any) -> str:
        return ascii_digits(super().to_python(value) or "")


def add_service_errors(form: forms.Form, errors: dict[str, str]) -> None:
    """Put a service's FieldErrors next to the form's fields, the rest at the top."""
    for key, message in errors.items():
        if key in form.fields:
            form.add_error(key, problem_text(str(form.fields[key].label), message))
        else:
            form.add_error(None, f"{key}: {message}")


def form_error_summary(form: forms.Form) -> list[dict[str, Any]]:
    items = []
    for name, messages in form.errors.items():
        for message in messages:
            if name == "__all__":
                items.append({"href": "", "text": message})
            else:
                bound = form[name]
                anchor = bound.auto_id
                if isinstance(form.fields[name].widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                    anchor = f"{anchor}_0"
                items.append({"href": f"#{anchor}", "text": message})
    return items
