"""Background work of story videos, run by `manage.py db_worker`: thin, safe to run twice."""

from django.utils import timezone
from django_tasks import task


@task()
def transcode_story_video_task(video_id: int) -> str:
    """Convert one uploaded story video (`video_transcode_run`): only an `uploaded` one is taken."""
    from banshi.outreach.services.videos import video_transcode_run

    return video_transcode_run(video_id=video_id)


@task()
def sweep_story_videos_task() -> dict[str, int]:
    """The same sweep as `manage.py sweep_story_videos`."""
    from banshi.outreach.services.videos import videos_sweep

    return videos_sweep(now=timezone.now())
