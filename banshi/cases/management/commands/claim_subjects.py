from typing import Any

from django.core.management.base import BaseCommand

from banshi.cases.services.submit import subject_claims_backfill


class Command(BaseCommand):
    help = (
        "Claim the subject of the open and complete applications submitted before their bundle named one, "
        "and list the later applications found for a subject already claimed (possible duplicates)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        pairs = subject_claims_backfill()
        for first, later in pairs:
            self.stdout.write(f"{later}: the same subject as {first}")
        self.stdout.write(f"{len(pairs)} possible duplicates")
