"""Story videos' files through Debian's ffprobe and ffmpeg: the content check (a real video container
with a video stream, by probing the file, never by its name), and the transcoding into a web-friendly
H.264/AAC MP4 of bounded size with a poster frame and none of the original's metadata."""

from __future__ import annotations

import json
import subprocess  # noqa: S404 - ffprobe and ffmpeg, with fixed arguments and no shell
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

FFPROBE = "/usr/bin/ffprobe"
FFMPEG = "/usr/bin/ffmpeg"
PROBE_TIMEOUT_SECONDS = 60
# A five-minute video converts in a few minutes on one core; more than this is a file ffmpeg is stuck on.
TRANSCODE_TIMEOUT_SECONDS = 30 * 60

# The containers phones and cameras record into (ffprobe's names). An image, even one ffprobe can read as
# a one-frame "video" (png_pipe, jpeg_pipe, image2, gif…), is none of them.
CONTAINERS = frozenset({"mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "avi", "mpegts", "mpeg", "flv"})
# The bounds of the output: the shorter side at most 720 pixels, the longer at most 1280, the video at
# most this rate (so a five-minute story is at most ~100 MB), the sound as AAC.
SHORT_SIDE = 720
LONG_SIDE = 1280
VIDEO_MAXRATE = "2500k"
VIDEO_BUFSIZE = "5000k"
AUDIO_BITRATE = "128k"


class VideoRefused(Exception):
    """The file is not a video the campaign can take; the message says why, for the guardian."""


@dataclass(frozen=True)
class Probe:
    container: str
    duration: float
    width: int
    height: int
    has_audio: bool


def _run_probe(path: Path) -> dict:
    try:
        done = subprocess.run(  # noqa: S603
            [FFPROBE, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
            capture_output=True,
            timeout=PROBE_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise VideoRefused(_("could not be read as a video")) from None
    if done.returncode != 0:
        raise VideoRefused(_("is not a video file (send an MP4 or MOV video from the phone's camera)"))
    try:
        return json.loads(done.stdout or b"{}")
    except ValueError:
        raise VideoRefused(_("could not be read as a video")) from None


def _rotated(stream: dict) -> bool:
    rotation = 0
    for side in stream.get("side_data_list") or []:
        if "rotation" in side:
            rotation = int(side["rotation"])
    rotation = int((stream.get("tags") or {}).get("rotate", rotation))
    return abs(rotation) % 180 == 90


def video_probe(path: Path) -> Probe:
    """What the file is, or VideoRefused: not a video container, no video stream, no duration, or longer
    than OUTREACH_VIDEO_MAX_SECONDS."""
    found = _run_probe(path)
    container = str((found.get("format") or {}).get("format_name", ""))
    if container not in CONTAINERS:
        raise VideoRefused(_("is not a video file (send an MP4 or MOV video from the phone's camera)"))
    streams = found.get("streams") or []
    videos = [
        stream
        for stream in streams
        if stream.get("codec_type") == "video" and not (stream.get("disposition") or {}).get("attached_pic")
    ]
    if not videos:
        raise VideoRefused(_("has no picture: it is not a video"))
    try:
        duration = float((found.get("format") or {}).get("duration") or videos[0].get("duration") or 0)
        width, height = int(videos[0]["width"]), int(videos[0]["height"])
    except (KeyError, TypeError, ValueError):
        raise VideoRefused(_("could not be read as a video")) from None
    if duration <= 0 or width <= 0 or height <= 0:
        raise VideoRefused(_("could not be read as a video"))
    limit = settings.OUTREACH_VIDEO_MAX_SECONDS
    if duration > limit:
        raise VideoRefused(
            _("is longer than %(minutes)s minutes: send a shorter video") % {"minutes": f"{limit / 60:g}"}
        )
    if _rotated(videos[0]):
        width, height = height, width
    return Probe(
        container=container,
        duration=duration,
        width=width,
        height=height,
        has_audio=any(stream.get("codec_type") == "audio" for stream in streams),
    )


def _box(probe: Probe) -> tuple[int, int]:
    return (LONG_SIDE, SHORT_SIDE) if probe.width >= probe.height else (SHORT_SIDE, LONG_SIDE)


def transcode_command(source: Path, target: Path, probe: Probe) -> list[str]:
    """ffmpeg's arguments: H.264 (yuv420p, main profile) and AAC in an MP4 with its index first
    (`+faststart`, so a phone starts playing before it has it all), within the box, never enlarged; no
    metadata, chapters or subtitles of the original (a phone's GPS position, its maker, the date)."""
    width, height = _box(probe)
    scale = (
        f"scale='min({width},iw)':'min({height},ih)'"
        ":force_original_aspect_ratio=decrease:force_divisible_by=2"
    )
    command = [FFMPEG, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(source)]
    if not probe.has_audio:
        # A silent story still gets an (empty) AAC track, so every output plays the same way.
        command += ["-f", "lavfi", "-i", "anullsrc=channel_layout=stereo:sample_rate=44100"]
    command += ["-map", "0:v:0", "-map", "0:a:0" if probe.has_audio else "1:a:0", "-shortest"]
    command += ["-map_metadata", "-1", "-map_chapters", "-1", "-sn", "-dn"]
    command += ["-vf", scale, "-c:v", "libx264", "-preset", "veryfast", "-crf", "26"]
    command += ["-maxrate", VIDEO_MAXRATE, "-bufsize", VIDEO_BUFSIZE, "-pix_fmt", "yuv420p"]
    command += ["-profile:v", "main", "-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ac", "2"]
    command += ["-movflags", "+faststart", "-progress", "pipe:1", "-nostats", "-f", "mp4", str(target)]
    return command


def video_transcode(
    source: Path, target: Path, probe: Probe, *, on_progress: Callable[[int], None] | None = None
) -> None:
    """Transcode `source` into `target`, telling `on_progress` the percentage done as ffmpeg reports it
    (`-progress`); raises VideoRefused with ffmpeg's last words when it fails."""
    process = subprocess.Popen(  # noqa: S603
        transcode_command(source, target, probe),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None  # noqa: S101 - asked for above
    total = max(probe.duration, 0.001) * 1_000_000
    try:
        for line in process.stdout:
            name, _sep, value = line.strip().partition("=")
            if name == "out_time_us" and value.isdigit() and on_progress is not None:
                on_progress(min(99, int(int(value) * 100 / total)))
        process.wait(timeout=TRANSCODE_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise VideoRefused(_("could not be converted in time")) from None
    finally:
        errors = process.stderr.read() if process.stderr else ""
    if process.returncode != 0:
        last = errors.strip().splitlines()[-1:] or [f"ffmpeg exited with {process.returncode}"]
        raise VideoRefused(_("could not be converted: %(problem)s") % {"problem": last[0][:200]})


def poster_make(video: Path, target: Path, *, duration: float) -> None:
    """A JPEG of one frame (a second in, or the middle of a shorter video), without metadata."""
    at = f"{min(1.0, duration / 2):.3f}"
    command = [FFMPEG, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-ss", at, "-i", str(video)]
    command += ["-frames:v", "1", "-map_metadata", "-1", "-q:v", "4", "-f", "mjpeg", str(target)]
    done = subprocess.run(command, capture_output=True, timeout=PROBE_TIMEOUT_SECONDS, check=False)  # noqa: S603
    if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
        raise VideoRefused(_("could not be converted: no picture for its poster"))


def video_output_probe(path: Path) -> tuple[int, int]:
    """The transcoded file's width and height."""
    probe = video_probe(path)
    return probe.width, probe.height
