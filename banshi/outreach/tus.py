"""A small server of the tus resumable-upload protocol (https://tus.io/protocols/resumable-upload, 1.0.0:
the core, `creation` and `termination`) for the story videos, over the guardian's session.

- `OPTIONS /outreach/tus/` says what the server does (version, extensions, the largest upload).
- `POST /outreach/tus/` with `Upload-Length` and `Upload-Metadata` (`video` is the key of the video the
  guardian started) creates the video's one upload: 201 and its `Location`.
- `HEAD <location>` gives `Upload-Offset` and `Upload-Length`; the client resumes from there.
- `PATCH <location>` (`application/offset+octet-stream`) appends at `Upload-Offset`; 204 with the new
  offset, including after a connection dropped half-way (what arrived is kept).
- `DELETE <location>` cancels the upload.

The size limit (OUTREACH_VIDEO_MAX_BYTES) is checked on creation and on every PATCH. The chunks are
written under OUTREACH_VIDEOS_DIR, outside the web root. Every request but OPTIONS carries the session's
cookie and, the site's CSRF check being the same as for forms, the token in `X-CSRFToken`."""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache

from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.outreach.services.videos import (
    UploadBusy,
    UploadTooLarge,
    video_upload_create,
    video_upload_state,
    video_upload_terminate,
    video_upload_write,
)

if TYPE_CHECKING:
    from banshi.accounts.models import User

VERSION = "1.0.0"
EXTENSIONS = "creation,termination"
CHUNK_TYPE = "application/offset+octet-stream"


def _answer(status: int, message: str = "", **headers: str) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    response["Tus-Resumable"] = VERSION
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _options() -> HttpResponse:
    return _answer(
        204,
        Tus_Version=VERSION,
        Tus_Extension=EXTENSIONS,
        Tus_Max_Size=str(settings.OUTREACH_VIDEO_MAX_BYTES),
    )


def _refusal(request: HttpRequest) -> HttpResponse | None:
    """The answer to a request this server does not take, before anything is read: another protocol
    version (412), or nobody signed in (403)."""
    if request.headers.get("Tus-Resumable") != VERSION:
        return _answer(412, "Tus-Resumable must be 1.0.0", Tus_Version=VERSION)
    if not request.user.is_authenticated:
        return _answer(403, "sign in first")
    return None


def _number(value: str | None) -> int | None:
    if value is None or not value.isascii() or not value.isdigit():
        return None
    return int(value)


def metadata_parse(value: str) -> dict[str, str]:
    """`Upload-Metadata`: comma-separated `key base64value` pairs (the value may be absent)."""
    pairs: dict[str, str] = {}
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        name, _sep, encoded = item.partition(" ")
        try:
            pairs[name] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise ValueError(name) from None
    return pairs


def _domain_error(problem: Exception) -> HttpResponse:
    if isinstance(problem, UploadTooLarge):
        return _answer(413, " ".join(problem.errors.values()))
    if isinstance(problem, UploadBusy):
        return _answer(423, str(problem))
    if isinstance(problem, Conflict):
        return _answer(409, str(problem))
    if isinstance(problem, FieldErrors):
        return _answer(400, " ".join(problem.errors.values()))
    return _answer(404, "no such upload")


@never_cache
def uploads(request: HttpRequest) -> HttpResponse:
    """The creation endpoint."""
    if request.method == "OPTIONS":
        return _options()
    if request.method != "POST":
        return _answer(405, Allow="OPTIONS, POST")
    if (refused := _refusal(request)) is not None:
        return refused
    if "Upload-Defer-Length" in request.headers:
        return _answer(400, "the length must be known (Upload-Defer-Length is not supported)")
    length = _number(request.headers.get("Upload-Length"))
    if length is None:
        return _answer(400, "Upload-Length must be a whole number of bytes")
    if length > settings.OUTREACH_VIDEO_MAX_BYTES:
        return _answer(
            413, "larger than the largest upload", Tus_Max_Size=str(settings.OUTREACH_VIDEO_MAX_BYTES)
        )
    try:
        metadata = metadata_parse(request.headers.get("Upload-Metadata", ""))
    except ValueError:
        return _answer(400, "Upload-Metadata must be key and base64 value pairs")
    key = metadata.get("video", "")
    if not key:
        return _answer(400, "Upload-Metadata must name the video")
    actor: User = request.user  # type: ignore[assignment]
    try:
        video = video_upload_create(actor=actor, key=key, length=length)
    except (FieldErrors, Conflict, NotFound) as problem:
        return _domain_error(problem)
    location = request.build_absolute_uri(reverse("outreach:tus_upload", args=[video.key]))
    return _answer(201, Location=location, Upload_Offset="0")


@never_cache
def upload(request: HttpRequest, key: str) -> HttpResponse:
    """An upload's endpoint: HEAD, PATCH, DELETE (and OPTIONS)."""
    if request.method == "OPTIONS":
        return _options()
    if request.method not in ("HEAD", "PATCH", "DELETE"):
        return _answer(405, Allow="OPTIONS, HEAD, PATCH, DELETE")
    if (refused := _refusal(request)) is not None:
        return refused
    actor: User = request.user  # type: ignore[assignment]
    try:
        if request.method == "HEAD":
            video = video_upload_state(actor=actor, key=key)
            return _answer(
                200,
                Upload_Offset=str(video.upload_offset),
                Upload_Length=str(video.upload_length),
                Cache_Control="no-store",
            )
        if request.method == "DELETE":
            video_upload_terminate(actor=actor, key=key)
            return _answer(204)
        if request.content_type != CHUNK_TYPE:
            return _answer(415, f"Content-Type must be {CHUNK_TYPE}")
        offset = _number(request.headers.get("Upload-Offset"))
        if offset is None:
            return _answer(400, "Upload-Offset must be a whole number of bytes")
        length = _number(request.META.get("CONTENT_LENGTH") or None)
        if length is None:
            return _answer(411, "Content-Length is required")
        if offset + length > settings.OUTREACH_VIDEO_MAX_BYTES:
            return _answer(413, "larger than the largest upload")
        video = video_upload_write(actor=actor, key=key, offset=offset, length=length, read=request.read)
    except (FieldErrors, Conflict, NotFound) as problem:
        return _domain_error(problem)
    return _answer(204, Upload_Offset=str(video.upload_offset))
