"""`make bench`, third part: how long a video call takes to set up, from the clerk's "call the next
resident" click to both pages connected (ICE connected, the other side's video playing), with the page
loads included, and how many signaling messages one call costs the server.

It serves the project as `make run` does (one uvicorn process for HTTP and WebSockets, SQLite in a
temporary data directory, the in-memory channel layer) and drives two Chromium pages with fake
cameras over loopback: a resident waiting on the queue page (who joins as soon as the link appears)
and a clerk on the console. Each call is ended by the clerk before the next. It prints every time with
the median, and writes var/bench_call.json. It exits non-zero when a call does not connect or the
median misses the target.

Chromium's WebRTC must stay on loopback: run it in a private network namespace, as `make bench` does
(`unshare -n sh -c 'ip link set lo up && .venv/bin/python bench/call.py'`).

Environment (all optional):
  BENCH_CALLS=5          how many calls
  BENCH_CALL_TARGET=3    seconds, click to both connected, for the median
"""

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.automatic import environment, start, stop  # noqa: E402
from bench.run import BenchError, free_port, loud, say  # noqa: E402

CALLS = int(os.environ.get("BENCH_CALLS", "5"))
TARGET_SECONDS = float(os.environ.get("BENCH_CALL_TARGET", "3"))
VENV_BIN = Path(sys.executable).parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
]
# Connected, and the other side's video playing.
CONNECTED = (
    "document.getElementById('call-status').dataset.state === 'connected'"
    " && document.getElementById('remote-video').videoWidth > 0"
)


def prepare(env: dict[str, str]) -> tuple[dict, int]:
    """Migrate, load the directory and the catalogue, open a video window with its clerk and one
    resident per call; their logins and the window's id."""
    import io

    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from banshi.accounts.models import User
    from banshi.directory.models import Area, Membership, Window
    from banshi.remote.tests.fixtures import serving_around_the_clock

    quiet = {"verbosity": 0, "stdout": io.StringIO()}
    call_command("migrate", interactive=False, **quiet)
    call_command("collectstatic", interactive=False, **quiet)  # the pages' hashed static files
    call_command("load_directory", **quiet)
    call_command("load_catalog", **quiet)
    window = Window.objects.create(
        name="bench video window", kind=Window.Kind.VIDEO, area=Area.objects.get(code="500103")
    )
    serving_around_the_clock(window)  # the queue takes numbers only while the window serves
    password = uuid.uuid4().hex
    clerk = User.objects.create_user(username="bench-clerk", password=password, display_name="bench clerk")
    Membership.objects.create(user=clerk, role=Membership.Role.CLERK, window=window)
    residents = []
    for number in range(CALLS):
        phone = f"138{number:08d}"
        User.objects.create_user(
            username=phone, phone=phone, password=password, display_name="bench resident"
        )
        residents.append(phone)
    connections.close_all()
    return {"clerk": "bench-clerk", "residents": residents, "password": password}, window.pk


def wait_for_server(base: str, server, log_path: Path) -> None:
    import urllib.request

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"uvicorn exited with {server.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/accounts/login/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"uvicorn did not answer within 30 s:\n{log_path.read_text()[-3000:]}")


def wait_for(page, expression: str, *, every_ms: int = 20, within_s: float = 20) -> None:
    """Until `expression` is true in the page. Polled from here: Playwright's `wait_for_function`
    evaluates its predicate with eval, which the site's Content-Security-Policy forbids."""
    deadline = time.monotonic() + within_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise BenchError(f"not within {within_s} s: {expression}")
        page.wait_for_timeout(every_ms)


def new_page(browser, base: str):
    context = browser.new_context(base_url=base, permissions=["camera", "microphone"])
    context.set_default_timeout(20_000)
    return context.new_page()


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login")
    page.wait_for_selector("#logout")


def one_call(browser, base: str, window_id: int, clerk, resident: str, password: str) -> tuple[float, int]:
    """Seconds from the click to both connected, and the signaling messages the call cost."""
    from banshi.remote.models import CallSession

    home = new_page(browser, base)
    log_in(home, resident, password)
    home.goto(f"/video/windows/{window_id}/queue/")
    home.click("#take-number")
    home.wait_for_selector("#ticket-position")
    clerk.goto("/video/console/")
    wait_for(clerk, "document.getElementById('queue-waiting').textContent.trim() === '1'", every_ms=100)

    started = time.monotonic()
    clerk.click("#call-next")
    # The resident joins the moment their page shows the link (the push over the queue's socket).
    home.click("#join-call")
    wait_for(clerk, CONNECTED)
    wait_for(home, CONNECTED)
    seconds = time.monotonic() - started

    session_id = int(clerk.url.rstrip("/").rsplit("/", 1)[1])
    clerk.select_option("#end-outcome", "served")  # no outcome is chosen for the clerk
    clerk.once("dialog", lambda dialog: dialog.accept())  # ending the call asks first
    clerk.click("#end-call-button")
    clerk.wait_for_selector("#call-status[data-state='ended']")
    home.wait_for_selector("#call-status[data-state='ended']")
    home.context.close()
    # Each socket adds what it relayed when it closes.
    messages, deadline = -1, time.monotonic() + 10
    while time.monotonic() < deadline:
        counted = CallSession.objects.get(pk=session_id).signaling_messages
        if counted and counted == messages:
            break
        messages = counted
        time.sleep(0.3)
    return seconds, messages


def main() -> int:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's event loop and the ORM in one thread
    work_dir = Path(tempfile.mkdtemp(prefix="banshi-bench-call-"))
    data_dir = work_dir / "data"
    data_dir.mkdir()
    env = environment(data_dir)
    env.pop("CHANNEL_REDIS_URL", None)
    server = None
    try:
        say(f"\nvideo calls: uvicorn (HTTP and WebSockets) on SQLite in {data_dir}, {CALLS} calls…")
        logins, window_id = prepare(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start(
            [
                str(VENV_BIN / "uvicorn"),
                "banshi.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--ws",
                "websockets",
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            env,
            work_dir / "server.log",
        )
        wait_for_server(base, server, work_dir / "server.log")

        from playwright.sync_api import sync_playwright

        results = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            clerk = new_page(browser, base)
            log_in(clerk, logins["clerk"], logins["password"])
            for resident in logins["residents"]:
                results.append(one_call(browser, base, window_id, clerk, resident, logins["password"]))
            browser.close()

        seconds = [s for s, _ in results]
        messages = [m for _, m in results]
        median = statistics.median(seconds)
        verdict = "meets" if median <= TARGET_SECONDS else "MISSES"
        say("call next → both connected: " + "  ".join(f"{s:.2f} s" for s in seconds))
        say(
            f"median {median:.2f} s, max {max(seconds):.2f} s over {CALLS} calls "
            f"(target ≤ {TARGET_SECONDS:g} s: {verdict} it)"
        )
        say(
            f"signaling messages relayed per call: {' '.join(map(str, messages))} "
            f"(median {statistics.median(messages):g})"
        )
        out = ROOT / "var" / "bench_call.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(
            json.dumps(
                {
                    "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "server": "uvicorn, in-memory channel layer, SQLite",
                    "seconds": seconds,
                    "median_s": median,
                    "max_s": max(seconds),
                    "target_s": TARGET_SECONDS,
                    "signaling_messages": messages,
                    "signaling_messages_median": statistics.median(messages),
                },
                indent=2,
            )
        )
        say(f"written {out.relative_to(ROOT)}")
        if median > TARGET_SECONDS:
            loud(f"BENCH FAILED: the median call took {median:.2f} s to connect (> {TARGET_SECONDS:g} s)")
            return 1
        return 0
    except Exception as exc:  # noqa: BLE001 (any failure must be loud and leave nothing behind)
        loud(f"BENCH FAILED: {type(exc).__name__}: {exc}")
        if (work_dir / "server.log").exists():
            say(f"--- server.log (tail) ---\n{(work_dir / 'server.log').read_text()[-3000:]}")
        return 1
    finally:
        stop(server)
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
