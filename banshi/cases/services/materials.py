"""Uploaded materials: checked by content, size-limited, images re-encoded to drop their metadata,
stored once outside the web root."""

import hashlib
import io
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from banshi.accounts.models import User
from banshi.audit.services import event_record
from banshi.cases.events import EventType
from banshi.cases.models import Upload
from banshi.lib.errors import FieldErrors

_SIGNATURES = (
    (b"%PDF-", Upload.Kind.PDF),
    (b"\xff\xd8\xff", Upload.Kind.JPEG),
    (b"\x89PNG\r\n\x1a\n", Upload.Kind.PNG),
)
_EXTENSIONS = {
    ".pdf": Upload.Kind.PDF,
    ".jpg": Upload.Kind.JPEG,
    ".jpeg": Upload.Kind.JPEG,
    ".png": Upload.Kind.PNG,
}
Image.MAX_IMAGE_PIXELS = 40_000_000


def sniff(head: bytes) -> str | None:
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    return None


def _reencode(data: bytes, kind: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.exif_transpose(opened)
            out = io.BytesIO()
            if kind == Upload.Kind.JPEG:
                image.convert("RGB").save(out, "JPEG", quality=90)
            else:
                image.save(out, "PNG", optimize=False)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, ValueError):
        raise FieldErrors({"file": _("is not a readable image")}) from None


def upload_create(*, owner: User, file: UploadedFile[bytes], field: str = "file") -> Upload:
    limit = settings.MATERIAL_MAX_BYTES
    if file.size is None or file.size > limit:
        raise FieldErrors({field: _("is larger than %(mb)d MB") % {"mb": limit // (1024 * 1024)}})
    if file.size == 0:
        raise FieldErrors({field: _("is empty")})
    data = file.read()
    kind = sniff(data[:16])
    if kind is None:
        raise FieldErrors({field: _("is not a PDF, JPEG or PNG file")})
    name = os.path.basename(file.name or "upload")[:200]
    claimed = _EXTENSIONS.get(Path(name).suffix.lower())
    if claimed != kind:
        raise FieldErrors(
            {field: _("is not what its name says: the content is %(kind)s") % {"kind": kind.upper()}}
        )
    if kind == Upload.Kind.PDF:
        if b"%%EOF" not in data[-2048:]:
            raise FieldErrors({field: _("is not a complete PDF file")})
    else:
        data = _reencode(data, kind)
    digest = hashlib.sha256(data).hexdigest()
    existing = Upload.objects.filter(owner=owner, sha256=digest).first()
    if existing:
        return existing
    now = timezone.now()
    relative = Path(f"{now:%Y/%m}") / f"{uuid.uuid4().hex}.{kind}"
    target = Path(settings.MATERIALS_DIR) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    try:
        with transaction.atomic():
            upload = Upload.objects.create(
                owner=owner, kind=kind, size=len(data), sha256=digest, original_name=name, path=str(relative)
            )
            event_record(
                actor=owner, subject=upload, event_type=EventType.UPLOAD_CREATED, extra={"kind": kind}, at=now
            )
    except Exception:
        target.unlink(missing_ok=True)
        raise
    return upload


def upload_path(upload: Upload) -> Path:
    return Path(settings.MATERIALS_DIR) / upload.path
