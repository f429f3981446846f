"""Checking and normalising the value of one form field by its type. Messages name the problem; the
caller names the field."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from banshi.catalog.definition import FieldDef
from banshi.lib.personal import id_number_problem, normalise_id_number, phone_problem

_BANK = re.compile(r"^\d{12,19}$")


class ValueProblem(ValueError):
    pass


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def clean_value(spec: FieldDef, raw: Any, *, area_codes: AbstractSet[str] | None = None) -> Any:
    """The normalised value, or None for an empty optional field; raises ValueProblem."""
    if _blank(raw):
        if spec.required and spec.type != "boolean":
            raise ValueProblem(_("is required"))
        return False if spec.type == "boolean" else None
    kind = spec.type
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"true", "1", "yes", "on"}:
            return True
        if text in {"false", "0", "no", "off"}:
            return False
        raise ValueProblem(_("must be yes or no"))
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        raise ValueProblem(_("has the wrong kind of value"))
    text = str(raw).strip()
    if kind in {"text", "address"}:
        limit = spec.max_length or (200 if kind == "address" else 100)
        if len(text) > limit:
            raise ValueProblem(_("must be at most %(limit)d characters") % {"limit": limit})
        if kind == "address" and len(text) < 5:
            raise ValueProblem(_("is too short to be a full address"))
        return text
    if kind == "choice":
        if text not in spec.options:
            raise ValueProblem(_("is not one of the allowed choices"))
        return text
    if kind == "integer":
        try:
            value = int(text)
        except ValueError:
            raise ValueProblem(_("must be a whole number")) from None
        _check_range(spec, Decimal(value))
        return value
    if kind == "decimal":
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueProblem(_("must be a number")) from None
        if not number.is_finite():
            raise ValueProblem(_("must be a number"))
        _check_range(spec, number)
        return str(number)
    if kind == "date":
        try:
            day = parse_date(text)
        except ValueError:
            day = None
        if day is None:
            raise ValueProblem(_("must be a real date (YYYY-MM-DD)"))
        _check_time(spec, day, timezone.localdate())
        return day.isoformat()
    if kind == "datetime":
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
    if kind == "id_number":
        if problem := id_number_problem(text, today=timezone.localdate()):
            raise ValueProblem(_(problem))
        return normalise_id_number(text)
    if kind == "phone":
        if problem := phone_problem(text):
            raise ValueProblem(_(problem))
        return text
    if kind == "bank_account":
        digits = text.replace(" ", "")
        if not _BANK.match(digits):
            raise ValueProblem(_("must be a bank card or account number of 12 to 19 digits"))
        return digits
    if kind == "email":
        try:
            validate_email(text)
        except DjangoValidationError:
            raise ValueProblem(_("must be an e-mail address")) from None
        return text
    if kind == "area":
        if area_codes is not None and text not in area_codes:
            raise ValueProblem(_("is not a known district or county"))
        return text
    raise ValueProblem(_("has an unknown type"))  # pragma: no cover - the schema allows no other type


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
    if spec.max_age_days is not None and value < now - timedelta(days=spec.max_age_days):
        raise ValueProblem(_("must be within the last %(days)d days") % {"days": spec.max_age_days})
