from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from banshi.outreach.services.videos import videos_sweep


class Command(BaseCommand):
    help = (
        "Fail story-video uploads left unfinished and conversions a dead worker left, removing their files."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = videos_sweep(now=timezone.now())
        self.stdout.write(f"{counts['uploads']} uploads and {counts['conversions']} conversions failed")
