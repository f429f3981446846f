"""The demo's story-video campaign: 重庆市人民小学's 百童讲党史 with its classes, the demo moderator, and
a few short videos the demo resident sent (made with ffmpeg's test source at set-up, never kept in the
repository): two published in the gallery, one waiting for the moderator. Running it again changes
nothing."""

from __future__ import annotations

import subprocess  # noqa: S404 - ffmpeg with fixed arguments
import uuid
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import timezone

from banshi.audit.services import event_record
from banshi.outreach.events_videos import VideoEventType
from banshi.outreach.media import FFMPEG, poster_make
from banshi.outreach.models import Campaign, CampaignClass, StoryVideo, VideoModerator
from banshi.outreach.services.videos import video_file

if TYPE_CHECKING:
    from banshi.accounts.models import User

CAMPAIGN_SLUG = "baitong-jiang-dangshi"
CLASSES = ["一年级1班", "二年级3班", "三年级2班", "四年级1班", "五年级2班", "六年级1班"]
# given name, class, published?
VIDEOS = [("小雨", "三年级2班", True), ("乐乐", "五年级2班", True), ("朵朵", "二年级3班", False)]
_NAMESPACE = uuid.UUID("6f1c54d2-7b0e-4f0a-9d35-2b8f2d0c7a11")


def sample_video(
    path: Path,
    *,
    seconds: float = 3,
    size: str = "320x240",
    rate: int = 25,
    audio: bool = True,
    codec: str = "libx264",
    extra: list[str] | None = None,
) -> Path:
    """A short video of ffmpeg's test pattern and a tone (lavfi), for the demo, the tests and the bench."""
    path.parent.mkdir(parents=True, exist_ok=True)
    command = [FFMPEG, "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    command += ["-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}:duration={seconds}"]
    if audio:
        command += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=44100:duration={seconds}"]
    command += ["-c:v", codec, "-pix_fmt", "yuv420p"]
    if codec == "libx264":
        command += ["-preset", "ultrafast"]
    if audio:
        command += ["-c:a", "aac", "-b:a", "64k"]
    command += [*(extra or []), "-shortest", "-movflags", "+faststart", str(path)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)  # noqa: S603
    return path


def seed(*, users: dict[str, User]) -> None:
    now = timezone.now()
    campaign, _created = Campaign.objects.get_or_create(
        slug=CAMPAIGN_SLUG,
        defaults={
            "name": "百童讲党史",
            "school": "重庆市人民小学",
            "description": "请家长用手机录一段孩子讲党史故事的视频（不超过5分钟），选好班级后上传。",
            "created_at": now,
        },
    )
    classes = {}
    for position, name in enumerate(CLASSES):
        classes[name], _created = CampaignClass.objects.get_or_create(
            campaign=campaign, name=name, defaults={"position": position}
        )
    VideoModerator.objects.get_or_create(user=users["moderator"], campaign=campaign)
    guardian = users["13800000000"]
    for index, (given_name, class_name, published) in enumerate(VIDEOS):
        key = uuid.uuid5(_NAMESPACE, given_name).hex
        video = StoryVideo.objects.filter(key=key).first()
        video_name, poster_name = f"demo/{key}.mp4", f"demo/{key}.jpg"
        if not video_file(video_name).exists() or not video_file(poster_name).exists():
            sample_video(video_file(video_name), seconds=3, size="640x360")
            poster_make(video_file(video_name), video_file(poster_name), duration=3)
        if video is not None:
            continue
        sent = now - timedelta(days=3 - index)
        video = StoryVideo.objects.create(
            key=key,
            campaign=campaign,
            school_class=classes[class_name],
            given_name=given_name,
            guardian=guardian,
            consent_at=sent,
            status=StoryVideo.Status.PUBLISHED if published else StoryVideo.Status.READY,
            upload_length=video_file(video_name).stat().st_size,
            upload_offset=video_file(video_name).stat().st_size,
            upload_started_at=sent,
            duration=3,
            progress=100,
            video_path=video_name,
            poster_path=poster_name,
            video_size=video_file(video_name).stat().st_size,
            width=640,
            height=360,
            moderator=users["moderator"] if published else None,
            created_at=sent,
            updated_at=sent,
            published_at=sent + timedelta(hours=2) if published else None,
        )
        # The moves it made, as the services record them: the open numbers count from these.
        moves = [(VideoEventType.VIDEO_UPLOADED, sent), (VideoEventType.VIDEO_READY, sent)]
        if published:
            moves.append((VideoEventType.VIDEO_PUBLISHED, sent + timedelta(hours=2)))
        for event_type, moment in moves:
            event_record(actor=None, subject=video, event_type=event_type, at=moment)
