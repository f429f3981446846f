"""What the PostgreSQL benchmarks share (`bench/problems.py`, `bench/projects.py`, `bench/stats.py`): their
own database, created when missing and never the `test` one; Django set up on it with the benchmark's
settings; and one URL measured through the test client, with its queries counted."""

from __future__ import annotations

import os
import statistics
import time
import uuid
import warnings
from pathlib import Path
from typing import Any


def say(message: str = "") -> None:
    print(message, flush=True)


def loud(message: str) -> None:
    bar = "!" * 78
    say(f"\n{bar}\n!! {message}\n{bar}")


def database_ensure(name: str, admin_dsn: str, *, variable: str) -> None:
    """Create the database `name` unless it exists; `variable` names the setting that chose it."""
    import psycopg

    if name == "test":
        raise SystemExit(f"{variable} must not be the test database")
    with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            say(f"creating the database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def database_drop(name: str, admin_dsn: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def django_setup(data_dir: Path, database_url: str) -> None:
    """Django on the benchmark's settings and database, outside demo mode, sending nothing anywhere."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url,
            "BANSHI_DATA_DIR": str(data_dir),
            "SECRET_KEY": uuid.uuid4().hex * 2,
            "NOTIFY_SMS_BACKEND": "bench.backends.Discard",
            "NOTIFY_EMAIL_BACKEND": "bench.backends.Discard",
        }
    )
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.pop("BANSHI_DEMO", None)
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    django.setup()


def percentile_99(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def measure(
    client: Any,
    url: str,
    *,
    requests: int,
    warm_up: int = 3,
    uncached: bool = False,
    missing_ok: bool = False,
) -> dict[str, Any]:
    """The first request (cold: nothing cached) with its queries, `warm_up - 1` more, then `requests`
    measured ones, the first of them with its queries counted; with `uncached`, the cache is emptied
    before each measured request. With `missing_ok`, a URL that answers 404 is "not available"."""
    from django.core.cache import cache
    from django.db import connection

    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        first = client.get(url)
    cold_ms = (time.perf_counter() - started) * 1000
    if first.status_code == 404 and missing_ok:
        return {"available": False}
    if first.status_code != 200:
        raise SystemExit(f"{url} answered {first.status_code}")
    queries_cold = len(executed)
    for _ in range(warm_up - 1):
        client.get(url)
    times = []
    queries_warm = 0
    for index in range(requests):
        if uncached:
            cache.clear()
        started = time.perf_counter()
        if index == 0:
            executed.clear()
            with connection.execute_wrapper(count):
                response = client.get(url)
            queries_warm = len(executed)
        else:
            response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return {
        "available": True,
        "queries_cold": queries_cold,
        "queries": queries_warm,
        "cold_ms": cold_ms,
        "p50_ms": statistics.median(times),
        "p99_ms": percentile_99(times),
        "max_ms": max(times),
        "requests": len(times),
        "bytes": len(first.content),
    }
