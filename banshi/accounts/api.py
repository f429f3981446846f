"""Bearer tokens for the JSON API."""

from datetime import datetime

from django.contrib.auth import authenticate
from ninja import Router, Schema

from banshi.accounts.services import api_token_issue
from banshi.api.schemas import Errors, Line
from banshi.lib.errors import FieldErrors

# Operation ids keep the names they were published under: generated clients call them by these names.
router = Router(tags=["auth"])


class TokenIn(Schema):
    username: Line
    password: str


class TokenOut(Schema):
    token: str
    expires_at: datetime


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 400: Errors},
    operation_id="banshi_api_routes_token_create",
)
def token_create(request, payload: TokenIn):
    """Exchange a user name or mobile number and a password for a bearer token."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise FieldErrors({"password": "the user name or mobile number and password do not match"})
    key, token = api_token_issue(user=user)
    return {"token": key, "expires_at": token.expires_at}
