"""`manage.py check_numbers --from DAY [--to DAY]`: whether the roll-up equals a fresh count of the
domain tables for each past day; exits with an error listing the cells that differ."""

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from banshi.stats.rollup import rollup_check


class Command(BaseCommand):
    help = "Check that the open numbers' roll-up equals the live count of past days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", required=True, help="first day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="last", help="last day (YYYY-MM-DD); yesterday when not given")

    def handle(self, *args: Any, first: str, last: str | None, **options: Any) -> None:
        yesterday = timezone.localdate() - timedelta(days=1)
        try:
            start = date.fromisoformat(first)
            end = date.fromisoformat(last) if last else yesterday
        except ValueError as problem:
            raise CommandError("--from and --to must be days like 2026-11-30") from problem
        if end < start:
            raise CommandError("--to is before --from")
        if end > yesterday:
            raise CommandError("only days already over can be checked: --to must be before today")
        differences = rollup_check(first=start, last=end)
        for difference in differences:
            cell = difference.cell
            self.stdout.write(
                f"{difference.day} {difference.source} {cell.measure} {cell.group}/{cell.district}/"
                f"{cell.channel}/{cell.bucket}: stored {difference.stored}, live {difference.live}"
            )
        if differences:
            raise CommandError(f"{len(differences)} cells differ from the live count")
        self.stdout.write(f"The roll-up equals the live count from {start} to {end}.")
