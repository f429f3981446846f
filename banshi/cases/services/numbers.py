"""The numbers cases hands out: application numbers, document numbers, citizen ID numbers. The
sequences behind them are `banshi.sequences`."""

from datetime import date

from banshi.lib.errors import Conflict
from banshi.lib.personal import id_check_digit
from banshi.sequences.services import counter_next, counter_next_in_block

# Application numbers are handed out from blocks reserved per process, so that concurrent
# submissions do not all wait on one counter row. Numbers stay unique; across processes they are not
# strictly in order, and a block's unused numbers are skipped when the process ends.
APPLICATION_NUMBER_BLOCK = 20


def application_number(day: date) -> str:
    following = counter_next_in_block(f"application:{day:%Y%m%d}", block=APPLICATION_NUMBER_BLOCK)
    return f"BS{day:%Y%m%d}{following:06d}"


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
