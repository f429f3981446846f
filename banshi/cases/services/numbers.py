"""Sequences and generated numbers: application numbers, document numbers, citizen ID numbers."""

from datetime import date

from django.db import connection

from banshi.accounts.personal import id_check_digit
from banshi.cases.models import Counter
from banshi.lib.errors import Conflict

_TABLE = connection.ops.quote_name(Counter._meta.db_table)
_NEXT = (
    f'INSERT INTO {_TABLE} ("key", "value") VALUES (%s, 1) '
    f'ON CONFLICT ("key") DO UPDATE SET "value" = {_TABLE}."value" + 1 RETURNING "value"'
)


def counter_next(key: str) -> int:
    """The next value of a named sequence, in one statement (SQLite and PostgreSQL both upsert with
    RETURNING). Inside a transaction the row stays locked until it ends, so numbers allocated there
    are gapless; outside one the lock lasts only for the statement."""
    with connection.cursor() as cursor:
        cursor.execute(_NEXT, [key])
        return cursor.fetchone()[0]


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
