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
from django.utils.translation import gettext

from banshi.accounts.events import EventType
from banshi.accounts.models import ApiToken, PasswordCode, SignupCode, User
from banshi.audit.services import event_record
from banshi.lib import codes
from banshi.lib.errors import FieldErrors, NotFound
from banshi.lib.personal import normalise_phone, phone_problem
from banshi.lib.text import ascii_digits, text_field
from banshi.notify.services import sms_send

# What the sign-up form asks for; applied when the deployment configures no AUTH_PASSWORD_VALIDATORS.
PASSWORD_MIN_LENGTH = 8
DISPLAY_NAME_MAX = User._meta.get_field("display_name").max_length or 60

# Why an API token was revoked, as `extra["cause"]` of its event.
REVOKED_BY_OWNER = "owner"
REVOKED_BY_ADMINISTRATOR = "administrator"
REVOKED_BY_PASSWORD = "password"  # noqa: S105 (why a token was revoked, not a password)


def _password_problem(password: str, user: User) -> str | None:
    """Why the password policy refuses `password` for `user`, or None. The one place it is applied: the
    configured validators, or a minimum length when none are configured."""
    if not password:
        return gettext("is required")
    validators = get_default_password_validators() or [MinimumLengthValidator(PASSWORD_MIN_LENGTH)]
    try:
        validate_password(password, user, password_validators=validators)
    except ValidationError as exc:
        return gettext("is not accepted: %(reasons)s") % {"reasons": " ".join(exc.messages)}
    return None


def signup_problems(*, phone: str, password: str, display_name: str = "") -> dict[str, str]:
    """What is wrong with a sign-up's fields, every field at once (field name: problem); {} when the
    account can be opened once the number is confirmed."""
    phone = normalise_phone(phone or "")
    errors = {}
    if problem := phone_problem(phone):
        errors["phone"] = gettext(problem)
    elif _phone_registered(phone):
        errors["phone"] = gettext("is already registered")
    try:
        display_name = text_field(display_name, field="display_name", limit=DISPLAY_NAME_MAX)
    except FieldErrors as refused:
        errors |= refused.errors
    candidate = User(username=phone, phone=phone, display_name=display_name)
    if problem := _password_problem(password, candidate):
        errors["password"] = problem
    return errors


def _phone_registered(phone: str) -> bool:
    return User.objects.filter(phone=phone).exists() or User.objects.filter(username=phone).exists()


def _latest_signup_code(phone: str) -> SignupCode | None:
    return SignupCode.objects.select_for_update().filter(phone=phone).order_by("-created_at", "-id").first()


def signup_code_send(
    *, phone: str, password: str, display_name: str = "", now: datetime | None = None
) -> SignupCode:
    """Text a 6-digit code to the mobile number a visitor signs up with, once every field of the
    sign-up is right (all their problems are raised at once otherwise). Nothing of the account is kept
    yet: `resident_signup` opens it with the code. One text a minute at most, and the day's cap of the
    number, as for every code."""
    errors = signup_problems(phone=phone, password=password, display_name=display_name)
    if errors:
        raise FieldErrors(errors)
    phone = normalise_phone(phone)
    now = now or timezone.now()
    with transaction.atomic():
        if codes.sent_too_recently(_latest_signup_code(phone), now):
            raise FieldErrors(
                {
                    "phone": gettext(
                        "was sent a code less than a minute ago: enter that code, or wait a minute"
                    )
                }
            )
        if refused := codes.send_refused(phone, now):
            raise FieldErrors({"phone": refused})
        code = codes.code_new()
        signup_code = SignupCode.objects.create(
            phone=phone,
            digest=SignupCode.digest_of(phone, code),
            created_at=now,
            expires_at=now + codes.LIFETIME,
        )
        event_record(actor=None, subject=signup_code, event_type=EventType.USER_SIGNUP_CODE_SENT, at=now)
        text = gettext(
            "Banshi: your code to open your account is %(code)s. It is valid for %(minutes)d minutes. "
            "Never tell it to anyone, not even to our staff."
        ) % {"code": code, "minutes": codes.LIFETIME_MINUTES}
        sms_send(phone=phone, text=text, valid_until=signup_code.expires_at)
    return signup_code


def _signup_code_problem(signup_code: SignupCode | None, *, code: str, now: datetime) -> str | None:
    if signup_code is None:
        return gettext("was not sent to this mobile number: send a code")
    if signup_code.used_at is not None:
        return gettext("has already been used: send a new code")
    verdict = codes.code_check(
        signup_code,
        offered=SignupCode.digest_of(signup_code.phone, code),
        kept=signup_code.digest,
        phone=signup_code.phone,
        now=now,
    )
    if verdict.locked:
        event_record(actor=None, subject=signup_code, event_type=EventType.USER_SIGNUP_CODE_LOCKED, at=now)
    return verdict.problem


def resident_signup(
    *, phone: str, password: str, display_name: str = "", code: str = "", now: datetime | None = None
) -> User:
    """Open a resident's account, given the latest code `signup_code_send` texted to its mobile number:
    the number is theirs before the account exists. A wrong code is counted (five wrong tries lock it)
    and opens nothing."""
    errors = signup_problems(phone=phone, password=password, display_name=display_name)
    code = ascii_digits((code or "").strip())
    if not code:
        errors["code"] = gettext("is required")
    elif not codes.well_formed(code):
        errors["code"] = str(codes.SHAPE_PROBLEM)
    if errors:
        raise FieldErrors(errors)
    phone = normalise_phone(phone)
    display_name = text_field(display_name, field="display_name", limit=DISPLAY_NAME_MAX)
    now = now or timezone.now()
    with transaction.atomic():
        signup_code = _latest_signup_code(phone)
        code_problem = _signup_code_problem(signup_code, code=code, now=now)
        if signup_code is not None and not code_problem:
            if _phone_registered(phone):
                raise FieldErrors({"phone": gettext("is already registered")})
            user = User.objects.create_user(
                username=phone, phone=phone, password=password, display_name=display_name
            )
            signup_code.used_at = now
            signup_code.save(update_fields=["used_at"])
            event_record(
                actor=user,
                subject=user,
                event_type=EventType.USER_SIGNED_UP,
                extra={"signup_code": signup_code.pk},
                at=now,
            )
            return user
    # Raised after the block, so that the counted attempt is kept.
    raise FieldErrors({"code": code_problem or ""})


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
    account. The code itself is only in the text message, which the task worker sends."""
    phone = normalise_phone(phone or "")
    if problem := phone_problem(phone):
        raise FieldErrors({"phone": gettext(problem)})
    now = now or timezone.now()
    with transaction.atomic():
        user = _password_code_owner(phone)
        if user is None:
            return None
        if codes.sent_too_recently(_latest_password_code(user), now) or codes.send_refused(phone, now):
            return None
        code = codes.code_new()
        password_code = PasswordCode.objects.create(
            user=user,
            digest=PasswordCode.digest_of(user.pk, code),
            created_at=now,
            expires_at=now + codes.LIFETIME,
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
        ) % {"code": code, "minutes": codes.LIFETIME_MINUTES}
        sms_send(phone=phone, text=text, valid_until=password_code.expires_at)
    return password_code


def _password_code_problem(password_code: PasswordCode | None, *, code: str, now: datetime) -> str | None:
    """Why the code does not let the password be set, counting a wrong try; None when it does."""
    if password_code is None:
        return gettext("was not sent to this mobile number: check the number, or send a new code")
    if password_code.used_at is not None:
        return gettext("has already been used: send a new code")
    verdict = codes.code_check(
        password_code,
        offered=PasswordCode.digest_of(password_code.user_id, code),
        kept=password_code.digest,
        phone=password_code.user.phone or "",
        now=now,
    )
    if verdict.locked:
        event_record(
            actor=None,
            subject=password_code.user,
            event_type=EventType.USER_PASSWORD_CODE_LOCKED,
            extra={"password_code": password_code.pk},
            at=now,
        )
    return verdict.problem


def password_set_with_code(*, phone: str, code: str, password: str, now: datetime | None = None) -> User:
    """Set the password of the account of this mobile number, given the latest code texted to it. A
    wrong code is counted (five wrong tries lock it) and changes nothing else; a right code with a
    password that is refused stays unused, so the resident can try another password. The new password
    revokes the account's API tokens and ends its sessions (each carries a hash of the password)."""
    phone = normalise_phone(phone or "")
    code = ascii_digits((code or "").strip())
    errors = {}
    if problem := phone_problem(phone):
        errors["phone"] = gettext(problem)
    if not codes.well_formed(code):
        errors["code"] = str(codes.SHAPE_PROBLEM)
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
            _api_tokens_revoke_all(actor=user, user=user, cause=REVOKED_BY_PASSWORD, now=now)
            return user
    # Raised after the block, so that the counted attempt is kept.
    errors = {"code": code_problem} if code_problem else {}
    if password_problem:
        errors["password"] = password_problem
    raise FieldErrors(errors)


def user_password_changed(*, actor: User, user: User, now: datetime | None = None) -> int:
    """Record that an administrator changed (or removed) `user`'s password in the admin, and revoke the
    user's API tokens; returns how many. Their sessions end by themselves: each carries a hash of the
    password. Call in the transaction that saved the password."""
    now = now or timezone.now()
    with transaction.atomic():
        event_record(actor=actor, subject=user, event_type=EventType.USER_PASSWORD_CHANGED, at=now)
        return _api_tokens_revoke_all(actor=actor, user=user, cause=REVOKED_BY_PASSWORD, now=now)


def api_token_issue(*, user: User) -> tuple[str, ApiToken]:
    key = ApiToken.new_key()
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            digest=ApiToken.digest_of(key),
            password_stamp=user.get_session_auth_hash(),
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


def _revoke(token: ApiToken, *, actor: User | None, cause: str, now: datetime) -> None:
    token.revoked_at = now
    token.save(update_fields=["revoked_at"])
    event_record(
        actor=actor,
        subject=token.user,
        event_type=EventType.API_TOKEN_REVOKED,
        extra={"token_id": token.pk, "cause": cause},
        at=now,
    )


def api_token_revoke(*, actor: User, token_id: int, now: datetime | None = None) -> ApiToken:
    """Revoke a token: the owner their own, an administrator (who may change tokens) anyone's. Another
    user's token is NotFound, as a missing one is. Revoking a token already revoked records nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().select_related("user").filter(pk=token_id).first()
        owner = token is not None and token.user_id == actor.pk
        if token is None or not (owner or actor.has_perm("accounts.change_apitoken")):
            raise NotFound
        if token.revoked_at is None:
            cause = REVOKED_BY_OWNER if owner else REVOKED_BY_ADMINISTRATOR
            _revoke(token, actor=actor, cause=cause, now=now)
    return token


def _api_tokens_revoke_all(*, actor: User | None, user: User, cause: str, now: datetime) -> int:
    """Revoke every token of `user` that has not expired or been revoked yet, one event each."""
    tokens = list(
        ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
    )
    for token in tokens:
        token.user = user
        _revoke(token, actor=actor, cause=cause, now=now)
    return len(tokens)
