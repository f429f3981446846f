"""The resident's unfinished application, kept in the session until it is submitted. A window clerk
filling it in for a resident keeps it under a key that names the resident too."""

import secrets

from django.http import HttpRequest


def draft_key(code: str, applicant_id: int | None = None) -> str:
    """The name a draft is kept under: the bundle's code, and the resident's id when a clerk fills it
    in for them, so that two residents' drafts never mix."""
    return code if applicant_id is None else f"{code}:for:{applicant_id}"


def drafts_of_others_forget(request: HttpRequest, applicant_id: int) -> None:
    """A clerk starts serving a resident: forget what was kept for other residents, since the session
    is a cookie of a few kilobytes and a clerk serves many people a day."""
    keep = f":for:{applicant_id}"
    for key in list(request.session.keys()):
        if key.startswith(("draft:", "submitted:")) and ":for:" in key and not key.endswith(keep):
            del request.session[key]


def _key(code: str) -> str:
    return f"draft:{code}"


def draft_get(request: HttpRequest, code: str) -> dict | None:
    return request.session.get(_key(code))


def draft_start(request: HttpRequest, code: str) -> dict:
    """The draft of `code`, started now if there is none. Its token is the idempotency key of the
    submission, so a double click or a resent POST gives the same application."""
    draft = draft_get(request, code)
    if draft is None:
        draft = {"token": secrets.token_urlsafe(18), "answers": {}, "values": {}, "materials": {}}
        draft_save(request, code, draft)
    return draft


def draft_save(request: HttpRequest, code: str, draft: dict) -> None:
    request.session[_key(code)] = draft
    request.session.modified = True


def draft_finish(request: HttpRequest, code: str, number: str) -> None:
    """Forget the draft, remembering which application it became (for a resent submit)."""
    request.session.pop(_key(code), None)
    request.session[f"submitted:{code}"] = number


def draft_submitted(request: HttpRequest, code: str) -> str | None:
    return request.session.get(f"submitted:{code}")
