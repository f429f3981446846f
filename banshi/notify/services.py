from __future__ import annotations

from collections.abc import Iterable
from functools import cache, partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from banshi.notify.backends import Backend
from banshi.notify.models import Notification
from banshi.notify.tasks import deliver_notification as deliver_notification_task

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
    """Create the in-site notification now. The SMS and the e-mail go out from the task worker once the
    transaction commits, so a slow gateway never holds up a request and a rolled-back change sends
    nothing."""
    note = Notification.objects.create(user=user, title=title, body=body, url=url)
    if getattr(user, "phone", None) or getattr(user, "email", None):
        transaction.on_commit(partial(_enqueue_delivery, note.pk))
    return note


def _enqueue_delivery(notification_id: int) -> None:
    deliver_notification_task.enqueue(notification_id)


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
