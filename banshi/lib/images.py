"""Reading an uploaded image within budgets: its size is read from the header and refused over the pixel
budget before anything is decoded; a JPEG is decoded at a half, a quarter or an eighth of its size (the
decoder's own scaling) when the whole would not fit the memory budget, and any other image that would
not fit is refused. An upload never takes more than about twice that budget. The caller saves the image
again, so that nothing of the file but its pixels is kept."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from banshi.lib.errors import FieldErrors

# Pillow refuses a decompression bomb itself (twice the budget, from the header); `bounded_image` refuses
# anything over the budget before decoding.
Image.MAX_IMAGE_PIXELS = settings.MATERIAL_MAX_PIXELS
# What Pillow keeps per pixel in memory: one byte for these modes, two for 16-bit grey, four otherwise
# (RGB is kept as four bytes too).
_ONE_BYTE_MODES = {"1", "L", "P"}


def decoded_bytes(mode: str, size: tuple[int, int]) -> int:
    per_pixel = 1 if mode in _ONE_BYTE_MODES else 2 if mode.startswith("I;16") else 4
    return size[0] * size[1] * per_pixel


@contextmanager
def bounded_image(
    data: bytes, *, pillow_format: str, field: str, too_many_pixels: str, too_large_to_read: str
) -> Iterator[Image.Image]:
    """The image of `data` (of `pillow_format`, e.g. "JPEG"), opened and verified within the budgets
    MATERIAL_MAX_PIXELS and MATERIAL_DECODE_MAX_MB; FieldErrors naming `field` with the given messages
    when it is over them, and "is not a readable image" when it is not an image of that format."""
    memory = settings.MATERIAL_DECODE_MAX_MB * 1024 * 1024
    formats = [pillow_format]
    try:
        with Image.open(io.BytesIO(data), formats=formats) as probe:
            if probe.size[0] * probe.size[1] > settings.MATERIAL_MAX_PIXELS:
                raise FieldErrors({field: too_many_pixels})
            probe.verify()
        with Image.open(io.BytesIO(data), formats=formats) as image:
            if pillow_format == "JPEG":
                width, height = image.size
                scale = next(
                    (s for s in (1, 2, 4, 8) if decoded_bytes(image.mode, image.size) <= memory * s * s), 8
                )
                if scale > 1:
                    image.draft(image.mode, (max(1, width // scale), max(1, height // scale)))
            if decoded_bytes(image.mode, image.size) > memory:
                raise FieldErrors({field: too_large_to_read})
            yield image
    except Image.DecompressionBombError:
        raise FieldErrors({field: too_many_pixels}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise FieldErrors({field: _("is not a readable image")}) from None
