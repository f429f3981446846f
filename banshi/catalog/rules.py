"""Checks beyond one field's type: the format of a name, and a bundle's `rules` across fields (two
values that must differ, an age on the day of the event). Messages name the problem; the caller names
the field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from banshi.catalog.definition import BundleDef, FieldDef, Rule, matches
from banshi.catalog.outputs import as_date
from banshi.catalog.values import ValueProblem
from banshi.lib.personal import mask_phone

MIDDLE_DOT = "\u00b7"
# The dots people type for the middle dot of a transcribed name (阿依古丽·买买提).
_DOTS = re.compile("[\u2022\u2027\u2219\u22c5\u30fb\uff0e\uff65\u0387\u16eb\u2e31]")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_NAME = re.compile(f"^[{_HAN}]+(\u00b7[{_HAN}]+)*$")
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_LATIN_NAME = re.compile(f"^[{_LATIN}]+([ '\u2019.-] ?[{_LATIN}]+)*\\.?$")
_SPACES = re.compile(r"\s+")
# What a client can check of a name before sending it, as a JSON Schema pattern (ECMA-262 and Python
# alike, so without the Han characters beyond the Basic Multilingual Plane that the server takes too).
_HAN_BMP = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
PERSON_NAME_PATTERN = f"^([{_HAN_BMP}]+(\u00b7[{_HAN_BMP}]+)*|[{_LATIN}]+([ '\u2019.-] ?[{_LATIN}]+)*\\.?)$"
PERSON_NAME_MIN_LENGTH = 2
PERSON_NAME_EXAMPLE = "王小明"


def person_name(text: str) -> str:
    """A name written in Han characters (the parts of a transcribed minority name joined by the
    middle dot) or, for a foreign national, in Latin letters; the dot and spaces normalised."""
    name = _SPACES.sub(" ", _DOTS.sub(MIDDLE_DOT, text)).strip()
    han_name = re.sub(f" ?{MIDDLE_DOT} ?", MIDDLE_DOT, name)
    if _HAN_NAME.match(han_name):
        if len(han_name.replace(MIDDLE_DOT, "")) < 2:
            raise ValueProblem(_("must have at least two characters (family name and given name)"))
        return han_name
    if _LATIN_NAME.match(name):
        if len(re.sub(f"[^{_LATIN}]", "", name)) < 2:
            raise ValueProblem(_("must have at least two letters"))
        return name
    raise ValueProblem(
        _(
            "must be written in Chinese characters (with · between the parts of a minority name), "
            "or in Latin letters for a foreign national, without digits or punctuation"
        )
    )


def formatted(spec: FieldDef, value: Any) -> Any:
    """The value after its field's `format`, or ValueProblem."""
    if spec.format == "person_name" and isinstance(value, str):
        return person_name(value)
    return value


def _birth_date(spec: FieldDef, value: Any) -> date | None:
    if spec.type == "id_number":
        try:
            return ric.get_birth_date(str(value))
        except (StdnumError, ValueError):
            return None
    return as_date(value)


def _years_between(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def rule_problem(spec: BundleDef, rule: Rule, values: Mapping[str, Any]) -> tuple[str, str] | None:
    """The field to blame and the problem, when `values` hold every field of the rule and break it."""
    if rule.differ:
        seen: dict[Any, str] = {}
        for key in rule.differ:
            value = values.get(key)
            if value in (None, ""):
                continue
            if value in seen:
                return key, _("must not be the same as %(other)s") % {"other": spec.fields[seen[value]].label}
            seen[value] = key
        return None
    age = rule.age
    if age is None:
        return None
    born = _birth_date(spec.fields[age.birth], values.get(age.birth))
    event = as_date(values.get(age.at))
    if born is None or event is None:
        return None
    years = _years_between(born, event)
    if age.min <= years <= age.max:
        return None
    return age.birth, _("gives an age of %(years)d on %(day)s; it must be between %(min)d and %(max)d") % {
        "years": years,
        "day": event.isoformat(),
        "min": age.min,
        "max": age.max,
    }


def rules_problems(spec: BundleDef, values: Mapping[str, Any], *, checked: set[str]) -> dict[str, str]:
    """`fields.<key>: problem` for each rule broken by `values`, blamed on a field among `checked`
    (the fields being entered now), so a rule never stops a form over a field it does not show."""
    problems: dict[str, str] = {}
    for rule in spec.rules:
        if rule.applicant:
            continue
        found = rule_problem(spec, rule, values)
        if found is None:
            continue
        key, problem = found
        if key not in checked:
            key = next((other for other in reversed(rule.fields) if other in checked), "")
        if key and f"fields.{key}" not in problems:
            problems[f"fields.{key}"] = problem
    return problems


def applicant_problems(
    spec: BundleDef, answers: Mapping[str, str], values: Mapping[str, Any], *, phone: str | None
) -> dict[str, str]:
    """The `applicant` rules that apply to `answers`: the parent who applies must be the applicant
    (their mobile number the applicant's own). Not checked for an account without a number."""
    if not phone:
        return {}
    problems: dict[str, str] = {}
    for rule in spec.rules:
        if not rule.applicant or not matches(rule.when, dict(answers)):
            continue
        if values.get(rule.applicant) != phone:
            problems[f"fields.{rule.applicant}"] = _(
                "must be the mobile number of the applicant's own account (%(phone)s): the person "
                "who applies and collects is the one applying"
            ) % {"phone": mask_phone(phone)}
    return problems
