"""Bearer tokens for the JSON API."""

from datetime import datetime

from django.contrib.auth import authenticate
from ninja import Field, Router, Schema

from banshi.accounts.models import User
from banshi.accounts.services import api_token_issue
from banshi.lib.errors import FieldErrors
from banshi.lib.schemas import errors

# Operation ids keep the names they were published under: generated clients call them by these names.
router = Router(tags=["auth"])


USERNAME_MAX = User._meta.get_field("username").max_length or 150
# Far longer than any password anyone types; it bounds what one request makes the server hash.
PASSWORD_MAX = 4096


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=USERNAME_MAX)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)


class TokenOut(Schema):
    token: str
    expires_at: datetime


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, **errors(400, 429)},
    operation_id="banshi_api_routes_token_create",
)
def token_create(request, payload: TokenIn):
    """Exchange a user name or mobile number and a password for a bearer token."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise FieldErrors({"password": "the user name or mobile number and password do not match"})
    key, token = api_token_issue(user=user)
    return {"token": key, "expires_at": token.expires_at}
