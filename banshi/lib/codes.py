"""One-time codes texted to a resident: to set a password, or to confirm what a window clerk submits for
them. Six digits, kept only as a keyed digest, five tries, ten minutes, one text a minute at most.

A code is kept in the database, not the session: the session is a cookie that a replaying browser
could use to win back spent tries. What a code is for (its owner, what else it must match) is the
concrete model's; the counting of tries and the messages are here, the same for every code."""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext, gettext_lazy, ngettext

LENGTH = 6
LIFETIME = timedelta(minutes=10)
LIFETIME_MINUTES = int(LIFETIME.total_seconds()) // 60
ATTEMPTS = 5
# One text a minute at most, so that nobody (nor a clerk's double click) can flood a resident's phone.
RESEND_AFTER = timedelta(seconds=60)
_SHAPE = re.compile(rf"^[0-9]{{{LENGTH}}}$")
SHAPE_PROBLEM = gettext_lazy("must be the 6 digits of the text message")


def code_new() -> str:
    return f"{secrets.randbelow(10**LENGTH):0{LENGTH}d}"


def code_digest(purpose: str, owner: object, code: str) -> str:
    """The digest kept instead of the code. Keyed with SECRET_KEY, so that a copy of the table alone does
    not give away a million-guess code; salted with what the code is for and whose it is, so that one
    code cannot stand for another."""
    return salted_hmac(purpose, f"{owner}:{code}", algorithm="sha256").hexdigest()


def well_formed(code: str) -> bool:
    return bool(_SHAPE.match(code))


def sent_too_recently(last: "SmsCode | None", now: datetime) -> bool:
    return last is not None and now - last.created_at < RESEND_AFTER


class SmsCode(models.Model):
    """What every texted code keeps besides its digest: tries, life and use."""

    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


@dataclass(frozen=True)
class Verdict:
    problem: str | None  # why the code is refused; None when it is right
    locked: bool = False  # this wrong try was the last one: the caller records it


def code_check(
    row: SmsCode, *, offered: str, kept: str, now: datetime, refused: str | None = None
) -> Verdict:
    """Check the digest of the code offered against the one kept, counting a wrong try (saved on the
    row, which the caller has locked). `refused` is the caller's own reason to refuse the code, given
    only once the code is still open to tries and in time, and counting no try. A code already used is
    the caller's to refuse first."""
    if row.attempts >= ATTEMPTS:
        return Verdict(gettext("was entered wrongly too many times: send a new code"))
    if now >= row.expires_at:
        return Verdict(gettext("has expired: send a new code"))
    if refused:
        return Verdict(refused)
    if constant_time_compare(offered, kept):
        return Verdict(None)
    row.attempts += 1
    row.save(update_fields=["attempts"])
    left = ATTEMPTS - row.attempts
    if left == 0:
        return Verdict(gettext("is not right, and it was the last try: send a new code"), locked=True)
    message = ngettext("is not right: %(count)d try left", "is not right: %(count)d tries left", left)
    return Verdict(message % {"count": left})
