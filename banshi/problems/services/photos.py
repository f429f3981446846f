"""Photos added to a report: the resident's of the problem (at filing, or later while it is open), the
unit's of what was done (before or at closing). At most six a report, whoever adds them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.audit.services import event_record
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.problems.events import EventType
from banshi.problems.models import Photo, Report
from banshi.problems.photos import MAX_PHOTOS, PreparedPhoto, photo_store, photos_prepare
from banshi.problems.services.common import locked_report, require_current_unit
from banshi.problems.services.file import report_file
from banshi.problems.services.handle import report_close

if TYPE_CHECKING:
    from pathlib import Path

    from banshi.accounts.models import User
    from banshi.problems.models import Closure

# The unit's photos of what was done: while it does the work and once it has closed the report.
CLOSURE_PHOTO_STATUSES = (Report.Status.SIGNED, Report.Status.CONTACTED, Report.Status.CLOSED)


def report_photos_add(
    *, actor: User, report_id: int, files: Any, kind: str = Photo.Kind.REPORT, field: str = "photos"
) -> list[Photo]:
    """Check every file (content, size, pixels), re-encode it without its metadata and keep it with the
    report, all or none. A report's photos are its reporter's while it is open; closure photos the
    officers' of the unit holding it."""
    if kind not in Photo.Kind.values:
        raise FieldErrors({"kind": _("is not a kind of photo")})
    files = list(files or [])
    if not files:
        return []
    if actor is None or not actor.is_authenticated:
        raise NotFound()
    prepared = photos_prepare(files, field=field)
    written: list[Path] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            report = locked_report(report_id)
            if kind == Photo.Kind.REPORT:
                if report.reporter_id is None or report.reporter_id != actor.pk:
                    raise NotFound()
                if report.status not in Report.OPEN:
                    raise Conflict(_("photos can be added only while the report is open"))
            else:
                require_current_unit(report, actor)
                if report.status not in CLOSURE_PHOTO_STATUSES:
                    raise Conflict(_("photos of what was done are added while the unit handles the report"))
            if Photo.objects.filter(report=report).count() + len(prepared) > MAX_PHOTOS:
                raise FieldErrors(
                    {field: _("can be at most %(count)d photos a report") % {"count": MAX_PHOTOS}}
                )
            photos = [
                _store(report, photo, kind=kind, actor=actor, now=now, written=written) for photo in prepared
            ]
            event_record(
                actor=actor,
                subject=report,
                event_type=EventType.REPORT_PHOTOS_ADDED,
                extra={"kind": kind, "count": len(photos), "photos": [photo.pk for photo in photos]},
                at=now,
            )
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return photos


def report_photo_attach_filed(*, report_id: int, photo: PreparedPhoto, client: str) -> tuple[Photo, Path]:
    """The photo another system (an Open311 client, named by `client`) sent with the report it filed,
    checked and re-encoded beforehand (`photo_prepare`): kept with the report, in the caller's
    transaction, and audited. Returns the photo and the file written, for the caller to remove should
    its transaction fail."""
    written: list[Path] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            report = locked_report(report_id)
            if report.status not in Report.OPEN:
                raise Conflict(_("photos can be added only while the report is open"))
            if Photo.objects.filter(report=report).count() >= MAX_PHOTOS:
                raise FieldErrors(
                    {"media": _("can be at most %(count)d photos a report") % {"count": MAX_PHOTOS}}
                )
            stored = _store(report, photo, kind=Photo.Kind.REPORT, actor=None, now=now, written=written)
            event_record(
                actor=None,
                subject=report,
                event_type=EventType.REPORT_PHOTOS_ADDED,
                extra={"kind": Photo.Kind.REPORT, "count": 1, "photos": [stored.pk], "client": client},
                at=now,
            )
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return stored, written[0]


def _store(
    report: Report, photo: PreparedPhoto, *, kind: str, actor: User | None, now: Any, written: list[Path]
) -> Photo:
    relative, target = photo_store(photo, at_month=f"{now:%Y/%m}")
    written.append(target)
    return Photo.objects.create(
        report=report,
        kind=kind,
        path=relative,
        size=len(photo.data),
        width=photo.width,
        height=photo.height,
        actor=actor,
        created_at=now,
    )


def report_file_with_photos(*, actor: User, photos: Any, **fields: Any) -> Report:
    """A resident's report filed on the web with its photos, in one transaction: a photo refused files
    nothing. The same filing sent again (its `idempotency_key`) answers with the first report."""
    prepared = photos_prepare(photos)
    with transaction.atomic():
        report = report_file(actor=actor, channel=Report.Channel.WEB, **fields)
        if prepared and not Photo.objects.filter(report=report).exists():
            report_photos_add(actor=actor, report_id=report.pk, files=prepared)
    return report


def report_close_with_photos(*, actor: User, report_id: int, text: Any, photos: Any) -> Closure:
    """The unit closes the report with the photos of what was done, in one transaction: a photo refused
    closes nothing. Each step is audited by its own service (closed, then the photos added)."""
    prepared = photos_prepare(photos)
    with transaction.atomic():
        closure = report_close(actor=actor, report_id=report_id, text=text)
        if prepared:
            report_photos_add(actor=actor, report_id=report_id, files=prepared, kind=Photo.Kind.CLOSURE)
    return closure
