"""`manage.py generate_projects --count N`: N made-up livelihood projects for the benchmarks (and a demo
with volume), written in batches with bulk_create: one district parent for every 100, the others its
community children, over the years, levels, districts, categories and statuses, each with two
indicators, two milestones and its "created" audit event. A progress bar on a terminal, a counter
otherwise."""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from banshi.audit.models import Event
from banshi.directory.models import Area
from banshi.projects.events import SUBJECT, EventType
from banshi.projects.models import Indicator, Milestone, Project

CATEGORIES = [
    "老旧小区改造",
    "加装电梯",
    "社区养老",
    "托育",
    "背街小巷整治",
    "停车",
    "教育",
    "供水",
    "公园绿地",
    "医疗",
]
WORKS = ["改造", "建设", "提升", "整治", "扩容"]
STATUSES = [
    (Project.Status.PLANNED, 0.15),
    (Project.Status.IN_PROGRESS, 0.55),
    (Project.Status.COMPLETED, 0.2),
    (Project.Status.VERIFIED, 0.07),
    (Project.Status.CANCELLED, 0.03),
]
CHILDREN = 99


class Command(BaseCommand):
    help = "Fill N made-up livelihood projects (for benchmarks), in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="how many projects")
        parser.add_argument("--batch", type=int, default=2000, help="projects per batch (default 2000)")
        parser.add_argument("--seed", type=int, default=12345, help="random seed (default 12345)")

    def handle(self, *args: Any, **options: Any) -> None:
        count, batch = options["count"], options["batch"]
        if count < 1 or batch < 1:
            raise CommandError("--count and --batch must be at least 1")
        rng = random.Random(options["seed"])  # noqa: S311 (made-up data, not secrets)
        districts = list(Area.objects.filter(kind__in=["district", "county"]).order_by("code"))
        communities = list(
            Area.objects.filter(kind="community").order_by("code").values_list("id", "code")[:5000]
        )
        if not districts:
            raise CommandError("load the directory first (manage.py load_directory)")
        run = f"G{options['seed']}"
        done = 0
        with _progress(count) as bar:
            task = bar.add_task("projects", total=count)
            while done < count:
                size = min(batch, count - done)
                with transaction.atomic():
                    self._batch(rng, size, done, run, districts, communities)
                done += size
                bar.update(task, advance=size)
        self.stdout.write(f"generated {count} projects")

    def _batch(
        self,
        rng: random.Random,
        size: int,
        offset: int,
        run: str,
        districts: list[Area],
        communities: list[Any],
    ) -> None:
        now = timezone.now()
        parents: dict[int, Project] = {}
        rows = []
        for number in range(offset, offset + size):
            year = rng.choice([2024, 2025, 2026, 2026, 2027])
            status = rng.choices([s for s, _w in STATUSES], weights=[w for _s, w in STATUSES])[0]
            progress = {
                Project.Status.PLANNED: 0,
                Project.Status.COMPLETED: 100,
                Project.Status.VERIFIED: 100,
            }.get(status, rng.randint(5, 95))
            category = rng.choice(CATEGORIES)
            district = rng.choice(districts)
            is_parent = number % (CHILDREN + 1) == 0
            if is_parent:
                level, area_id = Project.Level.DISTRICT, district.pk
            elif communities and rng.random() < 0.7:
                level, area_id = Project.Level.COMMUNITY, rng.choice(communities)[0]
            else:
                level, area_id = rng.choice([Project.Level.STREET, Project.Level.COMMUNITY]), district.pk
            rows.append(
                Project(
                    code=f"{run}-{number + 1:07d}",
                    name=f"{district.name}{category}{rng.choice(WORKS)}项目{number + 1}",
                    level=level,
                    area_id=area_id,
                    category=category,
                    year=year,
                    budget=Decimal(rng.randint(10, 5000) * 10_000),
                    start_date=date(year, 1, 1) + timedelta(days=rng.randint(0, 120)),
                    end_date=date(year, 12, 31),
                    status=status,
                    progress=Decimal(progress),
                    latitude=29.0 + rng.random() * 2.5,
                    longitude=105.5 + rng.random() * 4.5,
                )
            )
            if is_parent:
                parents[number] = rows[-1]
        # Parents first, so that children can point at them: one parent for every CHILDREN projects.
        Project.objects.bulk_create([p for p in rows if p in parents.values()])
        parent_of_batch = (
            next(iter(parents.values()), None)
            or Project.objects.filter(code__startswith=f"{run}-", level=Project.Level.DISTRICT)
            .order_by("-id")
            .first()
        )
        children = [p for p in rows if p not in parents.values()]
        for project in children:
            project.parent = parent_of_batch
        Project.objects.bulk_create(children)
        projects = [p for p in rows]
        Indicator.objects.bulk_create(
            [
                Indicator(
                    project=p,
                    code=code,
                    name=name,
                    unit=unit,
                    target=target,
                    actual=target * p.progress / 100,
                    position=i,
                )
                for p in projects
                for i, (code, name, unit, target) in enumerate(
                    [
                        ("households", "惠及居民", "户", Decimal(rng.randint(50, 900))),
                        ("floor_area", "改造面积", "平方米", Decimal(rng.randint(1000, 90000))),
                    ]
                )
            ]
        )
        Milestone.objects.bulk_create(
            [
                Milestone(
                    project=p,
                    title=title,
                    due=date(p.year, month, 28),
                    done_at=now if p.progress >= threshold else None,
                )
                for p in projects
                for title, month, threshold in (("开工", 3, 5), ("完工", 11, 100))
            ]
        )
        Event.objects.bulk_create(
            [
                Event(
                    created_at=now,
                    subject_type=SUBJECT,
                    subject_id=str(p.pk),
                    event_type=EventType.PROJECT_CREATED,
                    new_state=p.status,
                    extra={"name": p.name},
                )
                for p in projects
            ]
        )


class _Counter:
    """A plain counter on stderr, when stderr is no terminal (a log, the benchmark)."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.shown = total, 0, -1

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
            sys.stderr.write(f"\r{self.done}/{self.total} projects ({percent}%)")
            sys.stderr.flush()


def _progress(total: int) -> Any:
    if not sys.stderr.isatty():
        return _Counter(total)
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
