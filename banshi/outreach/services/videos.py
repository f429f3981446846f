"""Story videos from start to gallery: the guardian starts one (class, given name, consent), uploads it
through tus (creation, chunks, termination), the last chunk has it probed and queued for the worker,
which transcodes it; a moderator publishes or rejects it, and may withdraw it later. Stale uploads and
stuck conversions are swept to "failed", never left hanging. Every move is checked against
`StoryVideo.TRANSITIONS` on a locked row and audited."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.audit.services import event_record
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.lib.states import check_move
from banshi.lib.text import text_field
from banshi.outreach.events_videos import MOVED_TO, VideoEventType
from banshi.outreach.media import VideoRefused, poster_make, video_output_probe, video_probe, video_transcode
from banshi.outreach.models import Campaign, CampaignClass, StoryVideo, VideoModerator

if TYPE_CHECKING:
    from banshi.accounts.models import User

Status = StoryVideo.Status
GIVEN_NAME_LIMIT = 20
REASON_LIMIT = 300
# A conversion still running after this long was left by a worker that died.
TRANSCODING_STALE = timedelta(hours=2)
CHUNK_READ = 1024 * 1024


class UploadTooLarge(FieldErrors):
    """More bytes than the upload may have (OUTREACH_VIDEO_MAX_BYTES, or its declared length)."""


class UploadBusy(Conflict):
    """Another request is writing to the same upload right now."""


def videos_dir() -> Path:
    return Path(settings.OUTREACH_VIDEOS_DIR)


def video_file(relative: str) -> Path:
    return videos_dir() / relative


def _too_large_message() -> str:
    return _("is larger than %(mb)d MB: send a shorter video") % {
        "mb": settings.OUTREACH_VIDEO_MAX_BYTES // (1024 * 1024)
    }


# --- the guardian starts a video ---------------------------------------------------------------------


def video_start(
    *, actor: User, campaign: Campaign, class_id: Any, given_name: Any, consent: Any
) -> StoryVideo:
    """A new video of the campaign, waiting for its upload: refused without the guardian's consent, a
    class of this campaign and the child's given name (at most 20 characters, no full name asked)."""
    if actor is None or not actor.is_authenticated:
        raise NotFound()
    errors: dict[str, str] = {}
    if not campaign.open:
        raise Conflict(_("this campaign no longer takes videos"))
    school_class = None
    try:
        school_class = CampaignClass.objects.filter(campaign=campaign, pk=int(class_id)).first()
    except (TypeError, ValueError):
        pass
    if school_class is None:
        errors["school_class"] = _("choose the child's class")
    try:
        name = text_field(given_name, field="given_name", limit=GIVEN_NAME_LIMIT, required=True)
    except FieldErrors as problem:
        errors.update(problem.errors)
    if consent is not True:
        errors["consent"] = _("is required: as the child's guardian, agree to the video being shown")
    if errors or school_class is None:
        raise FieldErrors(errors)
    now = timezone.now()
    with transaction.atomic():
        video = StoryVideo.objects.create(
            campaign=campaign,
            school_class=school_class,
            given_name=name,
            guardian=actor,
            consent_at=now,
            created_at=now,
            updated_at=now,
        )
        event_record(
            actor=actor,
            subject=video,
            event_type=VideoEventType.VIDEO_STARTED,
            new_state=video.status,
            extra={"campaign": campaign.slug, "consent": True},
            at=now,
        )
    return video


# --- the upload (tus) ----------------------------------------------------------------------------------


def _guardians_video(actor: User, key: str, *, lock: bool = False) -> StoryVideo:
    videos = StoryVideo.objects.select_for_update() if lock else StoryVideo.objects
    video = videos.filter(key=str(key), guardian_id=getattr(actor, "pk", None)).first()
    if video is None:
        raise NotFound()
    return video


def video_upload_create(*, actor: User, key: str, length: int) -> StoryVideo:
    """The video's one upload, of `length` bytes: refused beyond OUTREACH_VIDEO_MAX_BYTES, for an empty
    file, and for a video that has one already."""
    if length > settings.OUTREACH_VIDEO_MAX_BYTES:
        raise UploadTooLarge({"file": _too_large_message()})
    if length <= 0:
        raise FieldErrors({"file": _("is empty")})
    with transaction.atomic():
        video = _guardians_video(actor, key, lock=True)
        if video.status != Status.UPLOADING or video.upload_length is not None:
            raise Conflict(_("this video has been uploaded already: start a new one"))
        now = timezone.now()
        path = video_file(video.upload_name)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(descriptor)
        video.upload_length = length
        video.upload_offset = 0
        video.upload_started_at = video.updated_at = now
        video.save(update_fields=["upload_length", "upload_offset", "upload_started_at", "updated_at"])
        event_record(
            actor=actor,
            subject=video,
            event_type=VideoEventType.VIDEO_UPLOAD_CREATED,
            extra={"length": length},
            at=now,
        )
    return video


def video_upload_state(*, actor: User, key: str) -> StoryVideo:
    """The guardian's video as its upload stands (tus HEAD)."""
    video = _guardians_video(actor, key)
    # A cancelled or refused upload is gone; a finished one stands at its end.
    if video.upload_length is None or video.status == Status.FAILED:
        raise NotFound()
    return video


def video_upload_write(
    *, actor: User, key: str, offset: int, length: int, read: Callable[[int], bytes]
) -> StoryVideo:
    """Append up to `length` bytes (`read(n)` gives them, b"" when the connection ends) at `offset`, which
    must be where the upload stands. What arrived is kept, even when the connection drops half-way: the
    client resumes from the offset it asks for next. The last byte has the file probed and the video
    queued for the worker, or failed with the probe's reason."""
    video = _guardians_video(actor, key)
    if video.upload_length is None:
        raise NotFound()
    if video.status != Status.UPLOADING:
        raise Conflict(_("this upload is finished"))
    if offset + length > video.upload_length:
        raise UploadTooLarge({"file": _("is longer than the upload said it would be")})
    path = video_file(video.upload_name)
    try:
        handle = open(path, "r+b")  # noqa: SIM115 - held across the lock below
    except FileNotFoundError:
        raise NotFound() from None
    with handle:
        try:
            # One writer an upload: a second PATCH (a client that retried too soon) waits for nothing.
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UploadBusy(_("this upload is being written by another request")) from None
        video.refresh_from_db(fields=["upload_offset", "status"])
        if video.status != Status.UPLOADING:
            raise Conflict(_("this upload is finished"))
        if offset != video.upload_offset:
            raise Conflict(
                _("the upload stands at byte %(offset)d, not %(asked)d")
                % {"offset": video.upload_offset, "asked": offset}
            )
        # Bytes past the recorded offset are from a write whose end was never recorded: written again.
        handle.seek(offset)
        handle.truncate(offset)
        written = 0
        try:
            while written < length:
                block = read(min(CHUNK_READ, length - written))
                if not block:
                    break
                handle.write(block)
                written += len(block)
        except OSError:
            # The connection dropped: keep what arrived.
            pass
        handle.flush()
        os.fsync(handle.fileno())
        now = timezone.now()
        StoryVideo.objects.filter(pk=video.pk, status=Status.UPLOADING, upload_offset=offset).update(
            upload_offset=offset + written, updated_at=now
        )
        video.upload_offset = offset + written
        video.updated_at = now
    if video.upload_offset == video.upload_length:
        return _upload_complete(video, actor=actor)
    return video


def _move(
    video: StoryVideo,
    new: str,
    *,
    actor: User | None,
    now: datetime,
    reason: str = "",
    fields: tuple[str, ...] = (),
    extra: dict[str, Any] | None = None,
) -> None:
    old = video.status
    check_move(StoryVideo, old, new)
    video.status = new
    video.reason = reason
    video.updated_at = now
    video.save(update_fields=["status", "reason", "updated_at", *fields])
    event_record(
        actor=actor,
        subject=video,
        event_type=MOVED_TO[StoryVideo.Status(new)],
        old_state=old,
        new_state=new,
        reason=reason,
        extra=extra,
        at=now,
    )


def _remove(*relatives: str) -> None:
    for relative in relatives:
        if relative:
            video_file(relative).unlink(missing_ok=True)


def _upload_complete(video: StoryVideo, *, actor: User | None) -> StoryVideo:
    from banshi.outreach.tasks_videos import transcode_story_video_task

    path = video_file(video.upload_name)
    try:
        probe = video_probe(path)
        refused = ""
    except VideoRefused as problem:
        refused = str(problem)
    with transaction.atomic():
        video = StoryVideo.objects.select_for_update().get(pk=video.pk)
        if video.status != Status.UPLOADING:
            return video
        now = timezone.now()
        if refused:
            _move(
                video,
                Status.FAILED,
                actor=actor,
                now=now,
                reason=_("The file %(problem)s.") % {"problem": refused},
            )
            transaction.on_commit(lambda: _remove(video.upload_name))
            return video
        video.duration = probe.duration
        _move(
            video,
            Status.UPLOADED,
            actor=actor,
            now=now,
            fields=("duration",),
            extra={"seconds": probe.duration},
        )
        # The queue is in the same database: the job exists exactly when the move does.
        transcode_story_video_task.enqueue(video.pk)
    return video


def video_upload_terminate(*, actor: User, key: str) -> None:
    """The guardian cancels the upload (tus termination): its bytes are removed, the video failed."""
    with transaction.atomic():
        video = _guardians_video(actor, key, lock=True)
        if video.upload_length is None or video.status != Status.UPLOADING:
            raise NotFound()
        _move(video, Status.FAILED, actor=actor, now=timezone.now(), reason=_("The upload was cancelled."))
        transaction.on_commit(lambda: _remove(video.upload_name))


# --- the worker ------------------------------------------------------------------------------------------


def video_transcode_run(*, video_id: int) -> str:
    """Convert an uploaded video (the worker's job; safe to run twice: only an `uploaded` video is
    taken, by compare-and-set). Progress is written on the row as ffmpeg reports it; a failure leaves
    the video failed with the reason, and nothing of the conversion on disk."""
    now = timezone.now()
    taken = StoryVideo.objects.filter(pk=video_id, status=Status.UPLOADED).update(
        status=Status.TRANSCODING, progress=0, updated_at=now
    )
    video = StoryVideo.objects.filter(pk=video_id).first()
    if not taken or video is None:
        return "skipped"
    event_record(
        actor=None,
        subject=video,
        event_type=VideoEventType.VIDEO_TRANSCODING,
        old_state=Status.UPLOADED,
        new_state=Status.TRANSCODING,
        at=now,
    )
    source = video_file(video.upload_name)
    month = timezone.localtime(now).strftime("%Y-%m")
    video_name = f"videos/{month}/{video.key}.mp4"
    poster_name = f"videos/{month}/{video.key}.jpg"
    target, poster = video_file(video_name), video_file(poster_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    last = [time.monotonic()]

    def progress(percent: int) -> None:
        # Written about once a second: the page polls, and the database need not hear every frame.
        if time.monotonic() - last[0] >= 1:
            last[0] = time.monotonic()
            StoryVideo.objects.filter(pk=video_id, status=Status.TRANSCODING).update(progress=percent)

    width = height = 0
    try:
        probe = video_probe(source)
        video_transcode(source, target, probe, on_progress=progress)
        poster_make(target, poster, duration=probe.duration)
        width, height = video_output_probe(target)
        failure = ""
    except (VideoRefused, OSError) as problem:
        failure = str(problem)
    with transaction.atomic():
        video = StoryVideo.objects.select_for_update().get(pk=video_id)
        now = timezone.now()
        if video.status != Status.TRANSCODING:
            _remove(video_name, poster_name)
            return "skipped"
        if failure:
            _move(
                video,
                Status.FAILED,
                actor=None,
                now=now,
                reason=_("The video %(problem)s.") % {"problem": failure},
            )
            outcome = "failed"
        else:
            video.video_path, video.poster_path = video_name, poster_name
            video.video_size = target.stat().st_size
            video.width, video.height, video.progress = width, height, 100
            _move(
                video,
                Status.READY,
                actor=None,
                now=now,
                fields=("video_path", "poster_path", "video_size", "width", "height", "progress"),
                extra={"bytes": video.video_size, "width": width, "height": height},
            )
            outcome = "ready"
    # The worker's transaction has committed: the upload is no longer needed (nor, after a failure,
    # what the conversion left).
    _remove(video.upload_name, *((video_name, poster_name) if outcome == "failed" else ()))
    return outcome


# --- moderation ----------------------------------------------------------------------------------------


def is_moderator(user: Any, campaign_id: int) -> bool:
    return bool(
        getattr(user, "pk", None)
        and VideoModerator.objects.filter(user_id=user.pk, campaign_id=campaign_id).exists()
    )


def _moderated(actor: User, key: str) -> StoryVideo:
    video = StoryVideo.objects.select_for_update().filter(key=str(key)).first()
    if video is None or not is_moderator(actor, video.campaign_id):
        raise NotFound()
    return video


def video_approve(*, actor: User, key: str) -> StoryVideo:
    """The moderator approves the video: it is published in the campaign's gallery at once."""
    with transaction.atomic():
        video = _moderated(actor, key)
        now = timezone.now()
        video.moderator = actor
        video.published_at = now
        _move(video, Status.PUBLISHED, actor=actor, now=now, fields=("moderator", "published_at"))
    return video


def video_reject(*, actor: User, key: str, reason: Any) -> StoryVideo:
    """The moderator does not accept the video, saying why (the guardian reads it); its files go."""
    text = text_field(reason, field="reason", limit=REASON_LIMIT, required=True)
    with transaction.atomic():
        video = _moderated(actor, key)
        video.moderator = actor
        _move(video, Status.REJECTED, actor=actor, now=timezone.now(), reason=text, fields=("moderator",))
        files = (video.video_path, video.poster_path)
        transaction.on_commit(lambda: _remove(*files))
    return video


def video_withdraw(*, actor: User, key: str, reason: Any) -> StoryVideo:
    """The moderator takes a published video out of the gallery, saying why."""
    text = text_field(reason, field="reason", limit=REASON_LIMIT, required=True)
    with transaction.atomic():
        video = _moderated(actor, key)
        _move(video, Status.WITHDRAWN, actor=actor, now=timezone.now(), reason=text)
    return video


# --- the sweep -------------------------------------------------------------------------------------------


def videos_sweep(*, now: datetime) -> dict[str, int]:
    """Fail the uploads idle for OUTREACH_UPLOAD_STALE_HOURS (their bytes removed) and the conversions
    a dead worker left; safe to run twice or in parallel (each row is locked and checked again)."""
    stale_upload = now - timedelta(hours=settings.OUTREACH_UPLOAD_STALE_HOURS)
    counts = {"uploads": 0, "conversions": 0}
    rules = (
        ("uploads", Status.UPLOADING, stale_upload, _("The upload was not finished in time: send it again.")),
        ("conversions", Status.TRANSCODING, now - TRANSCODING_STALE, _("The conversion did not finish.")),
        ("conversions", Status.UPLOADED, now - TRANSCODING_STALE, _("The conversion did not start.")),
    )
    for name, status, before, reason in rules:
        for pk in StoryVideo.objects.filter(status=status, updated_at__lt=before).values_list(
            "pk", flat=True
        ):
            with transaction.atomic():
                video = StoryVideo.objects.select_for_update().get(pk=pk)
                if video.status != status or video.updated_at >= before:
                    continue
                _move(video, Status.FAILED, actor=None, now=now, reason=reason)
                files = (video.upload_name, video.video_path, video.poster_path)
                transaction.on_commit(lambda files=files: _remove(*files))  # type: ignore[misc]
                counts[name] += 1
    return counts
