"""`make bench`, the open numbers: the public dashboard (`GET /numbers/`, this month, last month and this
year) and one download (`GET /api/v1/numbers/applications.csv`, this year) with BENCH_STATS_APPLICATIONS
applications and BENCH_STATS_PROBLEMS problem reports in PostgreSQL, filled by
`manage.py generate_applications` and `manage.py generate_problems`, then rolled up by
`manage.py refresh_numbers` and `manage.py problem_stats --refresh` (as the worker does).

Each URL is requested in this process through Django's test client (no HTTP server), a few times to warm
up and then BENCH_STATS_REQUESTS times; the table gives the cold request's time, p50, p99 and the
maximum, and the SQL queries of the cold and of a warm request. The target is p99 under
BENCH_STATS_TARGET_MS (200); a few downloads are also measured with the cache emptied before each
request, for information. It writes var/bench_stats.json and exits non-zero when a request fails,
PostgreSQL is unreachable, or a target is missed.

The database is kept afterwards (filling it takes minutes): a later run tops it up to the counts. It is
never the `test` database.

Environment (all optional):
  BENCH_STATS_APPLICATIONS=1000000   applications in the database
  BENCH_STATS_PROBLEMS=1000000       problem reports in the database
  BENCH_STATS_REQUESTS=30            measured requests per URL
  BENCH_STATS_TARGET_MS=200          p99 target
  BENCH_STATS_DB=bench_stats         the database (created when missing)
  BENCH_STATS_HOST=127.0.0.1         PostgreSQL's host (user root, trust authentication)
  BENCH_STATS_DROP=1                 drop the database at the end
  BENCH_STATS_RECOUNT=1              count every day again even when nothing was generated
"""

import json
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import database_drop, database_ensure, django_setup, loud, measure, say  # noqa: E402

APPLICATIONS = int(os.environ.get("BENCH_STATS_APPLICATIONS", "1000000"))
PROBLEMS = int(os.environ.get("BENCH_STATS_PROBLEMS", "1000000"))
REQUESTS = int(os.environ.get("BENCH_STATS_REQUESTS", "30"))
TARGET_MS = float(os.environ.get("BENCH_STATS_TARGET_MS", "200"))
DB_NAME = os.environ.get("BENCH_STATS_DB", "bench_stats")
HOST = os.environ.get("BENCH_STATS_HOST", "127.0.0.1")
ADMIN_DSN = f"dbname=postgres host={HOST} user=root"
DATABASE_URL = f"postgres://root@{HOST}:5432/{DB_NAME}"
DROP = os.environ.get("BENCH_STATS_DROP", "") not in ("", "0")
RECOUNT = os.environ.get("BENCH_STATS_RECOUNT", "") not in ("", "0")
WARM_UP = 3


def prepare() -> tuple[int, int]:
    """Migrate, load the directory and the catalogue, top the tables up, roll up; the counts."""
    import io

    from django.core.management import call_command
    from django.db import connection

    from banshi.cases.models import Application
    from banshi.problems.models import Report

    quiet = {"verbosity": 0, "stdout": io.StringIO()}
    call_command("migrate", interactive=False, **quiet)
    call_command("collectstatic", interactive=False, **quiet)
    call_command("load_directory", **quiet)
    call_command("load_catalog", **quiet)
    filled = False
    have = Application.objects.count()
    if have < APPLICATIONS:
        say(f"generating {APPLICATIONS - have} applications (have {have})…")
        started = time.monotonic()
        call_command("generate_applications", count=APPLICATIONS - have, seed=have + 1, stdout=io.StringIO())
        say(f"generated in {time.monotonic() - started:.0f} s")
        filled = True
    have = Report.objects.count()
    if have < PROBLEMS:
        say(f"generating {PROBLEMS - have} problem reports (have {have})…")
        started = time.monotonic()
        call_command("generate_problems", count=PROBLEMS - have, seed=have + 1, stdout=io.StringIO())
        say(f"generated in {time.monotonic() - started:.0f} s")
        filled = True
    if filled:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # After filling, every day is counted again (as after a restore: the days an earlier, smaller run
    # rolled up are stale); otherwise the worker's round. Then the last 30 days are checked.
    from django.utils import timezone

    from banshi.stats.rollup import SOURCES, first_fact_day, rollup_check, rollup_refresh, rollup_sweep

    first, yesterday = first_fact_day(), timezone.localdate() - timedelta(days=1)
    if not filled:
        started = time.monotonic()
        rollup_sweep()
        say(f"the worker's round in {time.monotonic() - started:.0f} s")
    if first is not None and first <= yesterday:
        if filled or RECOUNT:
            started = time.monotonic()
            for source in SOURCES:
                rollup_refresh(source=source, first=first, last=yesterday)
            say(f"rolled up {first} to {yesterday} in {time.monotonic() - started:.0f} s")
        started = time.monotonic()
        checked = yesterday - timedelta(days=30)
        differences = rollup_check(first=checked, last=yesterday)
        say(
            f"roll-up equals the live count from {checked} to {yesterday}: {not differences} "
            f"({time.monotonic() - started:.0f} s)"
        )
        if differences:
            raise SystemExit(f"{len(differences)} cells of the roll-up differ from the live count")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE stats_dailycount")
    # The problems' own daily roll-up, which the problems section reads, as the worker's sweep brings it
    # up to date (the first time: every day since the first report).
    started = time.monotonic()
    call_command("problem_stats", refresh=True, **quiet)
    say(f"the problems' roll-up brought up to date in {time.monotonic() - started:.0f} s")
    from banshi.stats.figures.problems import numbers_warm

    started = time.monotonic()
    numbers_warm(today=timezone.localdate())
    say(f"the counter's fixed part counted in {time.monotonic() - started:.1f} s (as the worker does)")
    return Application.objects.count(), Report.objects.count()


def urls() -> list[tuple[str, str]]:
    from django.utils import timezone

    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    return [
        ("dashboard, this month", "/numbers/"),
        ("dashboard, last month", f"/numbers/?month={last_month}"),
        ("dashboard, this year", f"/numbers/?year={today.year}"),
        ("dashboard, a district", "/numbers/?area=500103"),
        ("download, csv this year", f"/api/v1/numbers/applications.csv?year={today.year}"),
    ]


# Measured with the cache emptied before each request, for information (the target is the pages' and the
# download's as served, through the cache): the roll-up's own cost, read for a year, plus today's live
# count, which scans the cases' tables by their moments (they have no index on them).
UNCACHED = [
    ("download, year, uncached", "/api/v1/numbers/applications.csv?year={year}"),
    ("download, district, uncached", "/api/v1/numbers/video-calls.json?year={year}&area=500103"),
    ("download, 5 years, uncached", "/api/v1/numbers/late-tasks.xlsx?from={five}&to={today}"),
]


def main() -> int:
    import psycopg

    try:
        database_ensure(DB_NAME, ADMIN_DSN, variable="BENCH_STATS_DB")
    except psycopg.OperationalError as exc:
        loud(f"PostgreSQL is unreachable ({exc}); the open numbers' benchmark needs it")
        return 2
    data_dir = Path(tempfile.mkdtemp(prefix="banshi-bench-stats-"))
    django_setup(data_dir, DATABASE_URL)
    from django.test import Client

    try:
        applications, reports = prepare()
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        results = {}
        say(
            f"\n{applications} applications and {reports} problem reports in {DB_NAME}; "
            f"{REQUESTS} requests per URL after {WARM_UP} to warm up\n"
        )
        header = f"{'endpoint':28} {'queries':>9} {'cold ms':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
        say(f"{header}  target")
        missed = []
        from django.utils import timezone

        today = timezone.localdate()
        values = {
            "year": today.year,
            "today": today.isoformat(),
            "five": (today - timedelta(days=366 * 5 - 1)).isoformat(),
        }
        measured = [(name, url, False) for name, url in urls()]
        measured += [(name, url.format(**values), True) for name, url in UNCACHED]
        for name, url, uncached in measured:
            result = measure(client, url, requests=REQUESTS, warm_up=WARM_UP, uncached=uncached)
            results[name] = {"url": url, "uncached": uncached, **result}
            ok = result["p99_ms"] < TARGET_MS
            if not ok and not uncached:
                missed.append(name)
            say(
                f"{name:28} {result['queries_cold']:>4}/{result['queries']:<4} {result['cold_ms']:>8.1f} "
                f"{result['p50_ms']:>8.1f} {result['p99_ms']:>8.1f} "
                f"{result['max_ms']:>8.1f}  "
                + ("(information)" if uncached else f"{'ok' if ok else 'MISSED'} (< {TARGET_MS:.0f})")
            )
        out = ROOT / "var" / "bench_stats.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(
            json.dumps(
                {
                    "applications": applications,
                    "reports": reports,
                    "target_ms": TARGET_MS,
                    "results": results,
                },
                indent=2,
            )
        )
        say(f"\nwritten to {out}")
        if missed:
            loud(f"p99 target of {TARGET_MS:.0f} ms missed: {', '.join(missed)}")
            return 1
        return 0
    finally:
        if DROP:
            database_drop(DB_NAME, ADMIN_DSN)


if __name__ == "__main__":
    sys.exit(main())
