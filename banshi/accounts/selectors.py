from django.utils import timezone

from banshi.accounts.models import ApiToken, User


def user_for_api_key(*, key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(key), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    return token.user if token else None
