"""The personal-data helpers live in `banshi.lib.personal`. The pages in `banshi.web` still import
them from here; this module goes once they import `banshi.lib.personal`."""

from banshi.lib.personal import (
    id_check_digit,
    id_number_problem,
    mask_digits,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_text,
    normalise_id_number,
    phone_problem,
)

__all__ = [
    "id_check_digit",
    "id_number_problem",
    "mask_digits",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "mask_text",
    "normalise_id_number",
    "phone_problem",
]
