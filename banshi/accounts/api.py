"""Bearer tokens for the JSON API: issued for a password, listed and revoked by their owner."""

from datetime import datetime
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from banshi.accounts import throttle
from banshi.accounts.http import ApiRequest
from banshi.accounts.models import ApiToken, User
from banshi.accounts.selectors import api_token_of, api_tokens_of
from banshi.accounts.services import api_token_issue, api_token_revoke
from banshi.lib.errors import FieldErrors, NotFound
from banshi.lib.schemas import Line, RecordId, errors

# Operation ids keep the names they were published under: generated clients call them by these names.
router = Router(tags=["auth"])


USERNAME_MAX = User._meta.get_field("username").max_length or 150
# Far longer than any password anyone types; it bounds what one request makes the server hash.
PASSWORD_MAX = 4096


class TokenIn(Schema):
    username: Line = Field(min_length=1, max_length=USERNAME_MAX)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)


class TokenOut(Schema):
    token: str
    expires_at: datetime


class TokenInfo(Schema):
    """A token as its owner sees it afterwards: never the token itself."""

    id: int
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, **errors(400, 429)},
    operation_id="banshi_api_routes_token_create",
)
def token_create(request: HttpRequest, payload: TokenIn) -> HttpResponse | dict[str, Any]:
    """Exchange a user name or mobile number and a password for a bearer token. Repeated failures lock
    out the account and the client's address for a while (429), as the login page does."""
    refusal = throttle.rate_refusal(request, "api_token")
    if refusal is not None:
        return refusal
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        return throttle.lockout_response(request)
    if user is None:
        raise FieldErrors({"password": "the user name or mobile number and password do not match"})
    key, token = api_token_issue(user=user)
    return {"token": key, "expires_at": token.expires_at}


@router.get(
    "/auth/tokens",
    response={200: list[TokenInfo], **errors(401)},
    operation_id="banshi_accounts_api_token_list",
)
def token_list(request: ApiRequest) -> list[ApiToken]:
    """The caller's tokens that still hold (not expired, not revoked), newest first."""
    return api_tokens_of(user=request.auth)


@router.delete(
    "/auth/tokens/{token_id}",
    response={204: None, **errors(400, 401, 404)},
    operation_id="banshi_accounts_api_token_revoke",
)
def token_revoke(request: ApiRequest, token_id: RecordId) -> Status[None]:
    """Revoke one of the caller's tokens (the one of this request too); another user's is 404."""
    token = api_token_of(user=request.auth, token_id=token_id)
    if token is None:
        raise NotFound
    api_token_revoke(actor=request.auth, token_id=token.pk)
    return Status(204, None)
