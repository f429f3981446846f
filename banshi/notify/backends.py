"""Delivery backends for SMS and e-mail. They share one interface, `send(*, recipient, text)`:
NOTIFY_SMS_BACKEND and NOTIFY_EMAIL_BACKEND name the class, and a deployment's gateway adapters
implement the same method. A backend may raise; the delivery task then records the failure."""

import logging
import re
from typing import Protocol

from django.conf import settings
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


# What a one-time code looks like in a text: a run of 4 to 8 digits (longer runs are numbers of
# applications and documents, which the log may keep).
ONE_TIME_CODE = re.compile(r"(?<![0-9])[0-9]{4,8}(?![0-9])")


def mask_codes(text: str) -> str:
    """The text with every run of digits that could be a one-time code starred out."""
    return ONE_TIME_CODE.sub(lambda found: "*" * len(found.group()), text)


class ConsoleBackend:
    """Writes the message to the log instead of sending it; the recipient is masked, and so are
    one-time codes, except in demo mode (BANSHI_DEMO), where the log is the demo's only phone."""

    def send(self, *, recipient: str, text: str) -> None:
        shown = text if settings.DEMO else mask_codes(text)
        logger.info("message to %s: %s", mask_recipient(recipient), shown)


class DjangoEmailBackend:
    """E-mail through Django's own mail settings (EMAIL_BACKEND, EMAIL_HOST…); the first line of the
    text is the subject."""

    def send(self, *, recipient: str, text: str) -> None:
        subject = text.splitlines()[0] if text else ""
        send_mail(subject=subject, message=text, from_email=None, recipient_list=[recipient])
