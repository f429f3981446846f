from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from banshi.cases.draft import DRAFT_KEPT_FOR, drafts_purge


class Command(BaseCommand):
    help = f"Delete the draft applications, sent or not, unchanged for {DRAFT_KEPT_FOR.days} days."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{drafts_purge(now=timezone.now())} drafts deleted")
