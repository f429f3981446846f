"""Sequences and generated numbers: application numbers, document numbers, citizen ID numbers."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F

from banshi.accounts.personal import id_check_digit
from banshi.cases.models import Counter
from banshi.lib.errors import Conflict


def counter_next(key: str) -> int:
    """The next value of a named sequence. The UPDATE locks the row until the caller's transaction
    ends, so two transactions never get the same value."""
    with transaction.atomic():
        if Counter.objects.filter(key=key).update(value=F("value") + 1) == 0:
            try:
                with transaction.atomic():
                    Counter.objects.create(key=key, value=1)
                return 1
            except IntegrityError:
                Counter.objects.filter(key=key).update(value=F("value") + 1)
        return Counter.objects.values_list("value", flat=True).get(key=key)


def application_number(day: date) -> str:
    return f"BS{day:%Y%m%d}{counter_next(f'application:{day:%Y%m%d}'):06d}"


def document_number(prefix: str, day: date) -> str:
    return f"{prefix}{day:%Y%m%d}{counter_next(f'document:{prefix}:{day:%Y%m%d}'):06d}"


def citizen_id_number(*, region: str, birth_date: date, male: bool) -> str:
    """Region code + birth date + sequence (odd for men, even for women) + GB 11643 check digit."""
    n = counter_next(f"citizen_id:{region}:{birth_date:%Y%m%d}:{'m' if male else 'f'}")
    sequence = 2 * n - 1 if male else 2 * n
    if sequence > 999:
        raise Conflict("no sequence numbers left for this region and birth date")
    first17 = f"{region}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + id_check_digit(first17)
