"""Backends for tests only: they keep what would have been sent."""

import json
import os
import time


class SmsOutbox:
    sent: list[tuple[str, str]] = []

    def send(self, *, recipient: str, text: str) -> None:
        self.sent.append((recipient, text))


class EmailOutbox:
    sent: list[tuple[str, str]] = []

    def send(self, *, recipient: str, text: str) -> None:
        self.sent.append((recipient, text))


class BrokenGateway:
    def send(self, *, recipient: str, text: str) -> None:
        raise ConnectionError("the gateway did not answer")


class FileGateway:
    """For a worker in another process: appends each message, as a JSON line with its channel, to the
    file named by BANSHI_TEST_OUTBOX. With BANSHI_TEST_HANG set to the channel, it then hangs, as a
    worker does whose gateway took the message but never answered."""

    channel = ""

    def send(self, *, recipient: str, text: str) -> None:
        with open(os.environ["BANSHI_TEST_OUTBOX"], "a", encoding="utf-8") as outbox:
            outbox.write(json.dumps({"channel": self.channel, "recipient": recipient, "text": text}) + "\n")
        if os.environ.get("BANSHI_TEST_HANG") == self.channel:
            time.sleep(3600)


class FileSmsGateway(FileGateway):
    channel = "sms"


class FileEmailGateway(FileGateway):
    channel = "email"
