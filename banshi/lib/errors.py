"""Domain errors raised by services; views and the API turn them into messages and status codes."""


class FieldErrors(Exception):
    """Input that cannot be accepted: one message per field, nothing written."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


class Conflict(Exception):
    """A transition that is not allowed from the current state (HTTP 409). `link` (address, text)
    names the page that resolves it, e.g. the application that already holds the subject."""

    def __init__(self, message: object = "", *, link: tuple[str, str] | None = None) -> None:
        super().__init__(message)
        self.link = link


class NotFound(Exception):
    """Missing, or not the caller's to see (HTTP 404: the two are never told apart)."""
