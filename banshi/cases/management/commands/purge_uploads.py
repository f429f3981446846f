from django.core.management.base import BaseCommand
from django.utils import timezone

from banshi.cases.services.materials import PURGE_BATCH, uploads_purge


class Command(BaseCommand):
    help = (
        "Delete, file and row, the uploads older than a day that no application, pre-review or shared "
        "draft uses (the sweep does it too, a batch at a time)."
    )

    def handle(self, *args: object, **options: object) -> None:
        now = timezone.now()
        total = 0
        while (purged := uploads_purge(now=now)) > 0:
            total += purged
            if purged < PURGE_BATCH:
                break
        self.stdout.write(f"{total} unused uploads deleted")
