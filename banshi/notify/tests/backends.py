"""Backends for tests only: they keep what would have been sent."""


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
