"""Sequences and generated numbers: application numbers, document numbers, citizen ID numbers."""

import threading
from datetime import date

from django.db import connection

from banshi.cases.models import Counter
from banshi.lib.errors import Conflict
from banshi.lib.personal import id_check_digit

_TABLE = connection.ops.quote_name(Counter._meta.db_table)
_ADVANCE = (
    f'INSERT INTO {_TABLE} ("key", "value") VALUES (%s, %s) '
    f'ON CONFLICT ("key") DO UPDATE SET "value" = {_TABLE}."value" + %s RETURNING "value"'
)
# Application numbers are handed out from blocks reserved per process, so that concurrent
# submissions do not all wait on one counter row. Numbers stay unique; across processes they are not
# strictly in order, and a block's unused numbers are skipped when the process ends.
APPLICATION_NUMBER_BLOCK = 20
_blocks: dict[str, tuple[int, int]] = {}
_blocks_lock = threading.Lock()


def counter_next(key: str) -> int:
    """The next value of a named sequence, in one statement (SQLite and PostgreSQL both upsert with
    RETURNING). Inside a transaction the row stays locked until it ends, so numbers allocated there
    are gapless; outside one the lock lasts only for the statement."""
    return counter_advance(key, 1)


def counter_advance(key: str, step: int) -> int:
    """Add `step` to a named sequence and return its new value."""
    with connection.cursor() as cursor:
        cursor.execute(_ADVANCE, [key, step, step])
        return cursor.fetchone()[0]


def application_number(day: date) -> str:
    key = f"application:{day:%Y%m%d}"
    with _blocks_lock:
        following, last = _blocks.get(key, (1, 0))
        if following > last:
            last = counter_advance(key, APPLICATION_NUMBER_BLOCK)
            following = last - APPLICATION_NUMBER_BLOCK + 1
        _blocks[key] = (following + 1, last)
    return f"BS{day:%Y%m%d}{following:06d}"


def forget_number_blocks() -> None:
    """Drop the reserved blocks (the tests do, as each rolls its counters back)."""
    with _blocks_lock:
        _blocks.clear()


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
