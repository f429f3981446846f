"""Schemas that every app's router shares: the one error shape,
`{"errors": [{"field": "...", "message": "..."}]}`."""

from ninja import Schema


class Error(Schema):
    field: str
    message: str


class Errors(Schema):
    errors: list[Error]
