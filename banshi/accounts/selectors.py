from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from banshi.accounts.models import ApiToken, User


def user_for_api_key(*, key: str, now: datetime | None = None) -> User | None:
    """The active user whose bearer token this is, while it holds: not expired, not revoked, and issued
    under the user's present password. Notes when the token was used, to the nearest
    `ApiToken.LAST_USE_PRECISION`: the one write a lookup makes, bookkeeping that nobody acts on, so
    neither a service nor an audit event."""
    now = now or timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            digest=ApiToken.digest_of(key),
            expires_at__gt=now,
            revoked_at__isnull=True,
            user__is_active=True,
        )
        .first()
    )
    if token is None or not constant_time_compare(token.password_stamp, token.user.get_session_auth_hash()):
        return None
    if token.last_used_at is None or now - token.last_used_at >= ApiToken.LAST_USE_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def _live_tokens(user: User, now: datetime) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(
        user=user,
        expires_at__gt=now,
        revoked_at__isnull=True,
        password_stamp=user.get_session_auth_hash(),
    )


def api_tokens_of(*, user: User, now: datetime | None = None) -> list[ApiToken]:
    """The user's tokens that still hold, newest first."""
    return list(_live_tokens(user, now or timezone.now()).order_by("-created_at", "-id"))


def api_token_of(*, user: User, token_id: int, now: datetime | None = None) -> ApiToken | None:
    """One of the user's tokens that still holds; None for another user's, or one that no longer does."""
    return _live_tokens(user, now or timezone.now()).filter(pk=token_id).first()


def username_for_login(*, identifier: str) -> str | None:
    """The user name of the account that a typed user name or mobile number opens, as the login backend
    finds it; None when none does."""
    if not identifier:
        return None
    return (
        User.objects.filter(Q(username=identifier) | Q(phone=identifier))
        .order_by("id")
        .values_list("username", flat=True)
        .first()
    )


def resident_by_phone(*, phone: str) -> User | None:
    return User.objects.filter(phone=phone, is_active=True).first()


def resident_by_id(*, user_id: int) -> User | None:
    """A resident a clerk may act for: an active account with a mobile number."""
    return User.objects.filter(pk=user_id, is_active=True, phone__isnull=False).exclude(phone="").first()
