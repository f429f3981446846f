import csv
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand
from django.db import transaction

from banshi.directory.models import Agency, Area

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


class Command(BaseCommand):
    help = "Load Chongqing's districts and counties (GB/T 2260) and the agencies bundles route to."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            with open(FIXTURES / "chongqing-districts.csv", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
            city = None
            for row in rows:
                area, _ = Area.objects.update_or_create(
                    code=row["code"],
                    defaults={
                        "name": row["name"],
                        "kind": row["kind"],
                        "parent": None if row["kind"] == "municipality" else city,
                    },
                )
                if row["kind"] == "municipality":
                    city = area
            agencies = yaml.safe_load((FIXTURES / "agencies.yaml").read_text(encoding="utf-8"))
            for code, names in agencies.items():
                Agency.objects.update_or_create(
                    code=code, defaults={"name_zh": names["zh"], "name_en": names["en"], "area": city}
                )
        self.stdout.write(f"directory loaded: {len(rows)} areas, {len(agencies)} agencies")
