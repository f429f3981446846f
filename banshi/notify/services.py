from functools import cache

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from banshi.notify.models import Notification


@cache
def sms_backend():
    return import_string(settings.NOTIFY_SMS_BACKEND)()


def notification_send(*, user, title: str, body: str = "", url: str = "") -> Notification:
    """Create the in-site notification now and send the SMS after the transaction commits."""
    note = Notification.objects.create(user=user, title=title, body=body, url=url)
    phone = getattr(user, "phone", None)
    if phone:
        transaction.on_commit(lambda: sms_backend().send(recipient=phone, text=f"{title} {body}".strip()))
    return note
