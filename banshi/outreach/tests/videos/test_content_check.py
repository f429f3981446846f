"""The content check: a file is a video by what ffprobe finds in it, never by its name; an image, random
bytes or a program named .mp4, a video too long or too large are refused with a clear reason, and
nothing of them is kept: no file on disk, no conversion queued, the video failed with the reason."""

from __future__ import annotations

import json
import subprocess

import pytest

from banshi.lib.errors import FieldErrors
from banshi.outreach.demo_videos import sample_video
from banshi.outreach.media import VideoRefused, video_probe
from banshi.outreach.models import StoryVideo
from banshi.outreach.services.videos import UploadTooLarge, video_file, video_upload_create
from banshi.outreach.tests.videos.conftest import queued_transcodings, run_transcoding, started, uploaded

pytestmark = pytest.mark.django_db
Status = StoryVideo.Status


@pytest.mark.parametrize(
    ("sample", "words"),
    [
        ("picture", "is not a video file"),
        ("random", "is not a video file"),
        ("program", "is not a video file"),
    ],
)
def test_a_file_that_only_pretends_to_be_a_video_is_refused_and_nothing_of_it_kept(
    guardian, campaign, samples, sample, words, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        video = uploaded(guardian, campaign, samples[sample])
    video.refresh_from_db()
    assert video.status == Status.FAILED
    assert words in video.reason and video.reason.startswith("The file ")
    assert not video_file(video.upload_name).exists()
    assert queued_transcodings() == 0
    assert not video.video_path and not video.poster_path


def test_the_probe_refuses_a_picture_even_one_ffprobe_reads(samples):
    with pytest.raises(VideoRefused, match="not a video file"):
        video_probe(samples["picture"])
    probe = video_probe(samples["story"])
    assert probe.container == "mov,mp4,m4a,3gp,3g2,mj2" and probe.has_audio
    assert (probe.width, probe.height) == (320, 240)


def test_a_video_longer_than_the_limit_is_refused(guardian, campaign, settings, tmp_path):
    settings.OUTREACH_VIDEO_MAX_SECONDS = 90
    long = sample_video(tmp_path / "long.mp4", seconds=91, size="64x48", rate=5, audio=False)
    video = uploaded(guardian, campaign, long)
    video.refresh_from_db()
    assert video.status == Status.FAILED
    assert video.reason == "The file is longer than 1.5 minutes: send a shorter video."
    assert queued_transcodings() == 0


def test_a_video_over_the_size_limit_is_refused_when_its_upload_is_created(guardian, campaign, settings):
    settings.OUTREACH_VIDEO_MAX_BYTES = 10 * 1024 * 1024
    video = started(guardian, campaign)
    with pytest.raises(UploadTooLarge) as refused:
        video_upload_create(actor=guardian, key=video.key, length=10 * 1024 * 1024 + 1)
    assert refused.value.errors == {"file": "is larger than 10 MB: send a shorter video"}
    with pytest.raises(FieldErrors):
        video_upload_create(actor=guardian, key=video.key, length=0)
    video.refresh_from_db()
    assert video.upload_length is None and video.status == Status.UPLOADING
    assert not video_file(video.upload_name).exists()


def test_a_conversion_that_fails_leaves_the_video_failed_with_the_reason_and_no_files(
    guardian, campaign, samples, monkeypatch
):
    from banshi.outreach import media

    video = uploaded(guardian, campaign, samples["story"])
    # ffmpeg refusing the options it is given, as it would a codec it lacks.
    real = media.transcode_command
    monkeypatch.setattr(
        media, "transcode_command", lambda *a: [*real(*a)[:-1], "-c:v", "nonexistent", str(a[1])]
    )
    assert run_transcoding() == 1
    video.refresh_from_db()
    assert video.status == Status.FAILED and video.reason.startswith("The video could not be converted")
    assert not video.video_path
    assert [path for path in video_file("").rglob("*") if path.is_file()] == []
    assert not video_file(video.upload_name).exists()


def ffprobe(path) -> dict:
    done = subprocess.run(
        [
            "/usr/bin/ffprobe",
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            str(path),
        ],
        capture_output=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_the_conversion_makes_h264_and_aac_within_720p_without_metadata_and_a_poster(
    guardian, campaign, samples
):
    video = uploaded(guardian, campaign, samples["large"])
    run_transcoding()
    video.refresh_from_db()
    assert video.status == Status.READY
    found = ffprobe(video_file(video.video_path))
    streams = {stream["codec_type"]: stream for stream in found["streams"]}
    assert streams["video"]["codec_name"] == "h264" and streams["video"]["pix_fmt"] == "yuv420p"
    assert streams["audio"]["codec_name"] == "aac"
    assert (
        (streams["video"]["width"], streams["video"]["height"]) == (1280, 720) == (video.width, video.height)
    )
    # No title, maker, place or date of the original; only what the MP4 muxer itself writes.
    assert set(found["format"].get("tags", {})) <= {
        "major_brand",
        "minor_version",
        "compatible_brands",
        "encoder",
    }
    poster = ffprobe(video_file(video.poster_path))
    assert poster["streams"][0]["codec_name"] == "mjpeg"
    assert video_file(video.poster_path).read_bytes()[:3] == b"\xff\xd8\xff"


def test_a_silent_video_gets_a_sound_track_so_every_output_plays_alike(guardian, campaign, samples):
    video = uploaded(guardian, campaign, samples["silent"])
    run_transcoding()
    video.refresh_from_db()
    codecs = sorted(stream["codec_name"] for stream in ffprobe(video_file(video.video_path))["streams"])
    assert codecs == ["aac", "h264"]
