"""`manage.py refresh_numbers`: roll up the open numbers' daily counts (the periodic sweep runs it), or
count again the days from --from to --to."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from banshi.stats.rollup import SOURCES, rollup_refresh, rollup_sweep


class Command(BaseCommand):
    help = "Roll up the daily counts of the open numbers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", help="first day to count again (YYYY-MM-DD)")
        parser.add_argument("--to", dest="last", help="last day to count again (YYYY-MM-DD)")

    def handle(self, *args: Any, first: str | None, last: str | None, **options: Any) -> None:
        if first or last:
            try:
                start, end = date.fromisoformat(first or ""), date.fromisoformat(last or first or "")
            except ValueError as problem:
                raise CommandError("--from and --to must be days like 2026-11-30") from problem
            if end < start:
                raise CommandError("--to is before --from")
            for source in SOURCES:
                cells = rollup_refresh(source=source, first=start, last=end)
                self.stdout.write(f"{source}: {cells} cells from {start} to {end}")
            return
        for source, cells in rollup_sweep().items():
            self.stdout.write(f"{source}: {cells} cells of the recent days")
        from banshi.stats.figures.problems import numbers_warm

        numbers_warm(today=timezone.localdate())
