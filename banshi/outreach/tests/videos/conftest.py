"""Story videos' fixtures: a campaign with classes, its moderator, a guardian, and real generated videos
(ffmpeg's test source) with the files that only pretend to be videos."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from banshi.accounts.models import User
from banshi.conftest import PASSWORD
from banshi.outreach.demo_videos import sample_video
from banshi.outreach.models import Campaign, CampaignClass, StoryVideo, VideoModerator
from banshi.outreach.services.videos import video_start, video_upload_create, video_upload_write

TRANSCODE_TASK = "banshi.outreach.tasks_videos.transcode_story_video_task"


@pytest.fixture(scope="session")
def samples(tmp_path_factory) -> dict[str, Path]:
    """Made once a session: a short video with sound, one without, a 720p-plus one (to be scaled down),
    a PNG and random bytes both named .mp4."""
    root = tmp_path_factory.mktemp("samples")
    picture = root / "picture.mp4"
    out = io.BytesIO()
    Image.new("RGB", (320, 240), "red").save(out, "PNG")
    picture.write_bytes(out.getvalue())
    noise = root / "random.mp4"
    noise.write_bytes(random.Random(12).randbytes(200_000))  # noqa: S311 - test data
    program = root / "program.exe.mp4"
    program.write_bytes(b"MZ\x90\x00" + random.Random(13).randbytes(50_000))  # noqa: S311
    return {
        "story": sample_video(root / "story.mp4", seconds=2, size="320x240"),
        "silent": sample_video(root / "silent.mp4", seconds=2, size="320x240", audio=False),
        "large": sample_video(root / "large.mov", seconds=2, size="1920x1080", rate=10),
        "picture": picture,
        "random": noise,
        "program": program,
    }


@pytest.fixture
def campaign(db) -> Campaign:
    campaign = Campaign.objects.create(
        slug="baitong", name="百童讲党史", school="重庆市人民小学", created_at=timezone.now()
    )
    for position, name in enumerate(["三年级2班", "五年级1班"]):
        CampaignClass.objects.create(campaign=campaign, name=name, position=position)
    return campaign


@pytest.fixture
def school_class(campaign) -> CampaignClass:
    return campaign.classes.get(name="三年级2班")


@pytest.fixture
def guardian(resident) -> User:
    return resident


@pytest.fixture
def moderator(campaign) -> User:
    user = User.objects.create_user(username="moderator", password=PASSWORD, display_name="审核员")
    VideoModerator.objects.create(user=user, campaign=campaign)
    return user


@pytest.fixture
def other_moderator(db) -> User:
    """A moderator of another campaign: sees nothing of this one."""
    other = Campaign.objects.create(slug="other", name="另一个", school="别的学校", created_at=timezone.now())
    user = User.objects.create_user(username="other_moderator", password=PASSWORD, display_name="别人")
    VideoModerator.objects.create(user=user, campaign=other)
    return user


def started(guardian, campaign, given_name: str = "明明") -> StoryVideo:
    school_class = campaign.classes.get(name="三年级2班")
    return video_start(
        actor=guardian, campaign=campaign, class_id=school_class.pk, given_name=given_name, consent=True
    )


def uploaded(guardian, campaign, path: Path, given_name: str = "明明") -> StoryVideo:
    """A video started and its whole file sent through the upload service, in two chunks."""
    video = started(guardian, campaign, given_name)
    data = path.read_bytes()
    video_upload_create(actor=guardian, key=video.key, length=len(data))
    half = len(data) // 2
    for offset, part in ((0, data[:half]), (half, data[half:])):
        video = video_upload_write(
            actor=guardian, key=video.key, offset=offset, length=len(part), read=io.BytesIO(part).read
        )
    return video


def run_transcoding() -> int:
    """Run the queued conversions as the task worker does (its own code runs each job), in this process
    and this test's transaction; the number run."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    jobs = DBTaskResult.objects.ready().filter(task_path=TRANSCODE_TASK)
    count = 0
    while (job := jobs.first()) is not None:
        job.claim(worker.worker_id)
        worker.run_task(job)
        count += 1
    return count


def queued_transcodings() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().filter(task_path=TRANSCODE_TASK).count()
