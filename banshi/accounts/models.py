import hashlib
import secrets
from datetime import timedelta
from typing import ClassVar, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from banshi.lib.codes import SmsCode, code_digest


class User(AbstractUser):
    """Residents sign in with their mobile number; staff with a user name. Both are usernames here,
    a resident's username being their phone number."""

    phone = models.CharField(_("mobile number"), max_length=11, unique=True, null=True, blank=True)
    display_name = models.CharField(_("name"), max_length=60, blank=True)

    objects: ClassVar[UserManager[Self]] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its digest is stored. It holds until it expires or is
    revoked (by its owner, an administrator, or a change of the password), and, like a session, only
    while the password it was issued under is the user's: `password_stamp` is the user's session auth
    hash at issue, which changes with the password however it is changed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    password_stamp = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    # Recording each use would be a write per request; to the nearest few minutes is enough to tell a
    # token in use from a forgotten one.
    LAST_USE_PRECISION = timedelta(minutes=5)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"token {self.pk} of {self.user_id}"

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(key: str) -> str:
        return _digest(key)


class PasswordCode(SmsCode):
    """A 6-digit code sent by SMS so that a resident can set a password: one opened at a window has
    none, and one who forgot theirs has lost it. Only a keyed digest of the code is stored; only a
    user's latest code counts."""

    PHONE_LOOKUP = "user__phone"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_codes"
    )
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("password code")
        verbose_name_plural = _("password codes")
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"password code {self.pk} of {self.user_id}"

    @staticmethod
    def digest_of(user_id: int, code: str) -> str:
        return code_digest("banshi.accounts.password_code", user_id, code)


class SignupCode(SmsCode):
    """A 6-digit code texted to the mobile number a visitor signs up with: the account opens only with
    it, so that nobody opens one on someone else's number (and receives their updates). Keyed by the
    number, since no account exists yet; only a number's latest code counts."""

    PHONE_LOOKUP = "phone"

    phone = models.CharField(_("mobile number"), max_length=11)
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("sign-up code")
        verbose_name_plural = _("sign-up codes")
        indexes = [models.Index(fields=["phone", "-created_at"])]

    def __str__(self) -> str:
        return f"sign-up code {self.pk}"

    @staticmethod
    def digest_of(phone: str, code: str) -> str:
        return code_digest("banshi.accounts.signup_code", phone, code)
