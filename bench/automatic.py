"""`make bench`, second part: how long an application whose services are all `decide: automatic` takes
from submission to complete, with the task worker running as `make run` runs it: SQLite in a temporary
data directory, granian serving HTTP (1 worker, 4 threads), one `manage.py db_worker`.

It submits newborn applications over HTTP one after the other, polls `GET /api/v1/applications/{id}`
until each is complete, prints every time with the median and the maximum, and writes
var/bench_automatic.json. It exits non-zero when a request fails, an application does not complete, or
the maximum misses the target.

Environment (all optional):
  BENCH_AUTOMATIC_APPLICATIONS=5   how many applications
  BENCH_AUTOMATIC_TARGET=5         seconds, submission to complete, for the slowest one
  BENCH_WORKER_INTERVAL=0.5        the worker's polling interval (`db_worker --interval`; `make run` uses
                                   the same default)
"""

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import BenchError, free_port, http, loud, say, upload_materials  # noqa: E402

APPLICATIONS = int(os.environ.get("BENCH_AUTOMATIC_APPLICATIONS", "5"))
TARGET_SECONDS = float(os.environ.get("BENCH_AUTOMATIC_TARGET", "5"))
WORKER_INTERVAL = os.environ.get("BENCH_WORKER_INTERVAL", "0.5")
POLL_SECONDS = 0.05
GIVE_UP_SECONDS = 60
VENV_BIN = Path(sys.executable).parent


# Outside demo mode, as production: a key, and gateways that keep nothing (the bench sends no text).
PRODUCTION = {
    "SECRET_KEY": uuid.uuid4().hex * 2,
    "NOTIFY_SMS_BACKEND": "bench.backends.Discard",
    "NOTIFY_EMAIL_BACKEND": "bench.backends.Discard",
}


def environment(data_dir: Path) -> dict[str, str]:
    """What the server, the worker and this process share: the embedded default, on a fresh database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "BANSHI_DEMO")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "banshi.settings",
            "BANSHI_DATA_DIR": str(data_dir),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            **PRODUCTION,
        }
    )
    return env


def all_automatic_bundle(directory: Path) -> Path:
    """The newborn bundle with every service decided by the rule."""
    import yaml

    from banshi.catalog.loader import BUNDLES_DIR

    definition = yaml.safe_load((BUNDLES_DIR / "newborn.yaml").read_text(encoding="utf-8"))
    for service in definition["services"].values():
        service["decide"] = "automatic"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "newborn.yaml").write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
    return directory


def prepare(env: dict[str, str], bundles: Path) -> str:
    """Migrate, load the directory and the all-automatic bundle, create a resident; their token."""
    import io

    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from banshi.accounts.models import User
    from banshi.accounts.services import api_token_issue
    from banshi.catalog.services import catalog_load

    quiet = {"verbosity": 0, "stdout": io.StringIO()}
    call_command("migrate", interactive=False, **quiet)
    call_command("load_directory", **quiet)
    catalog_load(directory=bundles)
    resident = User.objects.create_user(
        username="13800000001", phone="13800000001", password=uuid.uuid4().hex, display_name="bench resident"
    )
    token, _ = api_token_issue(user=resident)
    connections.close_all()
    return token


def start(command: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen:
    log = open(log_path, "wb")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    process.log = log  # type: ignore[attr-defined]
    return process


def stop(process: subprocess.Popen | None) -> None:
    if process is None:
        return
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the group of the process started above, and only that
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    process.log.close()  # type: ignore[attr-defined]


def wait_for_server(base: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"granian exited with {server.returncode}:\n{log_path.read_text()[-3000:]}")
        status, _ = http_quietly("GET", f"{base}/api/v1/bundles")
        if status == 200:
            return
        time.sleep(0.2)
    raise BenchError(f"granian did not answer within 30 s:\n{log_path.read_text()[-3000:]}")


def http_quietly(method: str, url: str, **kwargs) -> tuple[int, bytes]:
    try:
        return http(method, url, **kwargs)
    except OSError:
        return 0, b""


def one_application(base: str, token: str, body: bytes) -> float:
    """Seconds from sending the submission to reading `complete`."""
    headers = {"Authorization": f"Bearer {token}"}
    started = time.monotonic()
    status, content = http(
        "POST",
        f"{base}/api/v1/applications",
        data=body,
        headers={**headers, "Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex},
    )
    if status != 201:
        raise BenchError(f"a submission answered {status}: {content[:1000]!r}")
    application_id = json.loads(content)["id"]
    while time.monotonic() - started < GIVE_UP_SECONDS:
        status, content = http("GET", f"{base}/api/v1/applications/{application_id}", headers=headers)
        if status != 200:
            raise BenchError(f"reading application {application_id} answered {status}: {content[:500]!r}")
        state = json.loads(content)
        if state["status"] == "complete":
            return time.monotonic() - started
        if state["status"] != "in_progress":
            raise BenchError(f"application {application_id} ended {state['status']}, not complete")
        time.sleep(POLL_SECONDS)
    tasks = {t["service"]: t["status"] for t in state["tasks"]}
    raise BenchError(f"application {application_id} was not complete after {GIVE_UP_SECONDS} s: {tasks}")


def main() -> int:
    work_dir = Path(tempfile.mkdtemp(prefix="banshi-bench-automatic-"))
    data_dir = work_dir / "data"
    data_dir.mkdir()
    env = environment(data_dir)
    server = worker = None
    try:
        say(f"\nautomatic decisions: SQLite in {data_dir}, one db_worker (--interval {WORKER_INTERVAL} s)…")
        token = prepare(env, all_automatic_bundle(work_dir / "bundles"))
        worker = start(
            [
                str(VENV_BIN / "python"),
                "manage.py",
                "db_worker",
                "--interval",
                WORKER_INTERVAL,
                "--no-startup-delay",
            ],
            env,
            work_dir / "worker.log",
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start(
            [
                str(VENV_BIN / "granian"),
                "--interface",
                "wsgi",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "1",
                "--blocking-threads",
                "4",
                "--no-access-log",
                "--log-level",
                "warning",
                "banshi.wsgi:application",
            ],
            env,
            work_dir / "server.log",
        )
        wait_for_server(base, server, work_dir / "server.log")
        if worker.poll() is not None:
            raise BenchError(f"the worker exited with {worker.returncode}")

        from bench.run import submission_body

        body = submission_body(upload_materials(base, token))
        seconds = [one_application(base, token, body) for _ in range(APPLICATIONS)]

        median, worst = statistics.median(seconds), max(seconds)
        verdict = "meets" if worst <= TARGET_SECONDS else "MISSES"
        say("submission → complete, all services automatic: " + "  ".join(f"{s:.2f} s" for s in seconds))
        say(
            f"median {median:.2f} s, max {worst:.2f} s over {APPLICATIONS} applications "
            f"(target ≤ {TARGET_SECONDS:g} s: {verdict} it)"
        )
        out = ROOT / "var" / "bench_automatic.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(
            json.dumps(
                {
                    "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "database": "sqlite",
                    "worker_interval_s": float(WORKER_INTERVAL),
                    "seconds": seconds,
                    "median_s": median,
                    "max_s": worst,
                    "target_s": TARGET_SECONDS,
                },
                indent=2,
            )
        )
        say(f"written {out.relative_to(ROOT)}")
        if worst > TARGET_SECONDS:
            loud(
                f"BENCH FAILED: the slowest automatic application took {worst:.2f} s (> {TARGET_SECONDS:g} s)"
            )
            return 1
        return 0
    except Exception as exc:  # noqa: BLE001 (any failure must be loud and leave nothing behind)
        loud(f"BENCH FAILED: {type(exc).__name__}: {exc}")
        for name in ("worker.log", "server.log"):
            if (work_dir / name).exists():
                say(f"--- {name} (tail) ---\n{(work_dir / name).read_text()[-3000:]}")
        return 1
    finally:
        stop(server)
        stop(worker)
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
