"""The value of one field, cleaned by its type: the number normalised, identifiers in ASCII digits, text
without the characters that cannot be stored."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from banshi.catalog.definition import FieldDef
from banshi.catalog.values import EXAMPLES, ValueProblem, clean_value, constraints
from banshi.conftest import MOTHER_ID
from banshi.lib.tests.test_text import BAD_CHARACTERS

LABEL = {"zh-hans": "字段", "en": "Field"}


def field(kind: str, **options: Any) -> FieldDef:
    return FieldDef.model_validate({"type": kind, "label": LABEL, "required": False, **options})


def problem(spec: FieldDef, raw) -> str:
    with pytest.raises(ValueProblem) as caught:
        clean_value(spec, raw)
    return str(caught.value)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("5e1", "50"),
        ("5E+1", "50"),
        ("0.1E1", "1"),
        ("1.50", "1.50"),
        ("1.500000000000000", "1.5"),
        (".5", "0.5"),
        ("5.", "5"),
        ("-0", "0"),
        (" 7 ", "7"),
        ("１２.５", "12.5"),
        (2.5, "2.5"),
        (1e16, "10000000000000000"),
    ],
)
def test_a_decimal_is_stored_in_plain_digits(raw, stored):
    assert clean_value(field("decimal"), raw) == stored


@pytest.mark.parametrize("raw", ["NaN", "nan", "Infinity", "-inf", "1_0", "١٢", "12,5", "0x10", "1e", "e5"])
def test_what_is_not_a_plain_number_is_refused_as_a_decimal(raw):
    assert problem(field("decimal"), raw) == "must be a number"


def test_a_decimal_too_large_or_too_fine_is_refused_without_writing_it_out():
    assert problem(field("decimal"), "1e999999999") == "is too large"
    assert problem(field("decimal"), "1e-999999999") == "must have at most 10 decimal places"
    assert clean_value(field("decimal"), "0e-999999999") == "0"
    assert problem(field("decimal", max=70), "5e1000") == "is too large"
    assert problem(field("decimal", max=70), "7.1e1") == "must be at most 70"


def test_a_whole_number_takes_ascii_and_fullwidth_digits_only():
    assert clean_value(field("integer"), "１２") == 12
    assert clean_value(field("integer"), "+5") == 5
    for raw in ["١٢", "1_000", "12.0", "²", 3.0]:
        assert problem(field("integer"), raw) == "must be a whole number"
    assert problem(field("integer"), "9" * 19) == "is too large"


def test_identifiers_convert_fullwidth_digits_and_refuse_other_scripts():
    fullwidth_id = MOTHER_ID.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    assert clean_value(field("id_number"), fullwidth_id) == MOTHER_ID
    assert clean_value(field("phone"), "１３８００１３８０００") == "13800138000"
    assert clean_value(field("bank_account"), "６２２２ ０２１２ ３４５６ ７８９０") == "6222021234567890"
    arabic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    assert "18 characters" in problem(field("id_number"), MOTHER_ID.translate(arabic))
    assert "mobile number" in problem(field("phone"), "13800138000".translate(arabic))
    assert "12 to 19 digits" in problem(field("bank_account"), "6222021234567890".translate(arabic))


@pytest.mark.parametrize(("character", "words"), BAD_CHARACTERS)
@pytest.mark.parametrize("kind", ["text", "address", "id_number", "email"])
def test_a_character_that_cannot_be_stored_is_refused_whatever_the_type(character, words, kind):
    assert words in problem(field(kind), f"重庆市渝中区{character}民族路100号")


def test_a_text_is_stored_nfc_normalised():
    assert clean_value(field("text"), "Zoe\u0308") == "Zoë"


NOW = datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def spec_of(**spec) -> FieldDef:
    return FieldDef.model_validate({"label": {"zh-hans": "字段"}, **spec})


@time_machine.travel(NOW, tick=False)
def test_a_future_date_may_be_today_but_not_before():
    spec = spec_of(type="date", future=True)
    assert clean_value(spec, "2026-03-04") == "2026-03-04"
    with pytest.raises(ValueProblem, match="cannot be in the past"):
        clean_value(spec, "2026-03-03")
    assert constraints(spec).future and not constraints(spec).past


def test_what_a_type_accepts_is_stated_where_it_is_checked():
    address = constraints(spec_of(type="address"))
    assert (address.min_length, address.max_length) == (5, 200)
    with pytest.raises(ValueProblem):
        clean_value(spec_of(type="address"), "x" * 201)
    assert constraints(spec_of(type="text", max_length=20)).max_length == 20
    assert constraints(spec_of(type="integer", min=1, max=3)).maximum == 3
    # Bounds of another type's are not stated: a text has no maximum, a number no length.
    assert constraints(spec_of(type="text", min=1)).minimum is None
    for kind, example in EXAMPLES.items():
        assert clean_value(spec_of(type=kind), example) is not None, kind
