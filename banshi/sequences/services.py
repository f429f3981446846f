"""Named sequences: numbers that go up by one per key, in one statement, under any number of writers."""

import threading

from django.db import connection

from banshi.sequences.models import Counter

_blocks: dict[str, tuple[int, int]] = {}
_blocks_lock = threading.Lock()


def _advance_sql() -> str:
    # Built on use, not at import: the connection's quoting is the database's to decide. The table name
    # is the model's own, so nothing from outside reaches the statement but its parameters.
    table = connection.ops.quote_name(Counter._meta.db_table)
    return (
        f'INSERT INTO {table} ("key", "value") VALUES (%s, %s) '  # noqa: S608
        f'ON CONFLICT ("key") DO UPDATE SET "value" = {table}."value" + %s RETURNING "value"'
    )


def counter_next(key: str) -> int:
    """The next value of a named sequence, in one statement (SQLite and PostgreSQL both upsert with
    RETURNING). Inside a transaction the row stays locked until it ends, so numbers allocated there
    are gapless; outside one the lock lasts only for the statement."""
    return counter_advance(key, 1)


def counter_advance(key: str, step: int) -> int:
    """Add `step` to a named sequence and return its new value."""
    with connection.cursor() as cursor:
        cursor.execute(_advance_sql(), [key, step, step])
        value: int = cursor.fetchone()[0]
        return value


def counter_next_in_block(key: str, *, block: int) -> int:
    """The next value of a named sequence from a block of `block` values reserved by this process, so
    that concurrent writers do not all wait on one counter row. Values stay unique; across processes
    they are not strictly in order, and a block's unused values are skipped when the process ends."""
    with _blocks_lock:
        following, last = _blocks.get(key, (1, 0))
        if following > last:
            last = counter_advance(key, block)
            following = last - block + 1
        _blocks[key] = (following + 1, last)
    return following


def counter_blocks_forget() -> None:
    """Drop the reserved blocks (the tests do, as each rolls its counters back)."""
    with _blocks_lock:
        _blocks.clear()
