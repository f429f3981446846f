"""The one cleaning of text: NFC, and the characters that cannot be stored refused by name."""

import unicodedata

import pytest

from banshi.lib.errors import FieldErrors
from banshi.lib.text import TextProblem, ascii_digits, clean_text, text_field

# Each character that must never be stored, with the words of its message.
BAD_CHARACTERS = [
    ("\x00", "control character (U+0000)"),
    ("\x07", "control character (U+0007)"),
    ("\x1b", "control character (U+001B)"),
    ("\x7f", "control character (U+007F)"),
    ("\x85", "control character (U+0085)"),
    ("\x9f", "control character (U+009F)"),
    ("\ud800", "invalid character (U+D800"),
    ("\udfff", "invalid character (U+DFFF"),
    ("\u202a", "direction of the text (U+202A)"),
    ("\u202e", "direction of the text (U+202E)"),
    ("\u2066", "direction of the text (U+2066)"),
    ("\u2069", "direction of the text (U+2069)"),
    ("\u200b", "zero-width character (U+200B)"),
    ("\u200c", "zero-width character (U+200C)"),
    ("\u200d", "zero-width character (U+200D)"),
    ("\u2060", "zero-width character (U+2060)"),
    ("\ufeff", "zero-width character (U+FEFF)"),
]


@pytest.mark.parametrize(("character", "words"), BAD_CHARACTERS)
@pytest.mark.parametrize("multiline", [False, True])
def test_a_character_that_cannot_be_stored_is_refused_by_its_code(character, words, multiline):
    with pytest.raises(TextProblem) as caught:
        clean_text(f"王{character}小明", multiline=multiline)
    assert words in str(caught.value)


def test_text_is_stored_nfc_normalised():
    decomposed = "Zoe\u0308 Me\u0301ndez"  # e + combining diaeresis, e + combining acute
    cleaned = clean_text(decomposed)
    assert cleaned == "Zoë Méndez" and unicodedata.is_normalized("NFC", cleaned)
    assert len(cleaned) < len(decomposed)


def test_one_line_text_refuses_line_breaks_and_tabs():
    assert "one line" in str(pytest.raises(TextProblem, clean_text, "a\nb").value)
    assert "one line" in str(pytest.raises(TextProblem, clean_text, "a\rb").value)
    assert "U+0009" in str(pytest.raises(TextProblem, clean_text, "a\tb").value)


def test_a_multi_line_text_keeps_its_newlines_and_tabs_with_line_breaks_as_newlines():
    assert clean_text("first\r\nsecond\rthird\n\tfourth", multiline=True) == "first\nsecond\nthird\n\tfourth"


def test_ordinary_chinese_and_emoji_text_passes_unchanged():
    for value in ["重庆市渝中区解放碑街道民族路100号", "王小明 👍", "A-1/2 (x)", "ｗｉｄｅ"]:
        assert clean_text(value) == value


def test_a_service_field_is_stripped_limited_and_named():
    assert text_field("  理由  ", field="reason", limit=10) == "理由"
    assert text_field(None, field="reason", limit=10) == ""
    with pytest.raises(FieldErrors) as caught:
        text_field("理由\u202e", field="reason", limit=10)
    assert "direction of the text" in caught.value.errors["reason"]
    refused = [
        ({"value": "  ", "field": "note", "limit": 5, "required": True}, "is required"),
        ({"value": "abcdef", "field": "note", "limit": 5}, "must be at most 5 characters"),
        ({"value": 12, "field": "note", "limit": 5}, "must be text"),
    ]
    for arguments, message in refused:
        with pytest.raises(FieldErrors) as caught:
            text_field(**arguments)
        assert caught.value.errors == {"note": message}


def test_fullwidth_digits_become_ascii_and_other_scripts_digits_stay_for_the_pattern_to_refuse():
    assert ascii_digits("１３８００１３８０００") == "13800138000"
    assert ascii_digits("１２３ｘ", x=True) == "123X"
    assert ascii_digits("123x", x=True) == "123X"
    assert ascii_digits("123Ｘ", x=True) == "123X"
    assert ascii_digits("١٢٣") == "١٢٣"  # Arabic-Indic digits are not converted
    assert ascii_digits("123x") == "123x"
