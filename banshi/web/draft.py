"""The resident's unfinished application, kept in the session until it is submitted."""

import secrets


def _key(code: str) -> str:
    return f"draft:{code}"


def draft_get(request, code: str) -> dict | None:
    return request.session.get(_key(code))


def draft_start(request, code: str) -> dict:
    """The draft of `code`, started now if there is none. Its token is the idempotency key of the
    submission, so a double click or a resent POST gives the same application."""
    draft = draft_get(request, code)
    if draft is None:
        draft = {"token": secrets.token_urlsafe(18), "answers": {}, "values": {}, "materials": {}}
        draft_save(request, code, draft)
    return draft


def draft_save(request, code: str, draft: dict) -> None:
    request.session[_key(code)] = draft
    request.session.modified = True


def draft_finish(request, code: str, number: str) -> None:
    """Forget the draft, remembering which application it became (for a resent submit)."""
    request.session.pop(_key(code), None)
    request.session[f"submitted:{code}"] = number


def draft_submitted(request, code: str) -> str | None:
    return request.session.get(f"submitted:{code}")
