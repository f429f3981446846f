from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from banshi.catalog.loader import BUNDLES_DIR, read_catalog


class Command(BaseCommand):
    help = "Validate every bundle file in the catalogue without loading it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default=str(BUNDLES_DIR), help="folder of bundle files")

    def handle(self, *args: Any, **options: Any) -> None:
        from pathlib import Path

        bundles, errors = read_catalog(Path(options["dir"]))
        for bundle in bundles:
            self.stdout.write(
                f"ok  {bundle.code}: {len(bundle.services)} services, {len(bundle.fields)} fields"
            )
        if errors:
            raise CommandError("\n".join(str(error) for error in errors))
