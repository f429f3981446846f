"""`manage.py problem_stats`: the statistics' daily roll-up. `--refresh` brings it up to date (run it,
or the worker's `refresh_problem_stats_task`, every few minutes), `--rebuild` rolls every day up afresh,
and `--check` compares the roll-up's figures with those computed from the audit events alone, for a
period (`--month 2026-11`, `--quarter 2026-Q4`, `--year 2026`, `--from 2026-11-01 --to 2026-11-30`) or,
without one, for the last month, this month and each of the last `--days` days; it exits non-zero on
any difference."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from banshi.lib.errors import FieldErrors
from banshi.problems.management.commands.generate_problems import progress_bar
from banshi.problems.rollup import stats_rollup_check, stats_rollup_refresh
from banshi.problems.stats import Period, period_from_query, period_month, period_range


class _Days:
    """A progress bar of the days rolled up (shown once there are some)."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.task = 0
        self.done = 0

    def __enter__(self) -> _Days:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def update(self, first: date, done: date, last: date) -> None:
        if self.bar is None:
            self.bar = progress_bar((last - first).days, "days")
            self.bar.__enter__()
            self.task = self.bar.add_task("days", total=(last - first).days)
        self.bar.update(self.task, advance=(done - first).days - self.done)
        self.done = (done - first).days


class Command(BaseCommand):
    help = "Refresh, rebuild or check the daily roll-up of the problems' statistics."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--refresh", action="store_true", help="bring the roll-up up to date")
        parser.add_argument("--rebuild", action="store_true", help="roll every day up afresh")
        parser.add_argument("--check", action="store_true", help="compare with the events' figures")
        for name in ("month", "quarter", "year", "from", "to"):
            parser.add_argument(f"--{name}", default="", help=f"the period's {name} (with --check)")
        parser.add_argument("--days", type=int, default=7, help="days checked one by one (default 7)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (options["refresh"] or options["rebuild"] or options["check"]):
            raise CommandError("give --refresh, --rebuild or --check")
        if options["refresh"] or options["rebuild"]:
            with _Days() as days:
                result = stats_rollup_refresh(
                    now=timezone.now(), rebuild=options["rebuild"], progress=days.update
                )
            self.stdout.write(
                f"rolled up to event {result['last_event_id']}: {result['days']} days rolled up afresh, "
                f"{result['reports_corrected']} reports corrected, {result['events_read']} events read"
            )
        if options["check"]:
            periods = self._periods(options)
            differences = stats_rollup_check(periods)
            for difference in differences:
                self.stderr.write(difference)
            if differences:
                raise CommandError(f"{len(differences)} differences between the roll-up and the events")
            self.stdout.write(f"the roll-up agrees with the events for {len(periods)} periods")

    def _periods(self, options: dict[str, Any]) -> list[Period]:
        given = {name: options[name] for name in ("month", "quarter", "year", "from", "to")}
        if any(given.values()):
            try:
                return [period_from_query(given)]
            except FieldErrors as problem:
                raise CommandError(
                    "; ".join(f"{name}: {message}" for name, message in problem.errors.items())
                ) from None
        today = timezone.localdate()
        last_month = today.replace(day=1) - timedelta(days=1)
        periods = [period_month(last_month.year, last_month.month), period_month(today.year, today.month)]
        for back in range(max(0, options["days"])):
            day = today - timedelta(days=back)
            periods.append(period_range(day, day))
        return periods
