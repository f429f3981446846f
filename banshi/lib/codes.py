"""One-time codes texted to a resident: to set a password, or to confirm what a window clerk submits for
them. Six digits, kept only as a keyed digest, five tries, ten minutes, one text a minute at most; and per
mobile number and day (China time), whatever the codes are for, at most `SMS_CODES_PER_DAY` texts and
`SMS_CODE_WRONG_TRIES_PER_DAY` wrong tries, after which even the right code waits for the next day: with
ten guesses a day at a million codes, guessing is hopeless.

A code is kept in the database, not the session: the session is a cookie that a replaying browser
could use to win back spent tries. What a code is for (its owner, what else it must match) is the
concrete model's; the counting of tries and the messages are here, the same for every code."""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Sum
from django.utils import timezone
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

    # The lookup from a code to the mobile number it was texted to (e.g. "user__phone"): the daily caps
    # count every kind of code sent to a number.
    PHONE_LOOKUP: ClassVar[str]

    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


def day_start(now: datetime) -> datetime:
    """Midnight at the start of `now`'s day in the site's time zone (China's): the daily caps start again
    then."""
    local = timezone.localtime(now, timezone.get_default_timezone())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _codes_of_the_day(phone: str, now: datetime) -> list[models.QuerySet[SmsCode]]:
    since = day_start(now)
    return [
        model._default_manager.filter(**{model.PHONE_LOOKUP: phone}, created_at__gte=since)
        for model in apps.get_models()
        if issubclass(model, SmsCode)
    ]


def sent_today(phone: str, now: datetime) -> int:
    """How many codes of any kind were texted to the number today."""
    return sum(rows.count() for rows in _codes_of_the_day(phone, now))


def wrong_tries_today(phone: str, now: datetime) -> int:
    """How many wrong tries were made today on the codes of any kind texted to the number today. A code
    lives ten minutes, so the tries on one sent just before midnight count for the day it was sent."""
    return sum(rows.aggregate(total=Sum("attempts"))["total"] or 0 for rows in _codes_of_the_day(phone, now))


def send_refused(phone: str, now: datetime) -> str | None:
    """Why no other code may be texted to the number today, or None."""
    limit = settings.SMS_CODES_PER_DAY
    if sent_today(phone, now) < limit:
        return None
    return ngettext(
        "%(count)d code was already sent to this mobile number today, the most a day: try again tomorrow.",
        "%(count)d codes were already sent to this mobile number today, the most a day: try again tomorrow.",
        limit,
    ) % {"count": limit}


@dataclass(frozen=True)
class Verdict:
    problem: str | None  # why the code is refused; None when it is right
    locked: bool = False  # this wrong try was the last one: the caller records it


def code_check(
    row: SmsCode,
    *,
    offered: str,
    kept: str,
    phone: str,
    now: datetime,
    refused: str | None = None,
) -> Verdict:
    """Check the digest of the code offered against the one kept, counting a wrong try (saved on the
    row, which the caller has locked) against the code and against the day's tries of `phone`, the
    number it was texted to. `refused` is the caller's own reason to refuse the code, given only once
    the code is still open to tries and in time, and counting no try. A code already used is the
    caller's to refuse first."""
    if row.attempts >= ATTEMPTS:
        return Verdict(gettext("was entered wrongly too many times: send a new code"))
    if now >= row.expires_at:
        return Verdict(gettext("has expired: send a new code"))
    daily = settings.SMS_CODE_WRONG_TRIES_PER_DAY
    wrong_today = wrong_tries_today(phone, now)
    if wrong_today >= daily:
        # Even the right code: otherwise a guesser would only need patience.
        return Verdict(gettext("was entered wrongly too many times today: try again tomorrow"))
    if refused:
        return Verdict(refused)
    if constant_time_compare(offered, kept):
        return Verdict(None)
    row.attempts += 1
    row.save(update_fields=["attempts"])
    left_today = daily - wrong_today - 1
    if left_today <= 0:
        return Verdict(
            gettext("is not right, and it was the last try for today: try again tomorrow"), locked=True
        )
    if row.attempts >= ATTEMPTS:
        return Verdict(gettext("is not right, and it was the last try: send a new code"), locked=True)
    left = min(ATTEMPTS - row.attempts, left_today)
    message = ngettext("is not right: %(count)d try left", "is not right: %(count)d tries left", left)
    return Verdict(message % {"count": left})
