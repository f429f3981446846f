"""tuspy, the tus protocol's Python client, against the server on a live HTTP server: a real generated
video sent in chunks, the connection dropped in the middle of a chunk, the upload resumed by a new
client from the offset the server gives, the bytes on the server equal to the file's, and the worker's
conversion checked with ffprobe: H.264 and AAC, within 720p, with a poster frame."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from tusclient.client import TusClient

from banshi.outreach.demo_videos import sample_video
from banshi.outreach.models import StoryVideo
from banshi.outreach.services.videos import video_file
from banshi.outreach.tests.videos.conftest import run_transcoding, started
from banshi.outreach.tests.videos.test_content_check import ffprobe

CHUNK = 16 * 1024
TOKEN = "c" * 32


def session_headers(user) -> dict[str, str]:
    """What a signed-in browser sends: its session cookie, and the CSRF token in cookie and header."""
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    return {"Cookie": f"sessionid={session}; csrftoken={TOKEN}", "X-CSRFToken": TOKEN}


def drop_mid_chunk(url: str, headers: dict[str, str], *, offset: int, data: bytes, sent: int) -> None:
    """A PATCH that says it carries all of `data` and stops after `sent` bytes: the phone lost its
    connection."""
    parts = urlsplit(url)
    lines = [
        f"PATCH {parts.path} HTTP/1.1",
        f"Host: {parts.netloc}",
        "Tus-Resumable: 1.0.0",
        "Content-Type: application/offset+octet-stream",
        f"Upload-Offset: {offset}",
        f"Content-Length: {len(data)}",
        *(f"{name}: {value}" for name, value in headers.items()),
        "",
        "",
    ]
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall("\r\n".join(lines).encode() + data[:sent])
        connection.shutdown(socket.SHUT_WR)
        connection.settimeout(10)
        try:
            connection.recv(1024)
        except OSError:
            pass


def server_offset(url: str, headers: dict[str, str]) -> int:
    answer = requests.head(url, headers={**headers, "Tus-Resumable": "1.0.0"}, timeout=10)
    answer.raise_for_status()
    return int(answer.headers["Upload-Offset"])


def test_a_video_sent_in_chunks_survives_a_dropped_connection_and_is_converted(
    live_server, guardian, campaign, tmp_path
):
    source = sample_video(tmp_path / "story.mp4", seconds=4, size="960x540", rate=25)
    data = source.read_bytes()
    assert len(data) > 6 * CHUNK
    video = started(guardian, campaign, "小雨")
    headers = session_headers(guardian)
    endpoint = f"{live_server.url}/outreach/tus/"

    # The first client sends two chunks.
    uploader = TusClient(endpoint, headers=headers).uploader(
        file_path=str(source), chunk_size=CHUNK, metadata={"video": video.key, "filename": "story.mp4"}
    )
    uploader.upload(stop_at=2 * CHUNK)
    assert uploader.offset == 2 * CHUNK
    location = uploader.url
    assert location == f"{live_server.url}/outreach/tus/{video.key}/"

    # The third chunk is cut off half-way; the server keeps what arrived, and says so.
    drop_mid_chunk(location, headers, offset=2 * CHUNK, data=data[2 * CHUNK : 3 * CHUNK], sent=CHUNK // 2)
    kept = server_offset(location, headers)
    for _attempt in range(100):
        if kept != 2 * CHUNK:
            break
        time.sleep(0.05)
        kept = server_offset(location, headers)
    assert kept == 2 * CHUNK + CHUNK // 2

    # A new client (the page reloaded, the phone back online) resumes from the server's offset.
    resumed = TusClient(endpoint, headers=headers).uploader(
        file_path=str(source), url=location, chunk_size=CHUNK
    )
    assert resumed.offset == kept
    resumed.upload()
    assert resumed.offset == len(data)

    video.refresh_from_db()
    assert video.status == StoryVideo.Status.UPLOADED
    assert (video.upload_offset, video.upload_length) == (len(data), len(data))
    assert video_file(video.upload_name).read_bytes() == data

    assert run_transcoding() == 1
    video.refresh_from_db()
    assert video.status == StoryVideo.Status.READY
    found = ffprobe(video_file(video.video_path))
    streams = {stream["codec_type"]: stream for stream in found["streams"]}
    assert streams["video"]["codec_name"] == "h264" and streams["audio"]["codec_name"] == "aac"
    assert streams["video"]["height"] <= 720 and streams["video"]["width"] <= 1280
    assert (streams["video"]["width"], streams["video"]["height"]) == (960, 540)  # never enlarged
    assert float(found["format"]["duration"]) == pytest.approx(4, abs=0.2)
    # Bounded: at most the video and sound rates' worth of bytes (with the container's share).
    assert int(found["format"]["size"]) <= (2500 + 128) * 1000 / 8 * 4 * 1.2
    assert ffprobe(video_file(video.poster_path))["streams"][0]["codec_name"] == "mjpeg"
    assert not video_file(video.upload_name).exists()
