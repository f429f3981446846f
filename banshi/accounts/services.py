import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import (
    MinimumLengthValidator,
    get_default_password_validators,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext, ngettext

from banshi.accounts.events import EventType
from banshi.accounts.models import ApiToken, PasswordCode, User
from banshi.audit.services import event_record
from banshi.lib.errors import FieldErrors
from banshi.lib.personal import phone_problem
from banshi.notify.services import sms_backend

PASSWORD_CODE_LIFETIME = timedelta(minutes=10)
PASSWORD_CODE_ATTEMPTS = 5
# One text a minute at most per number, so that nobody can flood a resident's phone.
PASSWORD_CODE_RESEND_AFTER = timedelta(seconds=60)
# What the sign-up form asks for; applied when the deployment configures no AUTH_PASSWORD_VALIDATORS.
PASSWORD_MIN_LENGTH = 8
_CODE_SHAPE = re.compile(r"^\d{6}$")


class SignupError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def resident_signup(*, phone: str, password: str, display_name: str = "") -> User:
    phone = phone.strip()
    if problem := phone_problem(phone):
        raise SignupError("phone", gettext(problem))
    with transaction.atomic():
        if User.objects.filter(phone=phone).exists() or User.objects.filter(username=phone).exists():
            raise SignupError("phone", gettext("is already registered"))
        user = User.objects.create_user(
            username=phone, phone=phone, password=password, display_name=display_name
        )
        event_record(actor=user, subject=user, event_type=EventType.USER_SIGNED_UP)
    return user


def _password_code_owner(phone: str) -> User | None:
    """The account a code may set the password of, locked. Staff accounts are left out: they sign in
    with a user name, and a lost phone must not open the admin."""
    return (
        User.objects.select_for_update()
        .filter(phone=phone, is_active=True, is_staff=False, is_superuser=False)
        .first()
    )


def _latest_password_code(user: User) -> PasswordCode | None:
    return PasswordCode.objects.select_for_update().filter(user=user).order_by("-created_at", "-id").first()


def password_code_send(*, phone: str, now: datetime | None = None) -> PasswordCode | None:
    """Text a 6-digit code with which the resident of this mobile number can set a password. Returns
    None, sending nothing, when no account has the number or a code went to it less than a minute ago:
    the caller answers the same either way, so that the page tells nobody whether a number has an
    account. The code itself is only in the text message."""
    phone = (phone or "").strip()
    if problem := phone_problem(phone):
        raise FieldErrors({"phone": gettext(problem)})
    now = now or timezone.now()
    with transaction.atomic():
        user = _password_code_owner(phone)
        if user is None:
            return None
        last = _latest_password_code(user)
        if last is not None and now - last.created_at < PASSWORD_CODE_RESEND_AFTER:
            return None
        code = f"{secrets.randbelow(10**6):06d}"
        password_code = PasswordCode.objects.create(
            user=user,
            digest=PasswordCode.digest_of(user.pk, code),
            created_at=now,
            expires_at=now + PASSWORD_CODE_LIFETIME,
        )
        event_record(
            actor=None,
            subject=user,
            event_type=EventType.USER_PASSWORD_CODE_SENT,
            extra={"password_code": password_code.pk},
            at=now,
        )
        text = gettext(
            "Banshi: your code to set your password is %(code)s. It is valid for %(minutes)d minutes. "
            "Never tell it to anyone, not even to our staff."
        ) % {"code": code, "minutes": PASSWORD_CODE_LIFETIME.seconds // 60}
        transaction.on_commit(lambda: sms_backend().send(recipient=phone, text=text))
    return password_code


def _password_code_problem(password_code: PasswordCode | None, *, code: str, now: datetime) -> str | None:
    """Why the code does not let the password be set, counting a wrong try; None when it does."""
    if password_code is None:
        return gettext("was not sent to this mobile number: check the number, or send a new code")
    if password_code.used_at is not None:
        return gettext("has already been used: send a new code")
    if password_code.attempts >= PASSWORD_CODE_ATTEMPTS:
        return gettext("was entered wrongly too many times: send a new code")
    if now >= password_code.expires_at:
        return gettext("has expired: send a new code")
    if constant_time_compare(PasswordCode.digest_of(password_code.user_id, code), password_code.digest):
        return None
    password_code.attempts += 1
    password_code.save(update_fields=["attempts"])
    left = PASSWORD_CODE_ATTEMPTS - password_code.attempts
    if left == 0:
        event_record(
            actor=None,
            subject=password_code.user,
            event_type=EventType.USER_PASSWORD_CODE_LOCKED,
            extra={"password_code": password_code.pk},
            at=now,
        )
        return gettext("is not right, and it was the last try: send a new code")
    return ngettext("is not right: %(count)d try left", "is not right: %(count)d tries left", left) % {
        "count": left
    }


def _password_problem(password: str, user: User) -> str | None:
    validators = get_default_password_validators() or [MinimumLengthValidator(PASSWORD_MIN_LENGTH)]
    try:
        validate_password(password, user, password_validators=validators)
    except ValidationError as exc:
        return gettext("is not accepted: %(reasons)s") % {"reasons": " ".join(exc.messages)}
    return None


def password_set_with_code(*, phone: str, code: str, password: str, now: datetime | None = None) -> User:
    """Set the password of the account of this mobile number, given the latest code texted to it. A
    wrong code is counted (five wrong tries lock it) and changes nothing else; a right code with a
    password that is refused stays unused, so the resident can try another password."""
    phone = (phone or "").strip()
    code = (code or "").strip()
    errors = {}
    if problem := phone_problem(phone):
        errors["phone"] = gettext(problem)
    if not _CODE_SHAPE.match(code):
        errors["code"] = gettext("must be the 6 digits of the text message")
    if not password:
        errors["password"] = gettext("is required")
    if errors:
        raise FieldErrors(errors)
    now = now or timezone.now()
    with transaction.atomic():
        user = _password_code_owner(phone)
        password_code = _latest_password_code(user) if user is not None else None
        code_problem = _password_code_problem(password_code, code=code, now=now)
        # Checked against a stand-in for an unknown number, so that the answer about the password is
        # the same whether or not the number has an account.
        password_problem = _password_problem(password, user or User(username=phone, phone=phone))
        if user is not None and password_code is not None and not code_problem and not password_problem:
            user.set_password(password)
            user.save(update_fields=["password"])
            password_code.used_at = now
            password_code.save(update_fields=["used_at"])
            event_record(
                actor=user,
                subject=user,
                event_type=EventType.USER_PASSWORD_SET,
                extra={"password_code": password_code.pk},
                at=now,
            )
            return user
    # Raised after the block, so that the counted attempt is kept.
    errors = {"code": code_problem} if code_problem else {}
    if password_problem:
        errors["password"] = password_problem
    raise FieldErrors(errors)


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
            actor=user,
            subject=user,
            event_type=EventType.API_TOKEN_ISSUED,
            extra={"token_id": token.id},
            at=now,
        )
    return key, token
