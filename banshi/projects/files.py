"""The files of progress updates: photos checked by their content and re-encoded without metadata (the
problems app's `photo_prepare`, over `banshi.lib.images`), and documents that must be PDF files, checked
by opening them with pypdf (not by their name or the type the browser claims). Both are stored under
PROJECT_FILES_DIR, outside the web root, and served through the project's pages."""

from __future__ import annotations

import io
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from pypdf import PdfReader

from banshi.lib.errors import FieldErrors
from banshi.lib.text import TextProblem, clean_text
from banshi.problems.photos import PreparedPhoto, photo_prepare

MAX_PHOTOS = 6
MAX_DOCUMENTS = 3
NAME_MAX = 120


@dataclass(frozen=True)
class PreparedDocument:
    data: bytes
    name: str
    pages: int


def files_dir() -> Path:
    return Path(getattr(settings, "PROJECT_FILES_DIR", Path(settings.DATA_DIR) / "project-files"))


def photos_prepare(files: Any, *, field: str = "photos") -> list[PreparedPhoto]:
    files = list(files or [])
    if len(files) > MAX_PHOTOS:
        raise FieldErrors({field: _("can be at most %(count)d photos an update") % {"count": MAX_PHOTOS}})
    prepared = []
    for position, file in enumerate(files, start=1):
        try:
            prepared.append(photo_prepare(file, field=field))
        except FieldErrors as problem:
            message = problem.errors.get(field, "")
            raise FieldErrors(
                {field: _("%(problem)s (photo %(position)d)") % {"position": position, "problem": message}}
            ) from None
    return prepared


def _document_name(file: Any, position: int) -> str:
    raw = str(getattr(file, "name", "") or "")
    try:
        name = clean_text(os.path.basename(raw)).strip()
    except TextProblem:
        name = ""
    return (name or f"document-{position}.pdf")[:NAME_MAX]


def document_prepare(file: Any, *, field: str = "documents", position: int = 1) -> PreparedDocument:
    """One uploaded file that must be a PDF: at most MATERIAL_MAX_BYTES, starting with `%PDF-`, opened by
    pypdf with at least one page, not encrypted."""
    limit = settings.MATERIAL_MAX_BYTES
    size = getattr(file, "size", None)
    if not isinstance(size, int) or size > limit:
        raise FieldErrors({field: _("is larger than %(mb)d MB") % {"mb": limit // (1024 * 1024)}})
    data = file.read(limit + 1)
    if not data:
        raise FieldErrors({field: _("is empty")})
    if len(data) > limit:
        raise FieldErrors({field: _("is larger than %(mb)d MB") % {"mb": limit // (1024 * 1024)}})
    not_pdf = FieldErrors(
        {field: _("is not a PDF document (document %(position)d)") % {"position": position}}
    )
    if not data.lstrip()[:5] == b"%PDF-":
        raise not_pdf
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise FieldErrors(
                {field: _("is a PDF locked with a password (document %(position)d)") % {"position": position}}
            )
        pages = len(reader.pages)
    except FieldErrors:
        raise
    # pypdf raises many kinds of error on a damaged file (its own, and ValueError, KeyError… from
    # deep in the parser); any of them means the file is not a PDF we can keep.
    except Exception:
        raise not_pdf from None
    if pages < 1:
        raise not_pdf
    return PreparedDocument(data=data, name=_document_name(file, position), pages=pages)


def documents_prepare(files: Any, *, field: str = "documents") -> list[PreparedDocument]:
    files = list(files or [])
    if len(files) > MAX_DOCUMENTS:
        raise FieldErrors(
            {field: _("can be at most %(count)d documents an update") % {"count": MAX_DOCUMENTS}}
        )
    return [document_prepare(file, field=field, position=i) for i, file in enumerate(files, start=1)]


def file_store(data: bytes, *, at_month: str, suffix: str) -> str:
    """Write `data` under files_dir(), readable by the server only; its path relative to that directory."""
    relative = Path(at_month) / f"{uuid.uuid4().hex}{suffix}"
    target = files_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return str(relative)


def file_path(relative: str) -> Path:
    return files_dir() / relative
