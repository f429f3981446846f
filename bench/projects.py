"""`make bench`, the register of livelihood projects: the public register (`GET /projects/`, without and
with filters, a later page, a search by name), its map pins and the JSON API's list, and a project's page
(a parent of 99 children, and a child), with BENCH_PROJECTS_COUNT projects (100,000 by default) in
PostgreSQL, filled by `manage.py generate_projects`.

Each URL is requested in this process through Django's test client (no HTTP server: the latency is the
application's and the database's), a few times to warm up and then BENCH_PROJECTS_REQUESTS times one
after another; the table gives the first (cold) request's time, then p50, p99 and the maximum of the
others, and the SQL queries of the cold and of a warm request: they do not grow with the data. The
target is p99 under BENCH_PROJECTS_TARGET_MS (200) for each. It writes var/bench_projects.json and
exits non-zero when a request fails, when PostgreSQL is unreachable, or when a target is missed.

The bench database is kept afterwards: a later run tops it up to the count and measures again. It is
never the `test` database.

Environment (all optional):
  BENCH_PROJECTS_COUNT=100000   projects in the database
  BENCH_PROJECTS_REQUESTS=30     measured requests per URL
  BENCH_PROJECTS_TARGET_MS=200   p99 target
  BENCH_PROJECTS_DB=bench_projects   the database (created when missing)
  BENCH_PROJECTS_ADMIN_DSN="dbname=postgres host=/var/run/postgresql"   where to CREATE it
  BENCH_PROJECTS_HOST=/var/run/postgresql   the host the benchmark connects to
  BENCH_PROJECTS_DROP=1          drop the database at the end
"""

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import database_drop, database_ensure, django_setup, loud, measure, say  # noqa: E402

COUNT = int(os.environ.get("BENCH_PROJECTS_COUNT", "100000"))
REQUESTS = int(os.environ.get("BENCH_PROJECTS_REQUESTS", "30"))
TARGET_MS = float(os.environ.get("BENCH_PROJECTS_TARGET_MS", "200"))
DB_NAME = os.environ.get("BENCH_PROJECTS_DB", "bench_projects")
ADMIN_DSN = os.environ.get("BENCH_PROJECTS_ADMIN_DSN", "dbname=postgres host=/var/run/postgresql")
HOST = os.environ.get("BENCH_PROJECTS_HOST", "/var/run/postgresql")
DATABASE_URL = (
    f"postgres:///{DB_NAME}?host={HOST}" if HOST.startswith("/") else f"postgres://root@{HOST}:5432/{DB_NAME}"
)
DROP = os.environ.get("BENCH_PROJECTS_DROP", "") not in ("", "0")
WARM_UP = 3


def prepare() -> int:
    """Migrate, load the directory, and top the projects up to COUNT; how many there are."""
    import io

    from django.core.management import call_command

    from banshi.projects.models import Project

    quiet = {"verbosity": 0, "stdout": io.StringIO()}
    call_command("migrate", interactive=False, **quiet)
    call_command("collectstatic", interactive=False, **quiet)  # the page's hashed static files
    call_command("load_directory", **quiet)
    have = Project.objects.count()
    if have < COUNT:
        say(f"generating {COUNT - have} projects (have {have})…")
        started = time.monotonic()
        call_command("generate_projects", count=COUNT - have, seed=have + 1, stdout=io.StringIO())
        say(f"generated in {time.monotonic() - started:.0f} s")
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Project.objects.count()


def urls() -> list[tuple[str, str]]:
    from banshi.projects.models import Project

    parent = Project.objects.filter(level="district", children__isnull=False).order_by("id").first()
    child = parent.children.order_by("id").first() if parent else Project.objects.order_by("id").first()
    district = parent.area.code if parent and parent.area else "500113"
    return [
        ("register", "/projects/"),
        ("register, page 40", "/projects/?page=40"),
        ("register, filters", f"/projects/?level=community&year=2026&status=in_progress&area={district}"),
        ("register, category+year", "/projects/?category=%E5%8A%A0%E8%A3%85%E7%94%B5%E6%A2%AF&year=2025"),
        ("register, search", "/projects/?q=%E7%94%B5%E6%A2%AF%E5%BB%BA%E8%AE%BE"),
        ("register, map pins", f"/projects/map.json?year=2026&area={district}"),
        ("api list, filters", f"/api/v1/projects?level=community&year=2026&area={district}"),
        ("project page, parent", f"/projects/{parent.pk if parent else child.pk}/"),
        ("project page, child", f"/projects/{child.pk}/"),
        ("api project", f"/api/v1/projects/{child.pk}"),
    ]


def main() -> int:
    import psycopg

    try:
        database_ensure(DB_NAME, ADMIN_DSN, variable="BENCH_PROJECTS_DB")
    except psycopg.OperationalError as exc:
        loud(f"PostgreSQL is unreachable ({exc}); the projects benchmark needs it")
        return 2
    data_dir = Path(tempfile.mkdtemp(prefix="banshi-bench-projects-"))
    django_setup(data_dir, DATABASE_URL)
    from django.test import Client

    try:
        projects = prepare()
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        results = {}
        say(f"\n{projects} projects in {DB_NAME}; {REQUESTS} requests per URL after {WARM_UP} to warm up\n")
        say(
            f"{'endpoint':28} {'queries':>9} {'cold ms':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  target"
        )
        missed = []
        for name, url in urls():
            result = measure(client, url, requests=REQUESTS, warm_up=WARM_UP)
            results[name] = {"url": url, **result}
            if not result["available"]:
                say(f"{name:28} not available (no Open311 endpoint in this tree)")
                continue
            ok = result["p99_ms"] < TARGET_MS
            if not ok:
                missed.append(name)
            say(
                f"{name:28} {result['queries_cold']:>4}/{result['queries']:<4} {result['cold_ms']:>8.1f} "
                f"{result['p50_ms']:>8.1f} {result['p99_ms']:>8.1f} "
                f"{result['max_ms']:>8.1f}  {'ok' if ok else 'MISSED'} (< {TARGET_MS:.0f})"
            )
        out = ROOT / "var" / "bench_projects.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(
            json.dumps({"projects": projects, "target_ms": TARGET_MS, "results": results}, indent=2)
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
