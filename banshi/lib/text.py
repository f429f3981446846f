"""Text as it may be stored: NFC-normalised, and free of the characters that break a database, a page or a
reader's trust. Every way text comes in (the one form's values, the services' free text, the pages' forms,
the API's schemas and JSON keys) goes through `clean_text`.

Refused, with a message naming the character:
- NUL and the other C0 and C1 control characters (PostgreSQL refuses NUL in text; the others are invisible
  and break exports and pages), except a newline and a tab in a multi-line text;
- unpaired surrogates (a JSON `"\\ud800"`): they cannot be encoded as UTF-8 at all;
- the bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), which make a text read
  differently from what it holds (a file name `gpj.exe` shown as `exe.jpg`);
- the zero-width characters (U+200B–U+200D, U+2060, U+FEFF), which make two different texts look the
  same (a name, a number)."""

import re
import unicodedata
from typing import Any

from django.utils.translation import gettext as _

from banshi.lib.errors import FieldErrors

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
_LINE_BREAK = re.compile("\r\n?")

# Fullwidth digits (and X) are what a Chinese input method types in full-width mode: they are the
# same digits. Any other script's digits (Arabic-Indic, Devanagari…) are refused by the ASCII-only
# patterns that follow.
_FULLWIDTH_DIGITS = {0xFF10 + digit: ord("0") + digit for digit in range(10)}
_ID_X = {ord("x"): "X", 0xFF58: "X", 0xFF38: "X"}


class TextProblem(ValueError):
    """What is wrong with a text, in words that follow the field's name ("Reason contains …")."""


def _code(character: str) -> str:
    return f"U+{ord(character):04X}"


def clean_text(value: str, *, multiline: bool = False) -> str:
    """`value` NFC-normalised (and, when `multiline`, with its line breaks as `\\n`); raises TextProblem
    naming the first character that cannot be stored. Surrounding space is the caller's to strip."""
    if found := _SURROGATE.search(value):
        raise TextProblem(
            _("contains an invalid character (%(code)s, half of a pair): remove it")
            % {"code": _code(found.group())}
        )
    if multiline:
        value = _LINE_BREAK.sub("\n", value)
    elif "\n" in value or "\r" in value:
        raise TextProblem(_("must be on one line"))
    if found := (_CONTROL_MULTILINE if multiline else _CONTROL).search(value):
        raise TextProblem(
            _("contains an invisible control character (%(code)s): remove it")
            % {"code": _code(found.group())}
        )
    if found := _BIDI.search(value):
        raise TextProblem(
            _("contains a character that changes the direction of the text (%(code)s): remove it")
            % {"code": _code(found.group())}
        )
    if found := _ZERO_WIDTH.search(value):
        raise TextProblem(
            _("contains an invisible zero-width character (%(code)s): remove it")
            % {"code": _code(found.group())}
        )
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    return value


def text_field(value: Any, *, field: str, limit: int, required: bool = False, multiline: bool = False) -> str:
    """A service's free-text input (a reason, a comment, a name): clean, stripped, at most `limit`
    characters; raises FieldErrors naming `field`. None is the empty text."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise FieldErrors({field: _("must be text")})
    try:
        text = clean_text(value, multiline=multiline).strip()
    except TextProblem as problem:
        raise FieldErrors({field: str(problem)}) from None
    if required and not text:
        raise FieldErrors({field: _("is required")})
    if len(text) > limit:
        raise FieldErrors({field: _("must be at most %(limit)d characters") % {"limit": limit}})
    return text


def ascii_digits(value: str, *, x: bool = False) -> str:
    """An identifier (an ID, phone or account number, a code) with fullwidth digits as ASCII ones, and,
    when `x`, a lowercase or fullwidth x as X (an ID number's check character). Other scripts' digits
    are left as they are for the caller's ASCII-only pattern to refuse."""
    value = value.translate(_FULLWIDTH_DIGITS)
    return value.translate(_ID_X) if x else value
