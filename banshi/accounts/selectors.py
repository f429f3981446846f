from django.utils import timezone

from banshi.accounts.models import ApiToken, User


def user_for_api_key(*, key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(key), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    return token.user if token else None


def resident_by_phone(*, phone: str) -> User | None:
    return User.objects.filter(phone=phone, is_active=True).first()


def resident_by_id(*, user_id: int) -> User | None:
    """A resident a clerk may act for: an active account with a mobile number."""
    return User.objects.filter(pk=user_id, is_active=True, phone__isnull=False).exclude(phone="").first()
