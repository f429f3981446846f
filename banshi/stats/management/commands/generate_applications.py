"""`manage.py generate_applications --count N`: N made-up applications with one task each, and returns for
correction and ratings for some, written in batches with bulk_create, for the open numbers' benchmark
(and a demo with volume).

The applications spread over the last `--months` months (24 by default), the open bundles, the districts
(a household area in each), the channels (mostly online), and their fates: most completed within a
working day or two, some late, some still in progress. Nobody's personal data: every application belongs
to one generated account and holds no field but the household area.
"""

from __future__ import annotations

import random
import sys
from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from banshi.accounts.models import User
from banshi.cases.models import Application, Correction, Rating, Task
from banshi.catalog.models import Bundle
from banshi.directory.models import Agency, Area

APPLICANT = "generated-applicant"


class Command(BaseCommand):
    help = "Fill N made-up applications with a task each (for benchmarks), in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="how many applications")
        parser.add_argument("--batch", type=int, default=5000, help="applications per batch (default 5000)")
        parser.add_argument("--months", type=int, default=24, help="spread over this many months back")
        parser.add_argument("--seed", type=int, default=12345, help="random seed (default 12345)")

    def handle(self, *args: Any, **options: Any) -> None:
        count, batch = options["count"], options["batch"]
        if count < 1 or batch < 1 or options["months"] < 1:
            raise CommandError("--count, --batch and --months must be at least 1")
        bundles = list(Bundle.objects.filter(current__isnull=False).select_related("current"))
        if not bundles:
            raise CommandError("load the catalogue first (manage.py load_catalog)")
        districts = list(Area.objects.filter(kind__in=["district", "county"]).values_list("code", flat=True))
        agencies = list(Agency.objects.all())
        if not districts or not agencies:
            raise CommandError("load the directory first (manage.py load_directory)")
        services = {
            bundle.pk: [(code, service.agency) for code, service in bundle.current_spec.services.items()]
            for bundle in bundles
        }
        agency_by_code = {agency.code: agency for agency in agencies}
        applicant, _created = User.objects.get_or_create(
            username=APPLICANT, defaults={"display_name": "generated"}
        )
        rng = random.Random(options["seed"])  # noqa: S311 (made-up data, not secrets)
        now = timezone.now()
        span = timedelta(days=30 * options["months"])
        start = Application.objects.count()
        done = 0
        with _progress(count) as bar:
            task_id = bar.add_task("applications", total=count)
            while done < count:
                size = min(batch, count - done)
                self._batch(
                    rng,
                    size=size,
                    first=start + done,
                    now=now,
                    span=span,
                    applicant=applicant,
                    bundles=bundles,
                    districts=districts,
                    services=services,
                    agencies=agency_by_code,
                    fallback=agencies[0],
                )
                done += size
                bar.update(task_id, advance=size)
        self.stdout.write(f"{count} applications generated")

    def _batch(
        self,
        rng: random.Random,
        *,
        size: int,
        first: int,
        now: datetime,
        span: timedelta,
        applicant: User,
        bundles: list[Bundle],
        districts: list[str],
        services: dict[int, list[tuple[str, str]]],
        agencies: dict[str, Agency],
        fallback: Agency,
    ) -> None:
        applications, fates = [], []
        for index in range(size):
            bundle = rng.choice(bundles)
            submitted = now - span * rng.random()
            deadline = submitted + timedelta(hours=24)
            fate = rng.random()
            if fate < 0.8:
                completed: datetime | None = submitted + timedelta(minutes=rng.randint(20, 900))
            elif fate < 0.9:
                completed = submitted + timedelta(hours=rng.randint(25, 120))
            else:
                completed = None
            if completed is not None and completed > now:
                completed = None
            channel = rng.choices(["online", "window", "video"], weights=[6, 3, 1])[0]
            district = rng.choice(districts)
            applications.append(
                Application(
                    number=f"G{first + index:011d}",
                    applicant=applicant,
                    submitted_by=applicant,
                    bundle=bundle,
                    bundle_version=bundle.current,
                    values={"household.area": f"{district}001001"},
                    status=Application.Status.COMPLETE if completed else Application.Status.IN_PROGRESS,
                    channel=channel,
                    submitted_at=submitted,
                    deadline=deadline,
                    completed_at=completed,
                )
            )
            fates.append(rng.random())
        with transaction.atomic():
            Application.objects.bulk_create(applications, batch_size=1000)
            tasks = []
            for application in applications:
                code, agency = services[application.bundle_id][0]
                done = application.completed_at
                tasks.append(
                    Task(
                        application=application,
                        service=code,
                        agency=agencies.get(agency, fallback),
                        status=Task.Status.APPROVED if done else Task.Status.CLAIMED,
                        ready_at=application.submitted_at,
                        deadline=application.submitted_at + timedelta(hours=8),
                        decided_at=done,
                    )
                )
            Task.objects.bulk_create(tasks, batch_size=1000)
            corrections, ratings = [], []
            for application, task, luck in zip(applications, tasks, fates, strict=True):
                if luck < 0.1:
                    corrections.append(
                        Correction(
                            task=task,
                            returned_at=application.submitted_at + timedelta(minutes=10),
                            reason="材料不清晰",
                            items=[],
                        )
                    )
                if application.completed_at and luck > 0.6:
                    ratings.append(
                        Rating(
                            application=application,
                            level=rng.choices([5, 4, 3, 2, 1], weights=[60, 25, 8, 4, 3])[0],
                            created_at=min(application.completed_at + timedelta(hours=2), now),
                        )
                    )
            Correction.objects.bulk_create(corrections, batch_size=1000)
            Rating.objects.bulk_create(ratings, batch_size=1000)


class _Counter:
    """A plain progress report when the output is not a terminal."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.step = total, 0, max(total // 20, 1)

    def __enter__(self) -> _Counter:
        return self

    def __exit__(self, *exc: object) -> None:
        sys.stderr.write(f"applications: {self.done}/{self.total}\n")

    def add_task(self, name: str, total: int) -> int:
        return 0

    def update(self, task: int, advance: int) -> None:
        before = self.done // self.step
        self.done += advance
        if self.done // self.step != before:
            sys.stderr.write(f"applications: {self.done}/{self.total}\n")


def _progress(total: int) -> Any:
    if not sys.stderr.isatty():
        return _Counter(total)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=False,
    )
