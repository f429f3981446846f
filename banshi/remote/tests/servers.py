"""Real servers for the browser tests of the video window: uvicorn serving `banshi.asgi` (HTTP and
WebSockets, as `make run` does) on the test database, optionally a Redis channel layer shared by two
of them, and a Chromium with a fake camera and microphone. Run inside a private network namespace
(`make test-browser`): everything listens on 127.0.0.1 only."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from playwright.sync_api import expect

from banshi.conftest import CHROMIUM_ARGS, PASSWORD

ROOT = Path(settings.BASE_DIR)
# The servers run as production does, outside demo mode: with a key of their own and gateways that are
# not the console (nothing is sent: no task worker runs beside them).
# The servers run outside demo mode, with a key of their own, unless the suite was given one: then they
# share it, so that a session the test signs in (the session hash is keyed by it) holds on the server too.
SERVER_SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)
CONNECTED_WITHIN_MS = 20_000
# uvicorn's cap on a WebSocket frame, as `bin/serve` and the README's production command set it.
WS_MAX_SIZE = 65536
# A real WebRTC call between two pages of one machine: fake devices, no permission prompts, and ICE
# candidates on loopback (without the last flag Chromium finds none there).
CALL_CHROMIUM_ARGS = [
    *CHROMIUM_ARGS,
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
]


def can_log_in(*users) -> None:
    """Hash the test password as the server checks it: this process's settings use a fast hasher the
    server does not know."""
    hasher = PBKDF2PasswordHasher()
    for user in users:
        user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
        user.save(update_fields=["password"])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The database this test process uses (pytest-django's test database), for a server process."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "")
    credentials = f"{user}:{quote(db['PASSWORD'])}@" if db.get("PASSWORD") else (f"{user}@" if user else "")
    host = db.get("HOST") or ""
    if host.startswith("/"):
        return f"postgres://{credentials}/{db['NAME']}?host={quote(host)}"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{db['NAME']}"


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the group started for this process, and only that
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def _tail(path: Path) -> str:
    return path.read_text(errors="replace")[-4000:] if path.exists() else ""


_static_collected = False


def collect_static(env: dict[str, str]) -> None:
    """The server serves static files as production does (hashed names, from STATIC_ROOT): collect
    them, once a test session, from this checkout, so that the pages never run yesterday's scripts."""
    global _static_collected
    if not _static_collected:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        _static_collected = True


@contextmanager
def asgi_server(work_dir: Path, *, redis_url: str = "", name: str = "server"):
    """uvicorn serving the project on a free port of 127.0.0.1, on the test database; its base URL."""
    port = free_port()
    data_dir = work_dir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if key not in ("CHANNEL_REDIS_URL", "BANSHI_DEMO")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "banshi.settings",
            "DATABASE_URL": database_url(),
            "BANSHI_DATA_DIR": str(data_dir),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
            "SECRET_KEY": SERVER_SECRET_KEY,
            "NOTIFY_SMS_BACKEND": "banshi.notify.tests.backends.SmsOutbox",
            "NOTIFY_EMAIL_BACKEND": "banshi.notify.tests.backends.EmailOutbox",
        }
    )
    if redis_url:
        env["CHANNEL_REDIS_URL"] = redis_url
    collect_static(env)
    log_path = work_dir / f"{name}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "banshi.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--ws",
                "websockets",
                "--ws-max-size",
                str(WS_MAX_SIZE),
                "--no-access-log",
                "--timeout-graceful-shutdown",
                "3",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{_tail(log_path)}")
            try:
                with urllib.request.urlopen(f"{base}/accounts/login/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer within 30 s:\n{_tail(log_path)}")
            time.sleep(0.2)
        yield base
    finally:
        _stop(process)
        problems = _tail(log_path)
        if "Traceback" in problems:
            print(f"--- {name} log ---\n{problems}", file=sys.stderr)


@contextmanager
def redis_server(work_dir: Path):
    """A private redis-server on a free port (nothing saved to disk); its URL."""
    port = free_port()
    log_path = work_dir / "redis.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(work_dir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {process.returncode}:\n{_tail(log_path)}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not answer within 10 s:\n{_tail(log_path)}")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process)


# --- pages ---------------------------------------------------------------------------------------------


def call_page(browser, base_url: str, **options):
    """A browser of its own (cookies apart) that may use the (fake) camera and microphone."""
    context = browser.new_context(
        base_url=base_url, locale="zh-CN", permissions=["camera", "microphone"], **options
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login")
    expect(page.locator("#logout")).to_be_visible()


def expect_connected(page) -> None:
    expect(page.locator("#call-status")).to_have_attribute(
        "data-state", "connected", timeout=CONNECTED_WITHIN_MS
    )
    # Polled from here: `wait_for_function` evaluates its predicate in the page, which the site's
    # Content-Security-Policy (no eval) forbids.
    deadline = time.monotonic() + CONNECTED_WITHIN_MS / 1000
    while not page.evaluate("document.getElementById('remote-video').videoWidth > 0"):
        assert time.monotonic() < deadline, "the other side's video never played"
        page.wait_for_timeout(100)
