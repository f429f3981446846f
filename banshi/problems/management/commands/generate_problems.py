"""`manage.py generate_problems --count N`: N made-up problem reports with the audit events of their
histories, written in batches with bulk_create, for the benchmarks (and a demo with volume).

The reports spread over the last `--months` months (24 by default), over the categories, over the
districts (mostly Yuzhong and Jiangbei, whose units exist, some elsewhere and so waiting for the
dispatcher), and over the states: waiting, sent to a unit, contacted, closed, called back (solved or not,
satisfied, fairly satisfied or dissatisfied), reopened, duplicates. Each gets the events the services
would have recorded (problem.filed, problem.dispatched, problem.signed, problem.contacted, problem.closed,
problem.called_back, problem.reopened, problem.marked_duplicate), with the extras the statistics read.
Their deadlines are counted in calendar hours of the category's tier. Nobody's personal data: no
reporter, no phone. The categories, units and rules of the demo are created first when missing.
"""

from __future__ import annotations

import json
import random
import sys
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone

from banshi.audit.models import Event
from banshi.directory.models import Area
from banshi.problems.demo import JIANGBEI, YUZHONG, seed_reference
from banshi.problems.events import EventType
from banshi.problems.models import Category, Report, Unit
from banshi.problems.services.file import route_for

SUBJECT = "problems.report"
DESCRIPTIONS = [
    "路灯不亮，晚上走路看不清。",
    "小区门口道路有一个大坑，车辆经过很危险。",
    "楼下餐馆油烟和噪声扰民。",
    "垃圾桶满了好几天没人清运。",
    "停水一整天，没有接到通知。",
    "电梯经常困人，请尽快检修。",
    "老旧小区外墙脱落，担心砸到人。",
]
STATUS = Report.Status


def _weighted(rng: random.Random, choices: list[tuple[Any, float]]) -> Any:
    return rng.choices([value for value, _weight in choices], weights=[w for _value, w in choices])[0]


class Command(BaseCommand):
    help = "Fill N made-up problem reports with their audit events (for benchmarks), in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="how many reports")
        parser.add_argument("--batch", type=int, default=5000, help="reports per batch (default 5000)")
        parser.add_argument("--months", type=int, default=24, help="spread over this many months back")
        parser.add_argument("--seed", type=int, default=12345, help="random seed (default 12345)")

    def handle(self, *args: Any, **options: Any) -> None:
        count, batch = options["count"], options["batch"]
        if count < 1 or batch < 1 or options["months"] < 1:
            raise CommandError("--count, --batch and --months must be at least 1")
        rng = random.Random(options["seed"])  # noqa: S311 (made-up data, not secrets)
        seed_reference()
        categories = list(Category.objects.filter(active=True).select_related("tier"))
        if not categories:
            raise CommandError("no category open for reports")
        districts = {area.code: area for area in Area.objects.filter(kind__in=["district", "county"])}
        if YUZHONG not in districts or JIANGBEI not in districts:
            raise CommandError("load the directory first (manage.py load_directory)")
        others = sorted(code for code in districts if code not in (YUZHONG, JIANGBEI))[:6]
        places = [(YUZHONG, 0.45), (JIANGBEI, 0.45)] + [(code, 0.1 / len(others)) for code in others]
        routes = {
            (category.pk, code): route_for(category=category, district=districts[code])[0]
            for category in categories
            for code, _weight in places
        }
        units = list(Unit.objects.filter(active=True))
        unit_codes = {unit.pk: unit.code for unit in units}
        now = timezone.now()
        span = timedelta(days=30 * options["months"])
        run = uuid.uuid4().hex[:4].upper()
        done = 0
        progress = progress_bar(count, "reports")
        with progress as bar:
            task = bar.add_task("reports", total=count)
            while done < count:
                size = min(batch, count - done)
                self._batch(
                    rng,
                    size=size,
                    first=done,
                    run=run,
                    now=now,
                    span=span,
                    categories=categories,
                    places=places,
                    districts=districts,
                    routes=routes,
                    unit_codes=unit_codes,
                    units=units,
                )
                done += size
                bar.update(task, advance=size)
        self.stdout.write(f"{count} reports generated")

    def _batch(
        self, rng: random.Random, *, size: int, first: int, run: str, now: datetime, **world: Any
    ) -> None:
        plans = [self._plan(rng, now=now, **world) for _index in range(size)]
        postgres = connection.vendor == "postgresql"
        with transaction.atomic():
            reports = [
                Report(number=f"G{run}{plan['filed']:%y%m%d}{first + index:09d}", **plan["report"])
                for index, plan in enumerate(plans)
            ]
            if postgres:
                for report, pk in zip(reports, _reserve_ids(Report, len(reports)), strict=True):
                    report.pk = pk
            else:
                reports = Report.objects.bulk_create(reports)
            originals = [
                report for report, plan in zip(reports, plans, strict=True) if plan["duplicate"] is None
            ]
            events = []
            for report, plan in zip(reports, plans, strict=True):
                original = rng.choice(originals) if plan["duplicate"] and originals else None
                if original is not None:
                    report.duplicate_of_id = original.pk
                for at, event_type, old, new, extra in plan["events"]:
                    if event_type == EventType.REPORT_MARKED_DUPLICATE and original is not None:
                        extra = {"original": original.number}
                    events.append(
                        Event(
                            created_at=at,
                            subject_type=SUBJECT,
                            subject_id=str(report.pk),
                            event_type=event_type,
                            old_state=old,
                            new_state=new,
                            extra=extra,
                        )
                    )
            if postgres:
                _copy(Report, reports, with_id=True)
                _copy(Event, events, with_id=False)
            else:
                duplicates = [report for report in reports if report.duplicate_of_id is not None]
                if duplicates:
                    Report.objects.bulk_update(duplicates, ["duplicate_of"])
                Event.objects.bulk_create(events, batch_size=10000)

    def _plan(
        self,
        rng: random.Random,
        *,
        now: datetime,
        span: timedelta,
        categories: list[Category],
        places: list[tuple[str, float]],
        districts: dict[str, Area],
        routes: dict,
        unit_codes: dict[int, str],
        units: list[Unit],
    ) -> dict:
        """One report's row and the events of its history, none after `now`."""
        category = rng.choice(categories)
        district = _weighted(rng, places)
        filed = now - timedelta(seconds=rng.uniform(0, span.total_seconds()))
        tier = category.tier
        contact_limit = timedelta(hours=tier.first_contact_hours)
        closing_limit = timedelta(hours=tier.closing_hours)
        unit = routes[(category.pk, district)]
        events: list[tuple] = [
            (filed, EventType.REPORT_FILED, "", STATUS.NEW, {"channel": "web", "category": category.code})
        ]
        row: dict[str, Any] = {
            "category": category,
            "description": rng.choice(DESCRIPTIONS),
            "district": districts[district],
            "channel": _weighted(
                rng, [(Report.Channel.PHONE, 0.7), (Report.Channel.WEB, 0.25), ("open311", 0.05)]
            ),
            "private": rng.random() < 0.1,
            "filed_at": filed,
            "clock_started_at": filed,
            "first_contact_due": filed + contact_limit,
            "closing_due": filed + closing_limit,
            "status": STATUS.NEW,
            "updated_at": filed,
        }
        plan = {"filed": filed, "report": row, "events": events, "duplicate": None}
        status: str = STATUS.NEW

        def move(at: datetime, new: str, event_type: str, extra: dict | None = None) -> bool:
            nonlocal status
            if at > now:
                return False
            events.append((at, event_type, status, new, extra or {}))
            status = new
            row["status"], row["updated_at"] = new, at
            return True

        via = "rule"
        dispatched = filed + timedelta(minutes=rng.uniform(0, 30))
        if unit is None:  # no rule: the dispatcher's queue, and most are routed from there
            if rng.random() < 0.3:
                return plan
            unit, via = rng.choice(units), "dispatcher"
            dispatched = filed + timedelta(hours=rng.uniform(0.5, 8))
        code = unit_codes[unit.pk]
        if not move(dispatched, STATUS.DISPATCHED, EventType.REPORT_DISPATCHED, {"unit": code, "via": via}):
            return plan
        row.update(unit=unit, coordinator=unit, dispatched_at=dispatched)
        if rng.random() < 0.02:
            at = dispatched + timedelta(hours=rng.uniform(0.5, 12))
            if move(at, STATUS.DUPLICATE, EventType.REPORT_MARKED_DUPLICATE):
                plan["duplicate"] = True
            return plan
        start = filed
        for _round in range(2):
            # Most first contacts are well within the limit; some are late.
            contacted = start + contact_limit * rng.lognormvariate(-1.2, 0.8)
            signed = start + (contacted - start) * rng.uniform(0.1, 0.9)
            if not move(signed, STATUS.SIGNED, EventType.REPORT_SIGNED):
                return plan
            row["signed_at"] = signed
            minutes = int((contacted - start).total_seconds() // 60)
            extra = {
                "kind": "phone",
                "unit": code,
                "first": True,
                "on_time": contacted <= start + contact_limit,
            }
            if not move(
                contacted, STATUS.CONTACTED, EventType.REPORT_CONTACTED, extra | {"minutes": minutes}
            ):
                return plan
            row["contacted_at"] = contacted
            closed = contacted + (closing_limit - (contacted - start)) * rng.lognormvariate(-0.7, 0.7)
            minutes = int((closed - start).total_seconds() // 60)
            extra = {"unit": code, "on_time": closed <= start + closing_limit, "minutes": minutes}
            if not move(closed, STATUS.CLOSED, EventType.REPORT_CLOSED, extra):
                return plan
            row["closed_at"] = closed
            if rng.random() < 0.06:
                reopened = closed + timedelta(days=rng.uniform(0.5, 20))
                extra = {"closed_at": closed.isoformat(), "unit": code}
                if not move(reopened, STATUS.REOPENED, EventType.REPORT_REOPENED, extra):
                    return plan
                row.update(
                    clock_started_at=reopened,
                    first_contact_due=reopened + contact_limit,
                    closing_due=reopened + closing_limit,
                    closed_at=None,
                    signed_at=None,
                    contacted_at=None,
                    reopen_count=row.get("reopen_count", 0) + 1,
                )
                start = reopened
                continue
            if rng.random() < 0.8:
                answered = closed + timedelta(
                    days=_weighted(rng, [(rng.uniform(0, 7), 0.85), (rng.uniform(7, 12), 0.15)])
                )
                solved = rng.random() < 0.88
                satisfaction = _weighted(
                    rng,
                    [
                        ("satisfied", 0.7 if solved else 0.1),
                        ("fairly_satisfied", 0.25),
                        ("dissatisfied", 0.05 if solved else 0.65),
                    ],
                )
                extra = {"solved": solved, "satisfaction": satisfaction, "by": "resident", "unit": code}
                if move(answered, STATUS.CALLED_BACK, EventType.REPORT_CALLED_BACK, extra):
                    row["called_back_at"] = answered
            return plan
        return plan


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` ids from the table's sequence (PostgreSQL), for rows written by COPY."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model: type[models.Model], rows: list[Any], *, with_id: bool) -> None:
    """Rows written by PostgreSQL's COPY: many times faster than INSERTs for millions of events."""
    fields = [field for field in model._meta.concrete_fields if with_id or not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    json_fields = {field.attname for field in fields if isinstance(field, models.JSONField)}
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            copy.write_row(
                tuple(
                    json.dumps(getattr(row, field.attname))
                    if field.attname in json_fields
                    else getattr(row, field.attname)
                    for field in fields
                )
            )


class _Counter:
    """A plain counter on stderr, when stderr is no terminal (a log, the benchmark)."""

    def __init__(self, total: int, what: str) -> None:
        self.total, self.done, self.shown, self.what = total, 0, -1, what

    def __enter__(self) -> _Counter:
        return self

    def __exit__(self, *exc: object) -> None:
        sys.stderr.write("\n")

    def add_task(self, _name: str, total: int) -> int:
        return 0

    def update(self, _task: int, advance: int) -> None:
        self.done += advance
        percent = self.done * 100 // self.total
        if percent != self.shown:
            self.shown = percent
            sys.stderr.write(f"\r{self.done}/{self.total} {self.what} ({percent}%)")
            sys.stderr.flush()


def progress_bar(total: int, what: str) -> Any:
    """rich's progress bar on a terminal, else a plain counter of `what` on stderr."""
    if not sys.stderr.isatty():
        return _Counter(total, what)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        transient=False,
    )
