from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from banshi.accounts.models import ApiToken, User
from banshi.audit.services import event_record


class SignupError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def resident_signup(*, phone: str, password: str, display_name: str = "") -> User:
    from banshi.accounts.personal import phone_problem

    phone = phone.strip()
    if problem := phone_problem(phone):
        raise SignupError("phone", gettext(problem))
    with transaction.atomic():
        if User.objects.filter(phone=phone).exists() or User.objects.filter(username=phone).exists():
            raise SignupError("phone", gettext("is already registered"))
        user = User.objects.create_user(
            username=phone, phone=phone, password=password, display_name=display_name
        )
        event_record(actor=user, subject=user, event_type="user.signed_up")
    return user


def api_token_issue(*, user: User) -> tuple[str, ApiToken]:
    key = ApiToken.new_key()
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            digest=ApiToken.digest_of(key),
            expires_at=now + timedelta(hours=settings.API_TOKEN_TTL_HOURS),
        )
        event_record(
            actor=user, subject=user, event_type="api_token.issued", extra={"token_id": token.id}, at=now
        )
    return key, token
