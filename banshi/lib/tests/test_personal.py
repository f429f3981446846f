from datetime import date

import pytest

from banshi.lib.personal import (
    id_check_digit,
    id_number_problem,
    mask_id_number,
    mask_name,
    mask_phone,
    normalise_id_number,
    normalise_phone,
    phone_problem,
)


def test_a_published_sample_id_number_passes_the_gb11643_checksum():
    # The standard's worked example: 11010519491231002 -> X
    assert id_check_digit("11010519491231002") == "X"
    assert id_number_problem("11010519491231002X", today=date(2026, 1, 1)) is None
    assert id_number_problem("11010519491231002x", today=date(2026, 1, 1)) is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("110105194912310021", "check digit"),
        ("11010519491331002X", "impossible birth date"),
        ("11010519490230002X", "impossible birth date"),
        ("1101051949123100", "18 characters"),
        ("11010519491231002Y", "18 characters"),
        ("110105203012310026", "outside the possible range"),
    ],
)
def test_a_bad_id_number_is_refused_with_the_reason(value, problem):
    assert problem in id_number_problem(value, today=date(2026, 11, 27))


def test_phones_are_mainland_mobiles():
    assert phone_problem("13800000000") is None
    assert phone_problem("12800000000")
    assert phone_problem("1380000000")


def test_masking_keeps_only_what_identifies_nobody():
    assert mask_id_number("11010519491231002X") == "110***********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("王小明") == "王**"


def with_check_digit(first17: str) -> str:
    return first17 + id_check_digit(first17)


@pytest.mark.parametrize(
    "first17",
    [
        "31011520010815123",  # Shanghai, Pudong New Area
        "44030519851203456",  # Shenzhen, Nanshan
        "50010319900307123",  # Chongqing, Yuzhong: a code of 1997, on a number of someone born before
        "51022519700101001",  # Jiangjin County (1983-1992), a historical code on a number of its time
    ],
)
def test_real_format_id_numbers_with_their_check_digit_pass(first17):
    assert id_number_problem(with_check_digit(first17), today=date(2026, 1, 1)) is None


@pytest.mark.parametrize(
    "first17",
    [
        "99999919900101001",  # no such region
        "10000019900101001",  # no such province
        "51022519950101001",  # Jiangjin County had become a city before this person was born
    ],
)
def test_an_id_number_of_an_unknown_region_is_refused_with_the_reason(first17):
    assert id_number_problem(with_check_digit(first17), today=date(2026, 1, 1)) == (
        "starts with an unknown region code"
    )


def test_fullwidth_digits_and_x_are_read_as_ascii_and_other_scripts_digits_refused():
    fullwidth = "１１０１０５１９４９１２３１００２ｘ"
    assert id_number_problem(fullwidth, today=date(2026, 1, 1)) is None
    assert normalise_id_number(fullwidth) == "11010519491231002X"
    arabic_indic = "11010519491231002X".translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert "18 characters" in id_number_problem(arabic_indic, today=date(2026, 1, 1))


def test_a_phone_number_in_fullwidth_digits_is_the_same_number_and_arabic_indic_digits_are_refused():
    assert phone_problem("１３８００１３８０００") is None
    assert normalise_phone(" １３８００１３８０００ ") == "13800138000"
    assert phone_problem("1٣800138000")
