"""Delivery backends for SMS and e-mail. They share one interface, `send(*, recipient, text)`:
NOTIFY_SMS_BACKEND and NOTIFY_EMAIL_BACKEND name the class, and a deployment's gateway adapters
implement the same method. A backend may raise; the delivery task then records the failure."""

import logging
from typing import Protocol

from django.core.mail import send_mail

from banshi.lib.personal import mask_phone

logger = logging.getLogger("banshi.notify")


class Backend(Protocol):
    def send(self, *, recipient: str, text: str) -> None: ...


def mask_recipient(recipient: str) -> str:
    """A phone number or e-mail address fit for a log line: enough to tell two apart, not to reach one."""
    local, at, domain = recipient.partition("@")
    if at:
        return f"{local[:1]}***@{domain}"
    return mask_phone(recipient)


class ConsoleBackend:
    """Writes the message to the log instead of sending it; the recipient is masked."""

    def send(self, *, recipient: str, text: str) -> None:
        logger.info("message to %s: %s", mask_recipient(recipient), text)


class DjangoEmailBackend:
    """E-mail through Django's own mail settings (EMAIL_BACKEND, EMAIL_HOST…); the first line of the
    text is the subject."""

    def send(self, *, recipient: str, text: str) -> None:
        subject = text.splitlines()[0] if text else ""
        send_mail(subject=subject, message=text, from_email=None, recipient_list=[recipient])
