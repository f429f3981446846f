"""What every app's router shares, below the apps: the API's one error shape,
`{"errors": [{"field": "...", "message": "..."}]}`, beside the domain errors it describes; the answers an
operation declares; the clean text every input schema takes; and the limits of the values every router
takes (record ids)."""

from typing import Annotated, Any

from ninja import P, PathEx, Schema
from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from banshi.lib.text import TextProblem, clean_text


class Error(Schema):
    field: str
    message: str


class Errors(Schema):
    errors: list[Error]


def clean_line(value: str) -> str:
    """The text cleaned for a schema's validator: a character that cannot be stored is its error."""
    try:
        return clean_text(value)
    except TextProblem as problem:
        raise PydanticCustomError("text", str(problem)) from None


def _one_line(value: Any) -> Any:
    return clean_line(value) if isinstance(value, str) else value  # the type refuses what is not text


def _lines(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return clean_text(value, multiline=True)
    except TextProblem as problem:
        raise PydanticCustomError("text", str(problem)) from None


# Text on one line (a name, a code, a key of an object), and text that may hold line breaks (a reason, a
# comment): NFC-normalised, refused with the problem when it holds a character that cannot be stored.
# They are cleaned before any length or pattern is checked, so that such a character is named as such,
# and the limits count what is stored.
CleanFirst = BeforeValidator(_one_line)
Line = Annotated[str, CleanFirst]
Lines = Annotated[str, BeforeValidator(_lines)]


# Every error answer, by status: 400 bad input (naming the field), 401 no valid bearer token, 404 missing
# or not the caller's, 409 a move the state does not allow, 429 too many requests from one client.
ERROR_STATUSES = (400, 401, 404, 409, 429)


def errors(*statuses: int) -> dict[int, type[Errors]]:
    """The error answers of an operation, for its `response=`: `{200: Out, **errors(400, 401, 404)}`."""
    unknown = set(statuses) - set(ERROR_STATUSES)
    if unknown:
        raise ValueError(f"not an error answer of the API: {sorted(unknown)}")
    return dict.fromkeys(statuses, Errors)


# The largest id a table holds (a signed 64-bit integer, Django's BigAutoField): a larger one in a path
# would overflow the database's integer rather than find nothing.
ID_MAX = 2**63 - 1
# A record's id in a path, and in a body.
RecordId = PathEx[int, P(ge=1, le=ID_MAX)]
Id = Annotated[int, Field(ge=1, le=ID_MAX)]


def keys_as_property_names(schema: dict[str, Any]) -> None:
    """For `Field(json_schema_extra=...)` of a dict whose keys have a pattern. Pydantic states the pattern
    as `patternProperties`, under which a key that does not match is still allowed (and then refused by
    the server); the document states it as `propertyNames`, which allows no other key."""
    patterns = schema.pop("patternProperties", None)
    if not patterns:
        return
    ((pattern, values),) = patterns.items()
    schema["propertyNames"] = {**schema.get("propertyNames", {}), "pattern": pattern}
    schema["additionalProperties"] = values
