"""Personal data helpers: resident ID numbers (GB 11643-1999), mainland mobile numbers, masking. Pure
functions, with no models: every layer may use them."""

import re
from datetime import date

from django.utils.translation import gettext_noop

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# The shapes, as patterns a JSON Schema can carry too: ASCII digits only (`\d` would take any script's).
ID_NUMBER_PATTERN = r"^[0-9]{17}[0-9X]$"
PHONE_PATTERN = r"^1[3-9][0-9]{9}$"
_ID_SHAPE = re.compile(ID_NUMBER_PATTERN)
_PHONE_SHAPE = re.compile(PHONE_PATTERN)


def id_check_digit(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id_number_problem(value: str, *, today: date | None = None) -> str | None:
    """Why `value` is not a valid 18-digit resident ID number, or None when it is."""
    value = value.strip().upper()
    if not _ID_SHAPE.match(value):
        return gettext_noop("must be 18 characters: 17 digits and a final digit or X")
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return gettext_noop("contains an impossible birth date")
    if birth < date(1900, 1, 1) or birth > (today or date.today()):
        return gettext_noop("contains a birth date outside the possible range")
    if id_check_digit(value[:17]) != value[17]:
        return gettext_noop("has a wrong check digit")
    return None


def normalise_id_number(value: str) -> str:
    return value.strip().upper()


def phone_problem(value: str) -> str | None:
    if not _PHONE_SHAPE.match(value.strip()):
        return gettext_noop("must be an 11-digit mainland mobile number starting with 1")
    return None


def mask_id_number(value: str) -> str:
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "****" + value[-4:]


def mask_name(value: str) -> str:
    if not value:
        return ""
    if len(value) == 1:
        return "*"
    return value[0] + "*" * (len(value) - 1)


def mask_text(value: str, keep: int = 6) -> str:
    if len(value) <= keep:
        return "*" * len(value)
    return value[:keep] + "*" * min(len(value) - keep, 8)


def mask_digits(value: str) -> str:
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]
