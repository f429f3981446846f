"""Uploaded materials: checked by content, size-limited, images re-encoded to drop their metadata within a
pixel and a memory budget, PDFs parsed, stored once outside the web root, and deleted a day later when
nothing uses them."""

import hashlib
import io
import os
import uuid
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ImageOps
from pypdf import PdfReader

from banshi.accounts.models import User
from banshi.audit.services import event_record
from banshi.cases.channels import uploads_kept
from banshi.cases.events import EventType
from banshi.cases.models import Upload
from banshi.lib.errors import FieldErrors
from banshi.lib.images import bounded_image

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
_PILLOW_FORMATS: dict[str, str] = {Upload.Kind.JPEG: "JPEG", Upload.Kind.PNG: "PNG"}
# A file of the same content is stored once; a copy older than this is not reused, so that what a
# resident has just uploaded is never purged a moment later as yesterday's.
_REUSE_WITHIN = timedelta(hours=12)
UNATTACHED_LIFETIME = timedelta(hours=24)
PURGE_BATCH = 500


def sniff(head: bytes) -> str | None:
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    return None


def _too_many_pixels() -> str:
    return _("is too large an image: at most %(millions)s million pixels; send a smaller photo or scan") % {
        "millions": f"{settings.MATERIAL_MAX_PIXELS / 1_000_000:g}"
    }


def _reencode(data: bytes, kind: str, field: str) -> bytes:
    """The image decoded within the budgets (`lib.images.bounded_image`) and saved again, without its
    metadata."""
    with bounded_image(
        data,
        pillow_format=_PILLOW_FORMATS[kind],
        field=field,
        too_many_pixels=_too_many_pixels(),
        too_large_to_read=_("is too large an image to read: send it smaller, or as a JPEG photo or a PDF"),
    ) as image:
        ImageOps.exif_transpose(image, in_place=True)
        out = io.BytesIO()
        if kind == Upload.Kind.JPEG:
            (image if image.mode == "RGB" else image.convert("RGB")).save(out, "JPEG", quality=90)
        else:
            image.save(out, "PNG", optimize=False)
        return out.getvalue()


def _pdf_problem(data: bytes) -> str | None:
    """Why the file is not a PDF a reader opens, or None. It must parse (pypdf), have pages and no
    password: a ZIP or a program behind a `%PDF` header does not parse."""
    if b"%%EOF" not in data[-2048:]:
        return _("is not a complete PDF file")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return _("is protected by a password: send it without one")
        pages = len(reader.pages)
    except Exception:  # pypdf raises many kinds of error on a damaged file: each means unreadable
        return _("is not a readable PDF file")
    if pages == 0:
        return _("has no pages")
    return None


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
        if problem := _pdf_problem(data):
            raise FieldErrors({field: problem})
    else:
        data = _reencode(data, kind, field)
    digest = hashlib.sha256(data).hexdigest()
    now = timezone.now()
    existing = Upload.objects.filter(owner=owner, sha256=digest, created_at__gte=now - _REUSE_WITHIN).first()
    if existing:
        return existing
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


def _referenced() -> Q:
    """Uploads a row points at: an application's material, a pre-review's document (every foreign key
    to an upload, whichever app declares it)."""
    referenced = Q(pk__in=[])
    for relation in Upload._meta.get_fields(include_hidden=True):
        if relation.auto_created and not relation.concrete and relation.is_relation:
            assert isinstance(relation, ForeignObjectRel) and relation.related_model is not None  # noqa: S101
            rows = relation.related_model._default_manager.filter(**{f"{relation.field.name}__isnull": False})
            referenced |= Q(pk__in=rows.values(relation.field.attname))
    return referenced


def uploads_purge(*, now: datetime) -> int:
    """Delete, row and file, the uploads older than a day that nothing uses: no application's material,
    no pre-review, no draft that another app keeps (a video call's shared application). The sweep runs
    it; so does `manage.py purge_uploads`. One audit event says how many went. Returns that number."""
    unused = Upload.objects.filter(created_at__lt=now - UNATTACHED_LIFETIME).exclude(_referenced())
    ids: list[int] = []
    after = 0
    while len(ids) < PURGE_BATCH:
        chunk = list(unused.filter(pk__gt=after).order_by("id")[:PURGE_BATCH])
        if not chunk:
            break
        kept = uploads_kept(chunk)
        ids += [upload.pk for upload in chunk if upload.pk not in kept]
        after = chunk[-1].pk
    ids = ids[:PURGE_BATCH]
    if not ids:
        return 0
    try:
        with transaction.atomic():
            doomed = list(Upload.objects.select_for_update().filter(pk__in=ids).exclude(_referenced()))
            if not doomed:
                return 0
            Upload.objects.filter(pk__in=[upload.pk for upload in doomed]).delete()
            event_record(
                actor=None,
                subject=doomed[0],
                event_type=EventType.UPLOADS_PURGED,
                extra={
                    "count": len(doomed),
                    "bytes": sum(upload.size for upload in doomed),
                    "uploads": [upload.pk for upload in doomed],
                    "older_than_hours": int(UNATTACHED_LIFETIME.total_seconds() // 3600),
                },
                at=now,
            )
            transaction.on_commit(partial(_unlink, [upload_path(upload) for upload in doomed]))
    except ProtectedError:  # attached to an application meanwhile: the next sweep looks again
        return 0
    return len(doomed)


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
