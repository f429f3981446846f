"""`make bench`: newborn submissions over HTTP against a granian WSGI server on PostgreSQL, beside a trivial
one-row insert endpoint measured in the same run, and the queries a submission and a queue page take.

A benchmark, not a test: it prints a table and writes var/bench.json. It exits non-zero when a request
failed, when PostgreSQL is unreachable, or when a target is missed (ratio < 0.25, query counts growing).

Environment (all optional):
  BENCH_SECONDS=10          duration of each wrk run
  BENCH_CONNECTIONS=32      wrk connections
  BENCH_WRK_THREADS=2       wrk threads
  BENCH_WORKERS=2           granian worker processes
  BENCH_BLOCKING_THREADS=16 granian blocking threads (= concurrent requests = PostgreSQL connections) per
                            worker; granian's own default (256) with persistent connections can exhaust
                            PostgreSQL's max_connections
  BENCH_ROUNDS=1            alternate insert/submission runs this many times (the machine is shared: noise)
  BENCH_WSGI_APP=banshi.wsgi:application   the WSGI target served (to try a variant; PYTHONPATH is honoured)
  BENCH_ADMIN_DSN="dbname=test host=/var/run/postgresql"   where to CREATE/DROP the bench database
  BENCH_DB=banshi_bench     the bench database (dropped and re-created; dropped at the end)
  BENCH_DATABASE_URL="postgres:///banshi_bench?host=/var/run/postgresql"   how the server reaches it
  BENCH_KEEP_DB=1           keep the bench database afterwards (for profiling)
"""

import json
import os
import re
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

TARGET_RATIO = 0.25
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS", "2"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
BLOCKING_THREADS = os.environ.get("BENCH_BLOCKING_THREADS", "16")
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", "1")))
WSGI_APP = os.environ.get("BENCH_WSGI_APP", "banshi.wsgi:application")
ADMIN_DSN = os.environ.get("BENCH_ADMIN_DSN", "dbname=test host=/var/run/postgresql")
DB_NAME = os.environ.get("BENCH_DB", "banshi_bench")
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", f"postgres:///{DB_NAME}?host=/var/run/postgresql")
KEEP_DB = os.environ.get("BENCH_KEEP_DB", "") not in ("", "0")
VENV_BIN = Path(sys.executable).parent
SMALL_TABLE_APPLICATIONS = 10

RESULT_MARK = "BENCH_RESULT "
LUA = r"""
local f = assert(io.open("%(body)s", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
%(auth)s

-- every answer must be 201 Created; each thread counts the others, done() adds them up
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function(args) unexpected = 0 end
response = function(status, headers, body)
  if status ~= 201 then unexpected = unexpected + 1 end
end

done = function(summary, latency, requests)
  local e = summary.errors
  local unexpected_total = 0
  for _, thread in ipairs(threads) do
    unexpected_total = unexpected_total + (thread:get("unexpected") or 0)
  end
  io.write(string.format(
    '%(mark)s{"requests":%%d,"duration_us":%%d,"connect":%%d,"read":%%d,"write":%%d,"status":%%d,' ..
    '"timeout":%%d,"not_201":%%d,"p50_us":%%d,"p90_us":%%d,"p99_us":%%d,"max_us":%%d,"mean_us":%%.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, unexpected_total,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
"""


class BenchError(Exception):
    pass


def say(message: str = "") -> None:
    print(message, flush=True)


def loud(message: str) -> None:
    bar = "!" * 78
    say(f"\n{bar}\n!! {message}\n{bar}")


# --- PostgreSQL ------------------------------------------------------------------------------------------


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def create_database() -> None:
    import psycopg

    try:
        admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        admin(f'CREATE DATABASE "{DB_NAME}"')
    except psycopg.OperationalError as exc:
        raise BenchError(
            f"PostgreSQL is not reachable with {ADMIN_DSN!r} ({str(exc).strip()}).\n"
            "The benchmark needs a running PostgreSQL (trust authentication); "
            "set BENCH_ADMIN_DSN to point at it."
        ) from None


def drop_database() -> None:
    from django.db import connections

    connections.close_all()
    admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


# --- Django, in this process -----------------------------------------------------------------------------


def django_setup(data_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["BANSHI_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Outside demo mode, as production; persistent connections, as production's WSGI server keeps them.
    os.environ.update(
        {
            "SECRET_KEY": uuid.uuid4().hex * 2,
            "NOTIFY_SMS_BACKEND": "bench.backends.Discard",
            "NOTIFY_EMAIL_BACKEND": "bench.backends.Discard",
            "DATABASE_CONN_MAX_AGE": "600",
        }
    )
    os.environ.pop("BANSHI_DEMO", None)
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    django.setup()


def prepare_data() -> dict:
    """Migrate, load the directory and catalogue, create a resident and an officer with tokens."""
    import io

    from django.core.management import call_command

    from banshi.accounts.models import User
    from banshi.accounts.services import api_token_issue
    from banshi.directory.models import Agency, Membership

    quiet = {"verbosity": 0, "stdout": io.StringIO()}
    call_command("migrate", interactive=False, **quiet)
    call_command("load_directory", **quiet)
    call_command("load_catalog", **quiet)
    resident = User.objects.create_user(
        username="13800000001", phone="13800000001", password=uuid.uuid4().hex, display_name="bench resident"
    )
    officer = User.objects.create_user(
        username="bench-health", password=uuid.uuid4().hex, display_name="officer"
    )
    Membership.objects.create(
        user=officer, role=Membership.Role.OFFICER, agency=Agency.objects.get(code="health_commission")
    )
    resident_token, _ = api_token_issue(user=resident)
    officer_token, _ = api_token_issue(user=officer)
    return {"resident_token": resident_token, "officer_token": officer_token}


def count_rows() -> dict:
    from banshi.cases.models import Application
    from bench.models import Insert

    return {"applications": Application.objects.count(), "inserts": Insert.objects.count()}


def queries_of(call) -> tuple[int, list[str], object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured.captured_queries), [q["sql"] for q in captured.captured_queries], result


def measure_queries(tokens: dict, body: bytes) -> dict:
    """Queries of one submission and of one officer queue page, through the full Django stack."""
    from django.test import Client

    client = Client()
    resident = {"Authorization": f"Bearer {tokens['resident_token']}"}
    officer = {"Authorization": f"Bearer {tokens['officer_token']}"}

    def submit():
        response = client.post(
            "/api/v1/applications", body, content_type="application/json", headers=resident
        )
        if response.status_code != 201:
            raise BenchError(
                f"in-process submission answered {response.status_code}: {response.content[:500]!r}"
            )
        return response

    def queue():
        response = client.get("/api/v1/tasks", {"status": "ready"}, headers=officer)
        if response.status_code != 200:
            raise BenchError(f"queue page answered {response.status_code}: {response.content[:500]!r}")
        return response

    submissions, submission_sql, _ = queries_of(submit)
    queue_queries, queue_sql, response = queries_of(queue)
    return {
        "applications": count_rows()["applications"],
        "submission": submissions,
        "queue_page": queue_queries,
        "queue_rows": len(response.json()),
        "submission_sql": submission_sql,
        "queue_sql": queue_sql,
    }


def fill(tokens: dict, body: bytes, count: int) -> None:
    from django.test import Client

    client = Client()
    headers = {"Authorization": f"Bearer {tokens['resident_token']}"}
    for _ in range(count):
        response = client.post("/api/v1/applications", body, content_type="application/json", headers=headers)
        if response.status_code != 201:
            raise BenchError(
                f"in-process submission answered {response.status_code}: {response.content[:500]!r}"
            )


# --- the server ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, log_path: Path) -> subprocess.Popen:
    command = [
        str(VENV_BIN / "granian"),
        "--interface",
        "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(WORKERS),
        "--no-access-log",
        "--log-level",
        "warning",
        "--working-dir",
        str(ROOT),
    ]
    if BLOCKING_THREADS:
        command += ["--blocking-threads", BLOCKING_THREADS]
    command.append(WSGI_APP)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    log = open(log_path, "wb")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    process.log = log  # type: ignore[attr-defined]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"granian exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/bundles", timeout=2) as response:
                if response.status == 200:
                    return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise BenchError(f"granian did not answer within 30 s:\n{log_path.read_text()[-3000:]}")


def stop_server(process: subprocess.Popen | None) -> None:
    if process is None:
        return
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the group of the server started above, and only that
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    process.log.close()  # type: ignore[attr-defined]


def http(
    method: str, url: str, *, data: bytes | None = None, headers: dict | None = None
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def upload_materials(base: str, token: str) -> dict[str, int]:
    """Upload one PNG per material the default answers need, once, over HTTP."""
    from banshi.conftest import NEWBORN_MATERIALS, png_bytes

    colors = ["red", "green", "blue", "yellow", "white", "black", "purple", "orange"]
    ids = {}
    for key, color in zip(NEWBORN_MATERIALS, colors, strict=False):
        boundary = uuid.uuid4().hex
        payload = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{key}.png"\r\n'
                "Content-Type: image/png\r\n\r\n"
            ).encode()
            + png_bytes(color)
            + f"\r\n--{boundary}--\r\n".encode()
        )
        status, content = http(
            "POST",
            f"{base}/api/v1/uploads",
            data=payload,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
        )
        if status != 201:
            raise BenchError(f"upload of {key} answered {status}: {content[:500]!r}")
        ids[key] = json.loads(content)["id"]
    return ids


def submission_body(uploads: dict[str, int]) -> bytes:
    from banshi.conftest import ANSWERS, newborn_values

    return json.dumps(
        {"bundle": "newborn", "answers": ANSWERS, "fields": newborn_values(), "materials": uploads},
        ensure_ascii=False,
    ).encode()


# --- load ------------------------------------------------------------------------------------------------


def wrk(url: str, body_path: Path, token: str | None, work_dir: Path, name: str, seconds: int) -> dict:
    auth = f'wrk.headers["Authorization"] = "Bearer {token}"' if token else ""
    script = work_dir / f"{name}.lua"
    script.write_text(LUA % {"body": body_path, "auth": auth, "mark": RESULT_MARK})
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock_waits = sample_lock_waits(process)
    stdout, stderr = process.communicate(timeout=seconds + 60)
    if process.returncode != 0:
        raise BenchError(f"wrk failed ({process.returncode}):\n{stdout}\n{stderr}")
    line = next((ln for ln in stdout.splitlines() if ln.startswith(RESULT_MARK)), None)
    if line is None:
        raise BenchError(f"wrk printed no result:\n{stdout}\n{stderr}")
    result = json.loads(line[len(RESULT_MARK) :])
    result["lock_waits"] = lock_waits
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", stdout)
    result["non_2xx"] = max(result["status"], int(non2xx.group(1)) if non2xx else 0, result["not_201"])
    result["socket_errors"] = result["connect"] + result["read"] + result["write"] + result["timeout"]
    result["requests_per_s"] = result["requests"] / (result["duration_us"] / 1e6)
    result["raw"] = stdout
    return result


LOCK_SQL = """
SELECT count(*), left(query, 120) FROM pg_stat_activity
WHERE datname = %s AND wait_event_type = 'Lock' GROUP BY 2 ORDER BY 1 DESC LIMIT 1
"""


def sample_lock_waits(process: subprocess.Popen) -> dict:
    """While wrk runs, how many server backends wait for a lock, and on which statement: a submission
    serialised on one row shows up here."""
    import psycopg

    samples, worst, statement = 0, 0, ""
    total = 0
    try:
        with psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=5) as conn:
            while process.poll() is None:
                time.sleep(0.5)
                row = conn.execute(LOCK_SQL, [DB_NAME]).fetchone()
                samples += 1
                waiting = row[0] if row else 0
                total += waiting
                if waiting > worst:
                    worst, statement = waiting, row[1]
    except psycopg.Error:
        pass
    return {
        "max_waiting": worst,
        "mean_waiting": round(total / samples, 1) if samples else 0,
        "statement": statement,
    }


def drain(timeout: float = 60) -> None:
    """Wait until the server has finished the requests still queued when wrk stopped, so that they
    neither count as created by the next run nor load the server while it is measured."""
    deadline = time.monotonic() + timeout
    last = count_rows()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = count_rows()
        if now == last:
            return
        last = now


def run_endpoint(name, url, body_path, token, work_dir, created_key) -> dict:
    drain()
    before = count_rows()[created_key]
    result = wrk(url, body_path, token, work_dir, name, SECONDS)
    drain()
    created = count_rows()[created_key] - before
    # Answers other than 201 are counted by the Lua hook; as a cross-check every 201 creates one row, so
    # fewer rows than requests means some answers were not 201. (A few more rows than requests are the
    # requests still in flight when wrk stopped.)
    result["rows_created"] = created
    result["missing_rows"] = max(0, result["requests"] - created)
    result["errors"] = result["non_2xx"] + result["socket_errors"] + result["missing_rows"]
    return result


def combine(runs: list[dict]) -> dict:
    """Several rounds of one endpoint: summed counts, the rate over the summed time, the median p50 and
    the worst p99."""
    if len(runs) == 1:
        return runs[0]
    summed = {
        key: sum(r[key] for r in runs)
        for key in (
            "requests",
            "duration_us",
            "non_2xx",
            "socket_errors",
            "rows_created",
            "missing_rows",
            "errors",
        )
    }
    p50s = sorted(r["p50_us"] for r in runs)
    return {
        **summed,
        "requests_per_s": summed["requests"] / (summed["duration_us"] / 1e6),
        "p50_us": p50s[len(p50s) // 2],
        "p99_us": max(r["p99_us"] for r in runs),
        "lock_waits": max((r["lock_waits"] for r in runs), key=lambda w: w["max_waiting"]),
        "rounds": [{k: v for k, v in r.items() if k != "raw"} for r in runs],
        "raw": "\n".join(r["raw"] for r in runs),
    }


# --- report ----------------------------------------------------------------------------------------------


def ms(microseconds: float) -> str:
    return f"{microseconds / 1000:.1f} ms"


def row(*cells) -> str:
    name, rate, p50, p99, errors, *rest = cells
    return f"{name:<28} {rate:>10} {p50:>10} {p99:>10} {errors:>7}" + "".join(f"  {c}" for c in rest)


def shape(sql: str) -> str:
    """A query without its literals, so that the same statement with other values compares equal."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql)
    return re.sub(r'"s\d+_x\d+"', '"savepoint"', sql)


def differing(before: list[str], after: list[str]) -> list[str]:
    from collections import Counter

    a, b = Counter(map(shape, before)), Counter(map(shape, after))
    return [f"{a[q]} -> {b[q]}x  {q[:160]}" for q in sorted(set(a) | set(b)) if a[q] != b[q]]


def report(results: dict, queries: list[dict], ratio: float) -> list[str]:
    problems = []
    say()
    say(row("endpoint", "requests/s", "p50", "p99", "errors", "(rows created / requests)"))
    for name, r in results.items():
        rate, p50, p99 = f"{r['requests_per_s']:.1f}", ms(r["p50_us"]), ms(r["p99_us"])
        say(row(name, rate, p50, p99, r["errors"], f"({r['rows_created']} / {r['requests']})"))
        for i, one in enumerate(r.get("rounds", [])):
            say(
                row(
                    f"  round {i + 1}",
                    f"{one['requests_per_s']:.1f}",
                    ms(one["p50_us"]),
                    ms(one["p99_us"]),
                    "",
                )
            )
        if r["errors"]:
            problems.append(
                f"{name}: {r['errors']} errors ({r['non_2xx']} answers other than 201, "
                f"{r['socket_errors']} socket errors, {r['missing_rows']} requests without a row)"
            )
    say()
    for name, r in results.items():
        w = r["lock_waits"]
        if w["max_waiting"]:
            say(f"lock waits during {name}: up to {w['max_waiting']} backends (mean {w['mean_waiting']})")
            say(f"    on: {w['statement']}")
    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
    say()
    say(f"ratio submissions/s ÷ inserts/s = {ratio:.3f}   (target ≥ {TARGET_RATIO}: {verdict} it)")
    if ratio < TARGET_RATIO:
        problems.append(f"the ratio {ratio:.3f} is below the target {TARGET_RATIO}")
    say()
    say(f"{'queries':<28} " + " ".join(f"{q['applications']:>8} apps" for q in queries) + "   constant?")
    for key, label in (("submission", "one submission"), ("queue_page", "one queue page (ready)")):
        counts = [q[key] for q in queries]
        constant = len(set(counts)) == 1
        say(f"{label:<28} " + " ".join(f"{c:>13}" for c in counts) + f"   {'yes' if constant else 'NO'}")
        for q in queries:
            q[f"{key}_constant"] = constant
        if not constant:
            problems.append(f"{label}: {counts} queries as the tables grow")
            say("    queries that differ (count at few rows -> at many rows):")
            for line in differing(queries[0][key + "_sql"], queries[-1][key + "_sql"]):
                say(f"      {line}")
    say(f"{'(queue page rows)':<28} " + " ".join(f"{q['queue_rows']:>13}" for q in queries))
    return problems


def main() -> int:
    if shutil.which("wrk") is None:
        say("wrk is not installed; as root: apt-get install -y wrk (`make bench` does it when run as root).")
        return 2
    work_dir = Path(tempfile.mkdtemp(prefix="banshi-bench-"))
    data_dir = work_dir / "data"
    data_dir.mkdir()
    server = None
    created = False
    try:
        try:
            create_database()
        except BenchError as exc:
            loud(str(exc))
            return 2
        created = True
        django_setup(data_dir)
        say(f"bench database {DB_NAME}: migrating and loading the catalogue…")
        tokens = prepare_data()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        say(
            f"granian WSGI on {base}, {WORKERS} workers x {BLOCKING_THREADS or 'default'} threads; "
            f"wrk {WRK_THREADS} threads, {CONNECTIONS} connections, {SECONDS} s x {ROUNDS} round(s)"
        )
        server = start_server(port, work_dir / "server.log")
        uploads = upload_materials(base, tokens["resident_token"])
        body = submission_body(uploads)
        body_path = work_dir / "submission.json"
        body_path.write_bytes(body)
        empty_path = work_dir / "empty.json"
        empty_path.write_bytes(b"{}")

        status, content = http(
            "POST",
            f"{base}/api/v1/applications",
            data=body,
            headers={
                "Authorization": f"Bearer {tokens['resident_token']}",
                "Content-Type": "application/json",
            },
        )
        if status != 201:
            raise BenchError(f"a submission over HTTP answered {status}: {content[:1000]!r}")
        fill(tokens, body, SMALL_TABLE_APPLICATIONS - 2)
        queries = [measure_queries(tokens, body)]

        warm = max(1, min(3, SECONDS // 5))
        wrk(f"{base}/bench/insert", empty_path, None, work_dir, "warm-insert", warm)
        wrk(f"{base}/api/v1/applications", body_path, tokens["resident_token"], work_dir, "warm-submit", warm)

        endpoints = {
            "POST /bench/insert": ("insert", f"{base}/bench/insert", empty_path, None, "inserts"),
            "POST /api/v1/applications": (
                "submit",
                f"{base}/api/v1/applications",
                body_path,
                tokens["resident_token"],
                "applications",
            ),
        }
        rounds: dict[str, list[dict]] = {name: [] for name in endpoints}
        for number in range(ROUNDS):
            order = list(endpoints) if number % 2 == 0 else list(reversed(endpoints))
            for name in order:
                short, url, path, token, key = endpoints[name]
                rounds[name].append(run_endpoint(short, url, path, token, work_dir, key))
        results = {name: combine(runs) for name, runs in rounds.items()}
        drain()
        queries.append(measure_queries(tokens, body))
        ratio = (
            results["POST /api/v1/applications"]["requests_per_s"]
            / results["POST /bench/insert"]["requests_per_s"]
        )
        problems = report(results, queries, ratio)

        out = ROOT / "var" / "bench.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(
            json.dumps(
                {
                    "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "settings": {
                        "seconds": SECONDS,
                        "connections": CONNECTIONS,
                        "wrk_threads": WRK_THREADS,
                        "workers": WORKERS,
                        "blocking_threads": BLOCKING_THREADS or None,
                        "rounds": ROUNDS,
                        "database": "postgresql",
                        "wsgi_app": WSGI_APP,
                        "cpus": os.cpu_count(),
                    },
                    "endpoints": {
                        name: {k: v for k, v in r.items() if k != "raw"} for name, r in results.items()
                    },
                    "ratio": ratio,
                    "target_ratio": TARGET_RATIO,
                    "queries": [{k: v for k, v in q.items() if not k.endswith("_sql")} for q in queries],
                    "queries_constant": all(
                        q["submission_constant"] and q["queue_page_constant"] for q in queries
                    ),
                    "problems": problems,
                },
                indent=2,
            )
        )
        say(f"\nwritten {out.relative_to(ROOT)}")
        if problems:
            loud("BENCH FAILED: " + "; ".join(problems))
            if any(r["errors"] for r in results.values()):
                for name, r in results.items():
                    say(f"\n--- wrk output for {name} ---\n{r['raw']}")
                say(f"\n--- server log (tail) ---\n{(work_dir / 'server.log').read_text()[-3000:]}")
            return 1
        return 0
    except Exception as exc:  # noqa: BLE001 (any failure must be loud and leave nothing behind)
        loud(f"BENCH FAILED: {type(exc).__name__}: {exc}")
        if (work_dir / "server.log").exists():
            say(f"--- server log (tail) ---\n{(work_dir / 'server.log').read_text()[-3000:]}")
        return 1
    finally:
        stop_server(server)
        if created and not KEEP_DB:
            drop_database()
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
