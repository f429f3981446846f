"""Checking a value an officer enters for a service's output by the output's type, as a resident's
field is checked by its type: an output flows to the services that consume it and onto documents, so
what is wrong is refused where it is typed. Messages name the problem; the caller names the output."""

from __future__ import annotations

import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from banshi.catalog.definition import OutputDef
from banshi.catalog.values import ValueProblem
from banshi.lib.personal import id_number_problem, normalise_id_number
from banshi.lib.text import TextProblem, ascii_digits, clean_text

OUTPUT_MAX_LENGTH = 60
# The shape of a document's number (what a certificate is verified by).
_NUMBER = re.compile(r"^[A-Z0-9]{4,40}$")


def as_date(raw: Any) -> date | None:
    """The local calendar day of a stored date or date-and-time value."""
    if not isinstance(raw, str) or not raw:
        return None
    try:
        moment = parse_datetime(raw.replace(" ", "T", 1)) if len(raw) > 10 else None
    except ValueError:
        moment = None
    if moment is not None:
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    try:
        return parse_date(raw)
    except ValueError:
        return None


def clean_output(
    output: OutputDef, raw: Any, *, values: Mapping[str, Any], area_codes: AbstractSet[str] | None = None
) -> str:
    """The normalised value of an entered output, checked against the application's `values` where
    the output is made of them; raises ValueProblem."""
    if not isinstance(raw, str) or len(raw) > OUTPUT_MAX_LENGTH:
        raise ValueProblem(_("must be text of at most %(limit)d characters") % {"limit": OUTPUT_MAX_LENGTH})
    try:
        text = clean_text(raw).strip()
    except TextProblem as problem:
        raise ValueProblem(str(problem)) from None
    if not text:
        raise ValueProblem(_("is required"))
    kind = output.kind
    if kind == "number":
        number = ascii_digits(text)
        if not _NUMBER.match(number):
            raise ValueProblem(_("must be 4 to 40 capital letters (A–Z) or digits"))
        return number
    if kind == "id_number":
        return _id_number(output, text, values=values, area_codes=area_codes)
    return text


def _id_number(
    output: OutputDef, text: str, *, values: Mapping[str, Any], area_codes: AbstractSet[str] | None
) -> str:
    if problem := id_number_problem(text, today=timezone.localdate()):
        raise ValueProblem(_(problem))
    number = normalise_id_number(text)
    region = str(values.get(output.area_field or "", "") or "")
    if output.area_field and region and number[:6] != region:
        raise ValueProblem(
            _("must start with the region code of the household's district (%(code)s)") % {"code": region}
        )
    if area_codes is not None and number[:6] not in area_codes:
        raise ValueProblem(_("must start with the region code of a district of this city"))
    birth = as_date(values.get(output.birth_field or ""))
    if output.birth_field and birth is not None and number[6:14] != birth.strftime("%Y%m%d"):
        raise ValueProblem(
            _("must contain the date of birth (%(date)s)") % {"date": birth.strftime("%Y%m%d")}
        )
    sex = values.get(output.sex_field or "")
    if output.sex_field and sex not in (None, ""):
        male = sex == output.male_value
        if (int(number[16]) % 2 == 1) != male:
            raise ValueProblem(
                _("has a 17th digit that does not match the sex (odd for male, even for female)")
            )
    return number
