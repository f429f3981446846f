"""The audit event types of story videos: one per move of the video's transition table, and the upload's
creation. No event carries the child's name; the video's key names it."""

from __future__ import annotations

from enum import StrEnum, unique

from banshi.outreach.models import StoryVideo


@unique
class VideoEventType(StrEnum):
    VIDEO_STARTED = "outreach.video_started"
    VIDEO_UPLOAD_CREATED = "outreach.video_upload_created"
    VIDEO_UPLOADED = "outreach.video_uploaded"
    VIDEO_TRANSCODING = "outreach.video_transcoding"
    VIDEO_READY = "outreach.video_ready"
    VIDEO_PUBLISHED = "outreach.video_published"
    VIDEO_WITHDRAWN = "outreach.video_withdrawn"
    VIDEO_REJECTED = "outreach.video_rejected"
    VIDEO_FAILED = "outreach.video_failed"


MOVED_TO = {
    StoryVideo.Status.UPLOADED: VideoEventType.VIDEO_UPLOADED,
    StoryVideo.Status.TRANSCODING: VideoEventType.VIDEO_TRANSCODING,
    StoryVideo.Status.READY: VideoEventType.VIDEO_READY,
    StoryVideo.Status.PUBLISHED: VideoEventType.VIDEO_PUBLISHED,
    StoryVideo.Status.WITHDRAWN: VideoEventType.VIDEO_WITHDRAWN,
    StoryVideo.Status.REJECTED: VideoEventType.VIDEO_REJECTED,
    StoryVideo.Status.FAILED: VideoEventType.VIDEO_FAILED,
}
