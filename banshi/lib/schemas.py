"""What every app's router shares, below the apps: the API's one error shape,
`{"errors": [{"field": "...", "message": "..."}]}`, beside the domain errors it describes, and the clean
text every input schema takes."""

from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from banshi.lib.text import TextProblem, clean_text


class Error(Schema):
    field: str
    message: str


class Errors(Schema):
    errors: list[Error]


def _one_line(value: str) -> str:
    try:
        return clean_text(value)
    except TextProblem as problem:
        raise PydanticCustomError("text", str(problem)) from None


def _lines(value: str) -> str:
    try:
        return clean_text(value, multiline=True)
    except TextProblem as problem:
        raise PydanticCustomError("text", str(problem)) from None


# Text on one line (a name, a code, a key of an object), and text that may hold line breaks (a reason, a
# comment): NFC-normalised, refused with the problem when it holds a character that cannot be stored.
Line = Annotated[str, AfterValidator(_one_line)]
Lines = Annotated[str, AfterValidator(_lines)]
