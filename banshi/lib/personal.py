"""Personal data helpers: resident ID numbers (GB 11643-1999, checked by python-stdnum's `cn.ric`, which
knows the region codes of GB/T 2260 since 1980), mainland mobile numbers, masking. Pure functions, with no
models: every layer may use them."""

import re
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_noop
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

from banshi.lib.text import ascii_digits

# The shapes, as patterns a JSON Schema can carry too: ASCII digits only (`\d` would take any script's).
ID_NUMBER_PATTERN = r"^[0-9]{17}[0-9X]$"
PHONE_PATTERN = r"^1[3-9][0-9]{9}$"
_ID_SHAPE = re.compile(ID_NUMBER_PATTERN)
_PHONE_SHAPE = re.compile(PHONE_PATTERN)
_COUNTY_YEARS = re.compile(r"^\[(\d*)-(\d*)\]")


def id_check_digit(first17: str) -> str:
    return ric.calc_check_digit(first17 + "0")


def _region_in_use(region: str, born: int) -> bool:
    """Whether the six-digit region code named a county in some year from the birth year on. A number is
    given at the first registration, which may come years after the birth (the first ID cards, in 1984,
    went to adults; a resident born in 1990 in what became Chongqing in 1997 may carry a 500… code), so
    stdnum's own test (the code in use in the birth year) would refuse real numbers."""
    counties = ",".join(props["county"] for _, props in numdb.get("cn/loc").info(region) if "county" in props)
    for county in filter(None, counties.split(",")):
        years = _COUNTY_YEARS.match(county)
        if years is None or not years.group(2) or int(years.group(2)) >= born:
            return True
    return False


def id_number_problem(value: str, *, today: date | None = None) -> str | None:
    """Why `value` is not a valid 18-digit resident ID number, or None when it is."""
    value = normalise_id_number(value)
    if not _ID_SHAPE.match(value):
        return gettext_noop("must be 18 characters: 17 digits and a final digit or X")
    try:
        birth = ric.get_birth_date(value)
    except InvalidComponent:
        return gettext_noop("contains an impossible birth date")
    if birth < date(1900, 1, 1) or birth > (today or timezone.localdate()):
        return gettext_noop("contains a birth date outside the possible range")
    if ric.calc_check_digit(value) != value[17]:
        return gettext_noop("has a wrong check digit")
    if not _region_in_use(value[:6], birth.year):
        return gettext_noop("starts with an unknown region code")
    return None


def normalise_id_number(value: str) -> str:
    """Fullwidth digits and a lowercase or fullwidth x as ASCII, the X in capitals."""
    return ascii_digits(value.strip(), x=True).upper()


def normalise_phone(value: str) -> str:
    return ascii_digits(value.strip())


def phone_problem(value: str) -> str | None:
    if not _PHONE_SHAPE.match(normalise_phone(value)):
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
