"""Forms of the pages. The bundle's own form (questions, fields, materials) is defined by the catalogue,
so it is described here as rows for the templates and checked by the catalogue's validators; the fixed
forms (sign-up, log-in, an officer's decisions) are ordinary Django forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.accounts.models import User
from banshi.accounts.personal import mask_digits, mask_id_number, mask_name, mask_phone, mask_text
from banshi.catalog.definition import BundleDef, FieldDef
from banshi.directory.selectors import district_choices

# Fieldset legends of the one form, by the first part of a field's key.
GROUPS = {
    "newborn": gettext_lazy("The baby"),
    "mother": gettext_lazy("The mother"),
    "father": gettext_lazy("The father"),
    "household": gettext_lazy("The household"),
    "collector": gettext_lazy("The person who applies and collects"),
    "delivery": gettext_lazy("Delivery"),
}
ACCEPT = {
    "pdf": ".pdf,application/pdf",
    "jpeg": ".jpg,.jpeg,image/jpeg",
    "png": ".png,image/png",
}
RADIO_LIMIT = 5


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


def area_choices() -> list[tuple[str, str]]:
    return district_choices()


def _options(choices: list[tuple[str, str]], selected: str, row_id: str) -> list[Option]:
    return [
        Option(value=value, label=label, id=f"{row_id}-{value}", checked=value == selected)
        for value, label in choices
    ]


def question_rows(spec: BundleDef, answers: dict, errors: dict[str, str]) -> list[Row]:
    rows = []
    for key, question in spec.questions.items():
        name = f"answers.{key}"
        row_id = dom_id(name)
        label = str(question.label)
        choices = [(value, str(text)) for value, text in question.options.items()]
        rows.append(
            Row(
                name=name,
                id=row_id,
                label=label,
                widget="radios",
                hint=str(question.hint) if question.hint else "",
                options=_options(choices, answers.get(key, ""), row_id),
                error=problem_text(label, errors[name]) if name in errors else "",
            )
        )
    return rows


def field_input_value(spec: FieldDef, value: Any) -> str:
    """A stored value as the input expects it (e.g. a datetime-local without seconds or zone)."""
    if value is None:
        return ""
    if spec.type == "datetime" and isinstance(value, str):
        moment = parse_datetime(value.replace(" ", "T"))
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.strftime("%Y-%m-%dT%H:%M")
    if spec.type == "boolean":
        return "yes" if value in (True, "true", "yes", "on", "1") else "no"
    return str(value)


def field_row(
    spec: FieldDef, key: str, value: Any, error: str, *, areas: list[tuple[str, str]], prefix: str = ""
) -> Row:
    name = f"fields.{key}"
    row_id = dom_id(name, prefix)
    label = str(spec.label)
    row = Row(
        name=name,
        id=row_id,
        label=label,
        widget="input",
        hint=str(spec.hint) if spec.hint else "",
        value=field_input_value(spec, value),
        error=problem_text(label, error) if error else "",
        optional=not spec.required,
    )
    kind = spec.type
    if kind == "choice":
        choices = [(option, str(text)) for option, text in spec.options.items()]
        row.widget = "radios" if len(choices) <= RADIO_LIMIT else "select"
        row.options = _options(choices, row.value, row_id)
    elif kind == "boolean":
        row.widget = "radios"
        row.options = _options([("yes", _("Yes")), ("no", _("No"))], row.value, row_id)
    elif kind == "area":
        row.widget = "select"
        row.options = _options(areas, row.value, row_id)
    elif kind == "integer":
        row.input_type = "number"
        row.attrs = {"inputmode": "numeric", "step": "1"}
        row.width = "5"
    elif kind == "decimal":
        row.input_type = "number"
        row.attrs = {"inputmode": "decimal", "step": "any"}
        row.width = "5"
    elif kind == "date":
        row.input_type = "date"
    elif kind == "datetime":
        row.input_type = "datetime-local"
    elif kind == "phone":
        row.input_type = "tel"
        row.attrs = {"autocomplete": "tel", "maxlength": "11"}
        row.width = "11"
    elif kind == "email":
        row.input_type = "email"
        row.attrs = {"autocomplete": "email", "spellcheck": "false"}
    elif kind == "id_number":
        row.attrs = {"autocomplete": "off", "spellcheck": "false", "maxlength": "18"}
        row.width = "20"
    elif kind == "bank_account":
        row.attrs = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        row.width = "20"
    elif kind == "address":
        row.attrs = {"autocomplete": "street-address", "maxlength": str(spec.max_length or 200)}
    elif spec.max_length:
        row.attrs = {"maxlength": str(spec.max_length)}
    if kind in ("integer", "decimal"):
        if spec.min is not None:
            row.attrs["min"] = str(spec.min)
        if spec.max is not None:
            row.attrs["max"] = str(spec.max)
    return row


def field_groups(
    spec: BundleDef, keys: list[str], values: dict, errors: dict[str, str], *, prefix: str = ""
) -> list[Group]:
    """The fields in fieldsets by the first part of their key, in the bundle's order."""
    areas = area_choices() if any(spec.fields[key].type == "area" for key in keys) else []
    groups: dict[str, Group] = {}
    for key in keys:
        head = key.split(".", 1)[0]
        legend = spec.groups.get(head) or GROUPS.get(head, head.replace("_", " ").title())
        group = groups.setdefault(head, Group(legend=str(legend), rows=[]))
        group.rows.append(
            field_row(
                spec.fields[key],
                key,
                values.get(key),
                errors.get(f"fields.{key}", ""),
                areas=areas,
                prefix=prefix,
            )
        )
    return list(groups.values())


def material_rows(
    spec: BundleDef, keys: list[str], uploads: dict[str, Any], errors: dict[str, str], *, prefix: str = ""
) -> list[Row]:
    rows = []
    for key in keys:
        material = spec.materials[key]
        name = f"materials.{key}"
        label = str(material.label)
        kinds = ", ".join(kind.upper() for kind in material.accept)
        hint = str(material.hint) if material.hint else ""
        hint = (hint + " " if hint else "") + _("A photo or scan: %(kinds)s.") % {"kinds": kinds}
        rows.append(
            Row(
                name=name,
                id=dom_id(name, prefix),
                label=label,
                widget="file",
                hint=hint,
                error=problem_text(label, errors[name]) if name in errors else "",
                optional=not material.required,
                attrs={"accept": ",".join(ACCEPT[kind] for kind in material.accept)},
                upload=uploads.get(key),
            )
        )
    return rows


def posted_values(post, keys: list[str]) -> dict[str, str]:
    # Kept in the session until the form is right; one character over the catalogue's longest field
    # still fails validation, and nobody can swell the session with megabytes.
    return {key: post.get(f"fields.{key}", "").strip()[:4001] for key in keys}


def display_value(spec: FieldDef, value: Any, *, areas: dict[str, str] | None = None) -> str:
    """A clean value as a reader expects it: option labels, area names, dates in their locale."""
    if value is None or value == "":
        return ""
    kind = spec.type
    if kind == "choice":
        option = spec.options.get(str(value))
        return str(option) if option else str(value)
    if kind == "boolean":
        return _("Yes") if value in (True, "true", "yes") else _("No")
    if kind == "area":
        return (areas or {}).get(str(value), str(value))
    if kind == "date":
        day = parse_date(str(value))
        return formats.date_format(day, "DATE_FORMAT") if day else str(value)
    if kind == "datetime":
        moment = parse_datetime(str(value).replace(" ", "T"))
        if moment is None:
            return str(value)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    if kind == "decimal":
        return formats.localize(value)
    return str(value)


def masked_value(spec: FieldDef, text: str) -> str:
    """A personal value as an officer who is not handling the case may see it."""
    if not spec.is_personal or not text:
        return text
    kind = spec.type
    if kind == "id_number":
        return mask_id_number(text)
    if kind == "phone":
        return mask_phone(text)
    if kind == "bank_account":
        return mask_digits(text)
    if kind in ("address", "email"):
        return mask_text(text)
    return mask_name(text)


def error_summary(errors: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"href": f"#{anchor}", "text": text} for anchor, text in errors]


# --- ordinary forms --------------------------------------------------------------------------------

FIELD_MESSAGES = {
    "required": gettext_lazy("is required"),
    "max_length": gettext_lazy("must be at most %(limit_value)d characters"),
    "min_length": gettext_lazy("must be at least %(limit_value)d characters"),
    "invalid_choice": gettext_lazy("is not one of the choices"),
}


class NamedErrorsForm(forms.Form):
    """Every message next to a field names the field ("Reason is required"), as the error summary
    at the top of the page shows it without the field beside it."""

    def full_clean(self):
        for form_field in self.fields.values():
            form_field.error_messages = {**form_field.error_messages, **FIELD_MESSAGES}
        super().full_clean()
        for name, messages in list(self._errors.items()):
            if name in self.fields:
                label = str(self.fields[name].label)
                self._errors[name] = self.error_class([problem_text(label, message) for message in messages])


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

    def clean(self):
        data = super().clean()
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

    def __init__(self, *args, **kwargs):
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


class ApproveForm(NamedErrorsForm):
    """One input per output of the service; blank ones the system generates."""

    def __init__(self, *args, produces: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for key, output in produces.items():
            generated = output.generate != "none"
            self.fields[f"outputs.{key}"] = forms.CharField(
                label=str(output.label),
                max_length=60,
                required=not generated,
                help_text=_("Leave blank and the system generates it.") if generated else "",
            )

    def outputs(self) -> dict[str, str]:
        return {
            name.removeprefix("outputs."): value
            for name, value in self.cleaned_data.items()
            if name.startswith("outputs.") and value
        }


class ReturnForm(NamedErrorsForm):
    items = forms.MultipleChoiceField(
        label=gettext_lazy("What must the applicant correct?"), widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The applicant sees this. Say plainly what is wrong and how to fix it."),
    )

    def __init__(self, *args, items: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = items


class RejectForm(NamedErrorsForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason for refusing"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The applicant sees this. Refusing cannot be undone."),
    )


def add_service_errors(form: forms.Form, errors: dict[str, str]) -> None:
    """Put a service's FieldErrors next to the form's fields, the rest at the top."""
    for key, message in errors.items():
        if key in form.fields:
            form.add_error(key, problem_text(str(form.fields[key].label), message))
        else:
            form.add_error(None, f"{key}: {message}")


def form_error_summary(form: forms.Form) -> list[dict[str, str]]:
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
