"""The API's one error shape, `{"errors": [{"field": "...", "message": "..."}]}`, which every app's router
declares for its error responses. It sits here, below the apps, beside the domain errors it describes."""

from ninja import Schema


class Error(Schema):
    field: str
    message: str


class Errors(Schema):
    errors: list[Error]
