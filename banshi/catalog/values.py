"""Checking and normalising the value of one form field by its type. Messages name the problem; the
caller names the field."""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from banshi.catalog.definition import FieldDef, FieldType
from banshi.lib.personal import (
    ID_NUMBER_PATTERN,
    PHONE_PATTERN,
    id_number_problem,
    normalise_id_number,
    normalise_phone,
    phone_problem,
)
from banshi.lib.text import TextProblem, ascii_digits, clean_text

# What a field of each type accepts beyond what its bundle says: the one place both the checks below and
# what the API tells a client (`catalog/schema.py`) read. The patterns are of the canonical form, in ASCII
# digits; the checks also take fullwidth digits (and spaces in a bank account) and store them canonical.
TEXT_MAX_LENGTH: dict[FieldType, int] = {"text": 100, "address": 200}  # when the bundle names none
ADDRESS_MIN_LENGTH = 5
EMAIL_MAX_LENGTH = 320  # RFC 3696, as Django's validator
BANK_ACCOUNT_PATTERN = r"^[0-9]{12,19}$"
PATTERNS: dict[FieldType, str] = {
    "id_number": ID_NUMBER_PATTERN,
    "phone": PHONE_PATTERN,
    "bank_account": BANK_ACCOUNT_PATTERN,
}
LENGTHS: dict[FieldType, tuple[int, int]] = {
    "id_number": (18, 18),
    "phone": (11, 11),
    "bank_account": (12, 19),
}
# A value each of these types accepts, for a client to show as a placeholder (the ID number is the
# example of GB 11643 itself; the others are reserved or made up).
EXAMPLES: dict[FieldType, str] = {
    "id_number": "11010519491231002X",
    "phone": "13800138000",
    "bank_account": "6222020200000000000",
    "email": "name@example.com",
}
_BANK = re.compile(BANK_ACCOUNT_PATTERN)


@dataclass(frozen=True)
class Constraints:
    """Everything a field's value must satisfy that can be said without the directory or the clock:
    lengths in characters, a pattern, bounds, and whether a date or time lies before or after today."""

    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    past: bool = False
    future: bool = False
    max_age_days: int | None = None
    example: str | None = None


def constraints(spec: FieldDef) -> Constraints:
    kind = spec.type
    min_length, max_length = LENGTHS.get(kind, (None, None))
    if kind in TEXT_MAX_LENGTH:
        max_length = spec.max_length or TEXT_MAX_LENGTH[kind]
        min_length = ADDRESS_MIN_LENGTH if kind == "address" else None
    elif kind == "email":
        max_length = EMAIL_MAX_LENGTH
    numeric = kind in {"integer", "decimal"}
    timed = kind in {"date", "datetime"}
    return Constraints(
        min_length=min_length,
        max_length=max_length,
        pattern=PATTERNS.get(kind),
        minimum=spec.min if numeric else None,
        maximum=spec.max if numeric else None,
        past=spec.past and timed,
        future=spec.future and timed,
        max_age_days=spec.max_age_days if timed else None,
        example=EXAMPLES.get(kind),
    )


class ValueProblem(ValueError):
    pass


Cleaner = Callable[[FieldDef, str, AbstractSet[str] | None], Any]

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")
# Beyond these a number is a typing accident, and writing out `1e999999` in full would cost memory.
_DIGITS_BEFORE_POINT = 18
_DIGITS_AFTER_POINT = 10


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def clean_value(spec: FieldDef, raw: Any, *, area_codes: AbstractSet[str] | None = None) -> Any:
    """The normalised value, or None for an empty optional field; raises ValueProblem."""
    if _blank(raw):
        if spec.required and spec.type != "boolean":
            raise ValueProblem(_("is required"))
        return False if spec.type == "boolean" else None
    if spec.type == "boolean":
        return _boolean(raw)
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise ValueProblem(_("has the wrong kind of value"))
    try:
        text = clean_text(str(raw)).strip()
    except TextProblem as problem:
        raise ValueProblem(str(problem)) from None
    cleaner = _CLEANERS.get(spec.type)
    if cleaner is None:  # pragma: no cover - the schema allows no other type
        raise ValueProblem(_("has an unknown type"))
    return cleaner(spec, text, area_codes)


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"true", "1", "yes", "on"}:
        return True
    if text in {"false", "0", "no", "off"}:
        return False
    raise ValueProblem(_("must be yes or no"))


def _text(spec: FieldDef, text: str, area_codes: AbstractSet[str] | None) -> str:
    limits = constraints(spec)
    if limits.max_length is not None and len(text) > limits.max_length:
        raise ValueProblem(_("must be at most %(limit)d characters") % {"limit": limits.max_length})
    if limits.min_length is not None and len(text) < limits.min_length:
        raise ValueProblem(_("is too short to be a full address"))
    return text


def _choice(spec: FieldDef, text: str, area_codes: AbstractSet[str] | None) -> str:
    if text not in spec.options:
        raise ValueProblem(_("is not one of the allowed choices"))
    return text


def _integer(spec: FieldDef, text: str, area_codes: AbstractSet[str] | None) -> int:
    text = ascii_digits(text)
    if not _INTEGER.match(text):
        raise ValueProblem(_("must be a whole number"))
    if len(text.lstrip("+-0")) > _DIGITS_BEFORE_POINT:
        raise ValueProblem(_("is too large"))
    value = int(text)
    _check_range(spec, Decimal(value))
    return value


def _decimal(spec: FieldDef, text: str, area_codes: AbstractSet[str] | None) -> str:
    """The number written out in plain digits (`5e1` is `50`), never an exponent, NaN or Infinity."""
    text = ascii_digits(text)
    if not _DECIMAL.match(text):
        raise ValueProblem(_("must be a number"))
    number = Decimal(text)
    if number.adjusted() >= _DIGITS_BEFORE_POINT:
        raise ValueProblem(_("is too large"))
    _check_range(spec, number)
    if _places(number) > _DIGITS_AFTER_POINT:
        # Trailing zeros are no precision: 1.500000000000 is 1.5. The context is wide enough to be exact.
        exact = Context(prec=len(number.as_tuple().digits), Emax=MAX_EMAX, Emin=MIN_EMIN)
        number = number.normalize(exact)
        if _places(number) > _DIGITS_AFTER_POINT:
            raise ValueProblem(
                _("must have at most %(places)d decimal places") % {"places": _DIGITS_AFTER_POINT}
            )
    if number.is_zero():
        number = abs(number)
    return format(number, "f")


def _places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _date(spec: FieldDef, text: str, area_codes: AbstractSet[str] | None) -> str:
    try:
        day = parse_date(text)
    except ValueError:
        day = None
    if day is None:
        raise ValueProblem(_("must be a real date (YYYY-MM-DD)"))
    _check_time(spec, day, timezone.localdate())
    return day.isoformat()


def _datetime(spec: FieldDef, text: str, area_codes: AbstractSet[str] | None) -> str:
    try:
        moment = parse_datetime(text) or _datetime_from_date_and_minutes(text)
    except ValueError:
        moment = None
    if moment is None:
        raise ValueProblem(_("must be a real date and time (YYYY-MM-DD HH:MM)"))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    _check_time(spec, moment, timezone.now())
    return moment.isoformat()


def _id_number(spec: FieldDef, text: str, area_codes: AbstractSet[str] | None) -> str:
    if problem := id_number_problem(text, today=timezone.localdate()):
        raise ValueProblem(_(problem))
    return normalise_id_number(text)


def _phone(spec: FieldDef, text: str, area_codes: AbstractSet[str] | None) -> str:
    if problem := phone_problem(text):
        raise ValueProblem(_(problem))
    return normalise_phone(text)


def _bank_account(spec: FieldDef, text: str, area_codes: AbstractSet[str] | None) -> str:
    digits = ascii_digits(text).replace(" ", "")
    if not _BANK.match(digits):
        raise ValueProblem(_("must be a bank card or account number of 12 to 19 digits"))
    return digits


def _email(spec: FieldDef, text: str, area_codes: AbstractSet[str] | None) -> str:
    try:
        # Django's validator refuses what is longer than EMAIL_MAX_LENGTH too.
        validate_email(text)
    except DjangoValidationError:
        raise ValueProblem(_("must be an e-mail address")) from None
    return text


def _area(spec: FieldDef, text: str, area_codes: AbstractSet[str] | None) -> str:
    if area_codes is not None and text not in area_codes:
        raise ValueProblem(_("is not a known district or county"))
    return text


_CLEANERS: dict[str, Cleaner] = {
    "text": _text,
    "address": _text,
    "choice": _choice,
    "integer": _integer,
    "decimal": _decimal,
    "date": _date,
    "datetime": _datetime,
    "id_number": _id_number,
    "phone": _phone,
    "bank_account": _bank_account,
    "email": _email,
    "area": _area,
}


def _datetime_from_date_and_minutes(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=timezone.get_current_timezone())
    except ValueError:
        return None


def _check_range(spec: FieldDef, number: Decimal) -> None:
    if spec.min is not None and number < spec.min:
        raise ValueProblem(_("must be at least %(min)s") % {"min": spec.min})
    if spec.max is not None and number > spec.max:
        raise ValueProblem(_("must be at most %(max)s") % {"max": spec.max})


def _check_time(spec: FieldDef, value: date | datetime, now: date | datetime) -> None:
    if spec.past and value > now:
        raise ValueProblem(_("cannot be in the future"))
    if spec.future and value < now:
        raise ValueProblem(_("cannot be in the past"))
    if spec.max_age_days is not None and value < now - timedelta(days=spec.max_age_days):
        raise ValueProblem(_("must be within the last %(days)d days") % {"days": spec.max_age_days})
