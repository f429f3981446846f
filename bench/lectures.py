"""`make bench`, the lecture programmes: the public schedule (all, and one district's), the calendar
feeds of a programme and of a district, an organiser's programme page (month-by-month quota accounting
and numbers), a lecture's page with its attendees, and the supervisor's table of every programme's
quotas; with BENCH_LECTURES_PROGRAMMES programmes of BENCH_LECTURES_PER_PROGRAMME lectures each (spread
over the last year and the next two months, the past ones closed with check-ins), in a fresh SQLite
database of its own (or BENCH_LECTURES_DATABASE_URL, e.g. a PostgreSQL database created for it).

Each URL is requested in this process through Django's test client, a few times to warm up and then
BENCH_LECTURES_REQUESTS times; the table gives the cold request's time and queries, then p50, p99 and
the maximum of the others. The target is p99 under BENCH_LECTURES_TARGET_MS (300) for each. It writes
var/bench_lectures.json and exits non-zero when a request fails or a target is missed.

Environment (all optional):
  BENCH_LECTURES_PROGRAMMES=20
  BENCH_LECTURES_PER_PROGRAMME=600
  BENCH_LECTURES_CHECKINS=10     check-ins per past lecture
  BENCH_LECTURES_REQUESTS=30
  BENCH_LECTURES_TARGET_MS=300
  BENCH_LECTURES_DATABASE_URL    (default: SQLite in a temporary directory)
"""

import io
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PROGRAMMES = int(os.environ.get("BENCH_LECTURES_PROGRAMMES", "20"))
PER_PROGRAMME = int(os.environ.get("BENCH_LECTURES_PER_PROGRAMME", "600"))
CHECKINS = int(os.environ.get("BENCH_LECTURES_CHECKINS", "10"))
REQUESTS = int(os.environ.get("BENCH_LECTURES_REQUESTS", "30"))
TARGET_MS = float(os.environ.get("BENCH_LECTURES_TARGET_MS", "300"))
DATABASE_URL = os.environ.get("BENCH_LECTURES_DATABASE_URL", "")
WARM_UP = 3
YUBEI = "500112"


def say(message: str = "") -> None:
    print(message, flush=True)


def django_setup(data_dir: Path) -> None:
    settings = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BANSHI_DATA_DIR": str(data_dir),
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "NOTIFY_SMS_BACKEND": "bench.backends.Discard",
        "NOTIFY_EMAIL_BACKEND": "bench.backends.Discard",
    }
    if DATABASE_URL:
        settings["DATABASE_URL"] = DATABASE_URL
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.update(settings)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.pop("BANSHI_DEMO", None)
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    django.setup()


def prepare() -> dict:
    """Migrate, load the directory and fill the programmes; the ids the URLs need."""
    from django.core.management import call_command
    from django.utils import timezone

    from banshi.accounts.models import User
    from banshi.directory.models import Area, Membership
    from banshi.outreach.models import (
        CheckIn,
        Lecture,
        Organiser,
        OrganiserUnit,
        Programme,
        Quota,
        Speaker,
        VenueKind,
    )

    quiet = {"verbosity": 0, "stdout": io.StringIO()}
    call_command("migrate", interactive=False, **quiet)
    call_command("collectstatic", interactive=False, **quiet)
    call_command("load_directory", **quiet)
    now = timezone.now()
    areas = list(Area.objects.filter(code__startswith=YUBEI).values_list("pk", flat=True))
    organiser = User.objects.create_user(username="bench_organiser", password=uuid.uuid4().hex)
    supervisor = User.objects.create_user(username="bench_supervisor", password=uuid.uuid4().hex)
    Membership.objects.create(user=supervisor, role=Membership.Role.SUPERVISOR)
    unit = OrganiserUnit.objects.create(name="渝北区宣讲团", area=Area.objects.get(code=YUBEI))
    Organiser.objects.create(user=organiser, unit=unit)
    kinds = VenueKind.values
    started = time.monotonic()
    for number in range(PROGRAMMES):
        programme = Programme.objects.create(
            unit=unit,
            name=f"宣讲项目 {number + 1}",
            venue_kinds=kinds,
            starts_on=(now - timedelta(days=400)).date(),
            created_at=now,
        )
        Quota.objects.create(programme=programme, kind=Quota.Kind.LECTURES_PER_MONTH, minimum=20)
        Quota.objects.create(programme=programme, kind=Quota.Kind.EACH_VENUE_KIND_PER_QUARTER, minimum=5)
        speakers = Speaker.objects.bulk_create(
            Speaker(programme=programme, name=f"讲师{n}", kind=kind, home_unit="渝北区")
            for n, kind in enumerate(Speaker.Kind.values)
        )
        span = timedelta(days=425) / PER_PROGRAMME
        lectures = []
        for index in range(PER_PROGRAMME):
            starts_at = now - timedelta(days=365) + span * index
            past = starts_at < now
            lectures.append(
                Lecture(
                    programme=programme,
                    speaker=speakers[index % len(speakers)],
                    topic=f"党史故事 {index}",
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(minutes=90),
                    venue_kind=kinds[index % len(kinds)],
                    venue_name="活动中心",
                    area_id=areas[index % len(areas)],
                    address="渝北区",
                    capacity=80,
                    status=Lecture.Status.CLOSED if past else Lecture.Status.SCHEDULED,
                    walk_ins=5 if past else 0,
                    summary="好" if past else "",
                    checkin_token=uuid.uuid4().hex[:24],
                    created_at=starts_at - timedelta(days=7),
                )
            )
        Lecture.objects.bulk_create(lectures, batch_size=2000)
        held = Lecture.objects.filter(programme=programme, status=Lecture.Status.CLOSED).values_list(
            "pk", "starts_at"
        )
        CheckIn.objects.bulk_create(
            (
                CheckIn(lecture_id=pk, phone=f"139{n:08d}", method=CheckIn.Method.SMS, created_at=starts_at)
                for pk, starts_at in held
                for n in range(CHECKINS)
            ),
            batch_size=5000,
        )
    say(f"filled in {time.monotonic() - started:.0f} s")
    programme = Programme.objects.order_by("id").first()
    lecture = Lecture.objects.filter(programme=programme, status=Lecture.Status.CLOSED).order_by(
        "-starts_at"
    )[0]
    return {
        "organiser": organiser,
        "supervisor": supervisor,
        "programme": programme.pk,
        "lecture": lecture.pk,
        "lectures": Lecture.objects.count(),
        "checkins": CheckIn.objects.count(),
    }


def measure(client, url: str) -> dict:
    from django.db import connection

    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        first = client.get(url)
    cold_ms = (time.perf_counter() - started) * 1000
    if first.status_code != 200:
        raise SystemExit(f"{url} answered {first.status_code}")
    for _ in range(WARM_UP - 1):
        client.get(url)
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    times.sort()
    return {
        "queries_cold": len(executed),
        "cold_ms": cold_ms,
        "p50_ms": statistics.median(times),
        "p99_ms": times[min(len(times) - 1, round(0.99 * (len(times) - 1)))],
        "max_ms": times[-1],
        "requests": len(times),
        "bytes": len(first.content),
    }


def main() -> int:
    data_dir = Path(tempfile.mkdtemp(prefix="banshi-bench-lectures-"))
    django_setup(data_dir)
    from django.test import Client

    world = prepare()
    public = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    organiser = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    organiser.force_login(world["organiser"])
    supervisor = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    supervisor.force_login(world["supervisor"])
    pages = [
        ("schedule", public, "/outreach/"),
        ("schedule, Yubei", public, f"/outreach/?area={YUBEI}"),
        ("programme feed (.ics)", public, f"/outreach/programmes/{world['programme']}.ics"),
        ("district feed (.ics)", public, f"/outreach/areas/{YUBEI}.ics"),
        ("organiser: programme", organiser, f"/outreach/organise/programmes/{world['programme']}/"),
        ("organiser: lecture", organiser, f"/outreach/organise/lectures/{world['lecture']}/"),
        ("supervisor: quotas", supervisor, "/outreach/supervise/quotas/"),
    ]
    say(
        f"\n{world['lectures']} lectures in {PROGRAMMES} programmes, {world['checkins']} check-ins; "
        f"{REQUESTS} requests per URL after {WARM_UP} to warm up\n"
    )
    say(f"{'page':24} {'queries':>7} {'cold ms':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  target")
    results = {}
    missed = []
    for name, client, url in pages:
        result = measure(client, url)
        results[name] = {"url": url, **result}
        ok = result["p99_ms"] < TARGET_MS
        if not ok:
            missed.append(name)
        say(
            f"{name:24} {result['queries_cold']:>7} {result['cold_ms']:>8.1f} {result['p50_ms']:>8.1f} "
            f"{result['p99_ms']:>8.1f} {result['max_ms']:>8.1f}  "
            f"{'ok' if ok else 'MISSED'} (< {TARGET_MS:.0f})"
        )
    out = ROOT / "var" / "bench_lectures.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "lectures": world["lectures"],
                "checkins": world["checkins"],
                "target_ms": TARGET_MS,
                "results": results,
            },
            indent=2,
        )
    )
    say(f"\nwritten to {out}")
    if missed:
        say(f"p99 target of {TARGET_MS:.0f} ms missed: {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
