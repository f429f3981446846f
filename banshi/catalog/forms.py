"""A bundle's one form as rows for the templates: its questions, fields and materials are defined by the
catalogue and checked by the catalogue's validators. Values are shown as a reader expects them, or masked
for someone not handling the case."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.catalog.definition import BundleDef, FieldDef
from banshi.catalog.values import constraints
from banshi.directory.selectors import district_choices
from banshi.lib.personal import mask_digits, mask_id_number, mask_name, mask_phone, mask_text
from banshi.ui.forms import Group, Row, dom_id, options_for, problem_text

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

GROUPS: dict[str, StrOrPromise] = {
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


def area_choices() -> list[tuple[str, str]]:
    return district_choices()


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
                options=options_for(choices, answers.get(key, ""), row_id),
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
        row.options = options_for(choices, row.value, row_id)
    elif kind == "boolean":
        row.widget = "radios"
        row.options = options_for([("yes", _("Yes")), ("no", _("No"))], row.value, row_id)
    elif kind == "area":
        row.widget = "select"
        row.options = options_for(areas, row.value, row_id)
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
        row.attrs = {"autocomplete": "street-address", "maxlength": str(constraints(spec).max_length)}
    elif kind == "text":
        row.attrs = {"maxlength": str(constraints(spec).max_length)}
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


def posted_values(post: Mapping[str, Any], keys: list[str]) -> dict[str, str]:
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
        return _("Yes") if value in (True, "True", "true", "yes") else _("No")
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
