"""`make bench`, the story videos: the time the worker takes to convert a one-minute 720p video (ffmpeg,
as `banshi.outreach.media` runs it: H.264/AAC within 1280×720, `+faststart`, and the poster frame), and
the upload throughput through the tus endpoint on loopback (tuspy, in the page's 4 MB chunks, against a
granian WSGI server of the production settings on SQLite in a temporary folder).

The source is made first with ffmpeg's test pattern and a tone (`testsrc2`, 1280×720 at 30 frames a
second, encoded at a phone's rate), and is not counted. It writes var/bench_outreach.json and exits
non-zero when a step fails.

Environment (all optional):
  BENCH_OUTREACH_SECONDS=60       length of the video converted
  BENCH_OUTREACH_UPLOAD_MB=200    size of the upload
  BENCH_OUTREACH_CHUNK_MB=4       the tus client's chunk size
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SECONDS = int(os.environ.get("BENCH_OUTREACH_SECONDS", "60"))
UPLOAD_MB = int(os.environ.get("BENCH_OUTREACH_UPLOAD_MB", "200"))
CHUNK_MB = int(os.environ.get("BENCH_OUTREACH_CHUNK_MB", "4"))
VENV_BIN = Path(sys.executable).parent
TOKEN = "b" * 32


def say(message: str = "") -> None:
    print(message, flush=True)


def django_setup(data_dir: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": f"sqlite:///{data_dir / 'bench.sqlite3'}",
            "BANSHI_DATA_DIR": str(data_dir),
            "SECRET_KEY": uuid.uuid4().hex * 2,
            "NOTIFY_SMS_BACKEND": "bench.backends.Discard",
            "NOTIFY_EMAIL_BACKEND": "bench.backends.Discard",
            "OUTREACH_VIDEO_MAX_BYTES": str(max(UPLOAD_MB + 1, 500) * 1024 * 1024),
            "OUTREACH_VIDEO_MAX_SECONDS": str(max(SECONDS, 300)),
        }
    )
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.pop("BANSHI_DEMO", None)
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    django.setup()


def transcode(work: Path) -> dict:
    from banshi.outreach.media import FFMPEG, poster_make, video_probe, video_transcode

    source = work / "source.mp4"
    say(f"making a {SECONDS} s 1280x720 source video …")
    command = [FFMPEG, "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    command += ["-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=30:duration={SECONDS}"]
    command += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={SECONDS}"]
    command += ["-c:v", "libx264", "-preset", "ultrafast", "-b:v", "8M", "-pix_fmt", "yuv420p"]
    command += ["-c:a", "aac", "-b:a", "128k", "-shortest", str(source)]
    subprocess.run(command, check=True)
    probe = video_probe(source)
    target, poster = work / "out.mp4", work / "poster.jpg"
    started = time.perf_counter()
    video_transcode(source, target, probe)
    converted = time.perf_counter() - started
    poster_make(target, poster, duration=probe.duration)
    total = time.perf_counter() - started
    return {
        "video_seconds": probe.duration,
        "source_mb": source.stat().st_size / 1e6,
        "transcode_s": converted,
        "with_poster_s": total,
        "realtime_factor": probe.duration / converted,
        "output_mb": target.stat().st_size / 1e6,
        "output_probe": list(video_probe(target).__dict__.values()),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, log_path: Path) -> subprocess.Popen:
    command = [str(VENV_BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", "1", "--no-access-log", "--log-level", "warning", "--working-dir", str(ROOT)]
    command.append("banshi.wsgi:application")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    log = open(log_path, "wb")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"granian exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/outreach/tus/", method="OPTIONS")
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 204:
                    return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"granian did not answer within 30 s:\n{log_path.read_text()[-3000:]}")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the group of the server started above, and only that
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def upload(work: Path) -> dict:
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone
    from tusclient.client import TusClient

    from banshi.accounts.models import User
    from banshi.outreach.models import Campaign, CampaignClass, StoryVideo
    from banshi.outreach.services.videos import video_start

    call_command("migrate", interactive=False, verbosity=0)
    guardian = User.objects.create_user(
        username="13800000099", phone="13800000099", password=uuid.uuid4().hex
    )
    campaign = Campaign.objects.create(
        slug="bench", name="百童讲党史", school="重庆市人民小学", created_at=timezone.now()
    )
    school_class = CampaignClass.objects.create(campaign=campaign, name="三年级2班")
    video = video_start(
        actor=guardian, campaign=campaign, class_id=school_class.pk, given_name="明明", consent=True
    )
    client = Client()
    client.force_login(guardian)
    headers = {
        "Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={TOKEN}",
        "X-CSRFToken": TOKEN,
    }
    payload = work / "upload.bin"
    with payload.open("wb") as handle:
        for _block in range(UPLOAD_MB):
            handle.write(os.urandom(1024 * 1024))
    port = free_port()
    server = start_server(port, work / "granian.log")
    try:
        uploader = TusClient(f"http://127.0.0.1:{port}/outreach/tus/", headers=headers).uploader(
            file_path=str(payload), chunk_size=CHUNK_MB * 1024 * 1024, metadata={"video": video.key}
        )
        started = time.perf_counter()
        uploader.upload()
        elapsed = time.perf_counter() - started
    finally:
        stop_server(server)
    video = StoryVideo.objects.get(pk=video.pk)
    if video.upload_offset != payload.stat().st_size:
        raise RuntimeError(f"the server holds {video.upload_offset} bytes of {payload.stat().st_size}")
    return {
        "upload_mb": UPLOAD_MB,
        "chunk_mb": CHUNK_MB,
        "seconds": elapsed,
        "mb_per_s": UPLOAD_MB * 1.048576 / elapsed,
    }


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="banshi-bench-outreach-"))
    try:
        return run(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work: Path) -> int:
    django_setup(work)
    results = {"transcode": transcode(work)}
    t = results["transcode"]
    say(
        f"transcode {t['video_seconds']:.0f} s of 1280x720 ({t['source_mb']:.1f} MB): "
        f"{t['transcode_s']:.1f} s ({t['realtime_factor']:.2f}x real time), "
        f"with the poster {t['with_poster_s']:.1f} s, "
        f"output {t['output_mb']:.1f} MB"
    )
    results["upload"] = upload(work)
    u = results["upload"]
    say(
        f"tus upload of {u['upload_mb']} MiB in {u['chunk_mb']} MiB chunks on loopback: "
        f"{u['seconds']:.1f} s, {u['mb_per_s']:.0f} MB/s"
    )
    out = ROOT / "var" / "bench_outreach.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    say(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
