from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string

from banshi.notify.backends import Backend, mask_recipient
from banshi.notify.models import Notification
from banshi.notify.tasks import deliver_notification as deliver_notification_task

logger = logging.getLogger("banshi.notify")

# A text the gateway failed is tried again this long after, up to SMS_TRIES times in all, while it is
# still valid. Every try falls within the minute before a new code can be asked for
# (codes.RESEND_AFTER), so a late try never brings an old code after a newer one.
SMS_TRIES = 3
SMS_RETRY_AFTER = timedelta(seconds=20)

if TYPE_CHECKING:
    from banshi.accounts.models import User


@cache
def _backend(path: str) -> Backend:
    backend: Backend = import_string(path)()
    return backend


def sms_backend() -> Backend:
    return _backend(settings.NOTIFY_SMS_BACKEND)


def email_backend() -> Backend:
    return _backend(settings.NOTIFY_EMAIL_BACKEND)


def notification_send(*, user: User, title: str, body: str = "", url: str = "") -> Notification:
    """Create the in-site notification now. The SMS and the e-mail go out from the task worker: its job
    is written in the same transaction as the notification and the change that caused it (an outbox),
    so a rolled-back change sends nothing and a committed one is never lost, even if the process dies
    just after the commit; a slow gateway never holds up a request."""
    with transaction.atomic():
        note = Notification.objects.create(user=user, title=title, body=body, url=url)
        if getattr(user, "phone", None) or getattr(user, "email", None):
            deliver_notification_task.enqueue(note.pk)
    return note


def notification_deliver(*, notification_id: int) -> list[str]:
    """Send a notification by SMS (to the user's mobile number) and by e-mail (to their address, when
    they gave one). Each channel is marked sent by compare-and-set before its gateway is called, so a
    task run twice sends nothing twice; a gateway error clears the mark and propagates, so the failure
    is recorded on the task and a retry can send. Returns the channels sent now."""
    note = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if note is None:
        return []
    user = note.user
    channels = (
        ("sms", "sms_sent_at", getattr(user, "phone", None), sms_backend, f"{note.title} {note.body}"),
        ("email", "email_sent_at", user.email, email_backend, f"{note.title}\n\n{note.body}"),
    )
    sent = []
    for channel, mark, recipient, backend, text in channels:
        if not recipient:
            continue
        claimed = Notification.objects.filter(pk=note.pk, **{f"{mark}__isnull": True}).update(
            **{mark: timezone.now()}
        )
        if not claimed:
            continue
        try:
            backend().send(recipient=recipient, text=text.strip())
        except Exception:
            Notification.objects.filter(pk=note.pk).update(**{mark: None})
            raise
        sent.append(channel)
    return sent


def notifications_mark_read(*, user: User, ids: Iterable[int]) -> int:
    """Mark those of `ids` that are the user's own and still unread as read, in one UPDATE; returns how
    many it marked. The `read_at IS NULL` condition makes it a compare-and-set: the first reading time
    is kept however often a page is opened, and two requests at once mark each row once.

    Reading is deliberately not an audited state change: notification rows are a documented exception
    to the audit log (a user's own inbox, not a decision on a case), so no event is written."""
    ids = list(ids)
    if not ids:
        return 0
    return Notification.objects.filter(user=user, pk__in=ids, read_at__isnull=True).update(
        read_at=timezone.now()
    )


class SmsNotSent(Exception):
    """The SMS gateway failed a text. The message names only the gateway's error class: what the gateway
    said may quote the text, which can hold a code."""


def _sealer() -> MultiFernet:
    # With the fallback keys, a text queued just before SECRET_KEY is rotated still opens.
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    salted_hmac("banshi.notify.sms", "sealing key", secret=key, algorithm="sha256").digest()
                )
            )
            for key in keys
        ]
    )


def sms_send(*, phone: str, text: str, valid_until: datetime) -> None:
    """Queue a text message for the task worker. The job is written in the caller's transaction (an
    outbox): a rolled-back change sends nothing, a committed one is not lost, and a slow or failing
    gateway never holds up or breaks the request. A text not sent by `valid_until` (when the code it
    carries expires) is dropped.

    The text can hold a one-time code, so the job's arguments hold the number and the text sealed
    (Fernet: encrypted and authenticated, with a key derived from SECRET_KEY): like the code's own
    digest, a copy of the task table alone gives away neither. Only the worker opens it, to hand it
    to the gateway; it is never logged."""
    from banshi.notify.tasks import deliver_sms  # the task module imports this one

    message = {"phone": phone, "text": text, "until": valid_until.timestamp()}
    deliver_sms.enqueue(_sealer().encrypt(json.dumps(message).encode()).decode())


def sms_deliver(*, sealed: str, attempt: int = 1) -> str:
    """Send a text queued by `sms_send`; returns "sent", or "dropped" when it can no longer be opened
    or is no longer valid. A gateway error is logged (the masked number and the error's class), queued
    again while tries and time are left, and raised as SmsNotSent so that the job is marked failed. Run
    twice, a job texts twice, which is harmless for a code; the worker runs a job once."""
    try:
        message = json.loads(_sealer().decrypt(sealed.encode()))
    except InvalidToken:
        logger.warning("a queued text message could not be opened (sealed with another SECRET_KEY); dropped")
        return "dropped"
    recipient = mask_recipient(message["phone"])
    now = timezone.now()
    until = datetime.fromtimestamp(message["until"], tz=UTC)
    if now >= until:
        logger.warning("the text message to %s was not sent while it was valid; dropped", recipient)
        return "dropped"
    try:
        sms_backend().send(recipient=message["phone"], text=message["text"])
    except Exception as exc:
        error = type(exc).__qualname__
    else:
        return "sent"
    # Out of the except block, so that nothing raised from here on carries the gateway's error.
    retry_at = now + SMS_RETRY_AFTER
    retry = attempt < SMS_TRIES and retry_at < until
    logger.warning(
        "the SMS gateway failed the text message to %s with %s (try %d of %d)%s",
        recipient,
        error,
        attempt,
        SMS_TRIES,
        ", trying again" if retry else "",
    )
    if retry:
        from banshi.notify.tasks import deliver_sms

        deliver_sms.using(run_after=retry_at).enqueue(sealed, attempt + 1)
    raise SmsNotSent(f"the SMS gateway raised {error}")
