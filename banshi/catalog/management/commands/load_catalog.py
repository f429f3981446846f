from typing import Any

from django.core.management.base import BaseCommand, CommandError

from banshi.catalog.definition import BundleError
from banshi.catalog.services import catalog_load


class Command(BaseCommand):
    help = "Load the bundle files into the database (a new version only where a file changed)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            changed = catalog_load()
        except BundleError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"catalogue loaded; changed: {', '.join(changed) or 'none'}")
