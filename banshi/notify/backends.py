"""Delivery backends for SMS and e-mail. Each has `send(recipient, text)`; the gateway adapters of a
deployment implement the same interface."""

import logging

from banshi.accounts.personal import mask_phone

logger = logging.getLogger("banshi.notify")


class ConsoleBackend:
    """Writes the message to the log instead of sending it; the recipient is masked."""

    def send(self, *, recipient: str, text: str) -> None:
        logger.info("message to %s: %s", mask_phone(recipient), text)
