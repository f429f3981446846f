"""Photos of a report, checked by their content: a JPEG, PNG or WebP that Pillow opens and verifies, no
larger than PROBLEM_PHOTO_MAX_BYTES (refused before it is read) and within the pixel and memory budgets
the materials keep (MATERIAL_MAX_PIXELS, MATERIAL_DECODE_MAX_MB). Each is decoded and saved again as a
JPEG, so nothing of the file but its pixels is kept: no EXIF, no GPS position, no maker notes."""

from __future__ import annotations

import io
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from banshi.lib.errors import FieldErrors
from banshi.lib.images import bounded_image

if TYPE_CHECKING:
    from banshi.problems.models import Photo

MAX_PHOTOS = 6
# The longest side kept: enough to see a pothole or a broken lamp, small enough for a phone to load.
MAX_SIDE = 2560
JPEG_QUALITY = 85
_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo checked and re-encoded, not yet stored."""

    data: bytes
    width: int
    height: int


def sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _too_many_pixels() -> str:
    return _("is too large an image: at most %(millions)s million pixels; send a smaller photo") % {
        "millions": f"{settings.MATERIAL_MAX_PIXELS / 1_000_000:g}"
    }


def _reencode(data: bytes, kind: str, field: str) -> PreparedPhoto:
    with bounded_image(
        data,
        pillow_format=_FORMATS[kind],
        field=field,
        too_many_pixels=_too_many_pixels(),
        too_large_to_read=_("is too large an image to read: send it smaller, as a JPEG photo"),
    ) as image:
        # The camera's orientation is applied to the pixels, as the EXIF that said it is dropped.
        upright = ImageOps.exif_transpose(image)
        if upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info):
            upright = upright.convert("RGBA")
            flat = Image.new("RGB", upright.size, (255, 255, 255))
            flat.paste(upright, mask=upright.getchannel("A"))
            upright = flat
        elif upright.mode != "RGB":
            upright = upright.convert("RGB")
        upright.thumbnail((MAX_SIDE, MAX_SIDE))
        out = io.BytesIO()
        # Saved without `exif=` or `icc_profile=`: a fresh JPEG carries none of the original's metadata.
        upright.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        return PreparedPhoto(data=out.getvalue(), width=upright.size[0], height=upright.size[1])


def photo_prepare(file: Any, *, field: str = "photos") -> PreparedPhoto:
    """One uploaded file checked and re-encoded, or FieldErrors naming `field`."""
    limit = settings.PROBLEM_PHOTO_MAX_BYTES
    size = getattr(file, "size", None)
    if not isinstance(size, int) or size > limit:
        raise FieldErrors({field: _("is larger than %(mb)d MB") % {"mb": limit // (1024 * 1024)}})
    if size == 0:
        raise FieldErrors({field: _("is empty")})
    data = file.read(limit + 1)
    if len(data) > limit:
        raise FieldErrors({field: _("is larger than %(mb)d MB") % {"mb": limit // (1024 * 1024)}})
    kind = sniff(data[:16])
    if kind is None:
        raise FieldErrors({field: _("is not a JPEG, PNG or WebP photo")})
    return _reencode(data, kind, field)


def photos_prepare(files: Any, *, field: str = "photos", already: int = 0) -> list[PreparedPhoto]:
    """Every file checked, at most MAX_PHOTOS with the `already` stored; the first problem is named with
    the file's position."""
    files = list(files or [])
    if already + len(files) > MAX_PHOTOS:
        raise FieldErrors({field: _("can be at most %(count)d photos a report") % {"count": MAX_PHOTOS}})
    prepared = []
    for position, file in enumerate(files, start=1):
        if isinstance(file, PreparedPhoto):
            prepared.append(file)
            continue
        try:
            prepared.append(photo_prepare(file, field=field))
        except FieldErrors as problem:
            if len(files) == 1:
                raise
            message = problem.errors.get(field, "")
            raise FieldErrors(
                {field: _("%(problem)s (photo %(position)d)") % {"position": position, "problem": message}}
            ) from None
    return prepared


def photo_store(photo: PreparedPhoto, *, at_month: str) -> tuple[str, Path]:
    """Write the photo under PROBLEM_PHOTOS_DIR (outside the web root), readable by the server only;
    returns its path relative to that directory, and the full path."""
    relative = Path(at_month) / f"{uuid.uuid4().hex}.jpg"
    target = Path(settings.PROBLEM_PHOTOS_DIR) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(photo.data)
    return str(relative), target


def photo_path(photo: Photo) -> Path:
    return Path(settings.PROBLEM_PHOTOS_DIR) / photo.path
