"""Photos of a lecture, checked by their content and re-encoded as JPEG by `banshi.lib.images` (no EXIF,
no GPS position), stored under LECTURE_PHOTOS_DIR outside the web root."""

from __future__ import annotations

import io
import os
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import ImageOps

from banshi.lib.errors import FieldErrors
from banshi.lib.images import bounded_image

MAX_PHOTOS = 9
MAX_SIDE = 2560
_FORMATS = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}


def photo_prepare(file: Any, *, field: str = "photos") -> tuple[bytes, int, int]:
    """One uploaded file as (JPEG bytes, width, height), or FieldErrors naming `field`."""
    limit = settings.LECTURE_PHOTO_MAX_BYTES
    size = getattr(file, "size", None)
    if not isinstance(size, int) or size > limit:
        raise FieldErrors({field: _("is larger than %(mb)d MB") % {"mb": limit // (1024 * 1024)}})
    data = file.read(limit + 1)
    if not data:
        raise FieldErrors({field: _("is empty")})
    pillow_format = next((name for magic, name in _FORMATS.items() if data.startswith(magic)), None)
    if pillow_format is None:
        raise FieldErrors({field: _("is not a JPEG or PNG photo")})
    with bounded_image(
        data,
        pillow_format=pillow_format,
        field=field,
        too_many_pixels=_("is too large an image: send a smaller photo"),
        too_large_to_read=_("is too large an image to read: send it smaller, as a JPEG photo"),
    ) as image:
        upright = ImageOps.exif_transpose(image).convert("RGB")
        upright.thumbnail((MAX_SIDE, MAX_SIDE))
        out = io.BytesIO()
        upright.save(out, "JPEG", quality=85, optimize=True)
        return out.getvalue(), upright.size[0], upright.size[1]


def photo_store(data: bytes, *, lecture_id: int) -> str:
    """Write the photo, readable by the server only; returns its path relative to LECTURE_PHOTOS_DIR."""
    relative = Path(str(lecture_id)) / f"{uuid.uuid4().hex}.jpg"
    target = Path(settings.LECTURE_PHOTOS_DIR) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return str(relative)


def photo_path(relative: str) -> Path:
    return Path(settings.LECTURE_PHOTOS_DIR) / relative
