"""The register in and out of spreadsheets, through tablib: the register (with its filters) exported as CSV
or XLSX; projects, and indicator updates, imported from the same columns. An import is read and checked
whole first and shown as the changes it would make (`import_preview`); applying it (`import_apply`) reads
it again and writes every change in one transaction, or nothing: a bad row is reported by its row number
(as a spreadsheet counts, the header being row 1), its column and the problem."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

import tablib  # type: ignore[import-untyped]
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from banshi.audit.services import event_record
from banshi.directory.models import Agency, Area
from banshi.lib.errors import FieldErrors
from banshi.lib.text import TextProblem, clean_text
from banshi.projects.events import EventType
from banshi.projects.models import Indicator, Project
from banshi.projects.selectors import RegisterFilters, can_import, register_projects
from banshi.projects.services.register import HUNDRED, decimal_field, roll_up

if TYPE_CHECKING:
    from banshi.accounts.models import User

FORMATS = ("csv", "xlsx")
KINDS = ("projects", "indicators")
ROWS_MAX = 20_000
PROBLEMS_SHOWN = 20
EXPORT_MAX = 200_000

PROJECT_COLUMNS = [
    "code",
    "name",
    "level",
    "area",
    "category",
    "year",
    "parent",
    "status",
    "progress",
    "budget",
    "weight",
    "start_date",
    "end_date",
    "lead",
    "owner_unit",
    "address",
    "latitude",
    "longitude",
]
INDICATOR_COLUMNS = ["project", "indicator", "name", "unit", "target", "actual"]
REQUIRED = {"projects": {"code", "name", "level", "year"}, "indicators": {"project", "indicator"}}
TEXT_LIMITS = {"code": 40, "name": 200, "category": 60, "lead": 100, "address": 200, "unit": 20}


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    problem: str

    def __str__(self) -> str:
        return _("row %(row)d, column %(column)s: %(problem)s") % {
            "row": self.row,
            "column": self.column,
            "problem": self.problem,
        }


class ImportProblems(Exception):
    """The file cannot be imported; nothing was written."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass
class Change:
    row: int
    key: str
    action: str  # "create", "update" or "unchanged"
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (column, old, new)
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    kind: str
    changes: list[Change]

    @property
    def created(self) -> int:
        return sum(change.action == "create" for change in self.changes)

    @property
    def updated(self) -> int:
        return sum(change.action == "update" for change in self.changes)

    @property
    def unchanged(self) -> int:
        return sum(change.action == "unchanged" for change in self.changes)


# --- export ------------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def export_dataset(filters: RegisterFilters) -> tablib.Dataset:
    """The register's projects with the filters, in the import's columns (one query)."""
    rows = register_projects(filters).values_list(
        "code",
        "name",
        "level",
        "area__code",
        "category",
        "year",
        "parent__code",
        "status",
        "progress",
        "budget",
        "weight",
        "start_date",
        "end_date",
        "lead",
        "owner_unit__code",
        "address",
        "latitude",
        "longitude",
    )[:EXPORT_MAX]
    dataset = tablib.Dataset(headers=PROJECT_COLUMNS)
    for row in rows.iterator(chunk_size=2000):
        dataset.append([_cell(value) for value in row])
    return dataset


def export_bytes(filters: RegisterFilters, *, file_format: str) -> bytes:
    dataset = export_dataset(filters)
    if file_format == "xlsx":
        return cast(bytes, dataset.export("xlsx"))
    return ("\ufeff" + cast(str, dataset.export("csv"))).encode(
        "utf-8"
    )  # the BOM lets Excel read it as UTF-8


# --- reading a file ----------------------------------------------------------------------------------


def _text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_rows(data: bytes, *, file_format: str) -> list[dict[str, str]]:
    """The file's rows as texts by column, or ImportProblems (a file that is not one, a missing column)."""
    if file_format not in FORMATS:
        raise FieldErrors({"file": _("must be a CSV or an XLSX file")})
    try:
        if file_format == "csv":
            text = data.decode("utf-8-sig")
            dataset = tablib.Dataset().load(text, format="csv")
        else:
            dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
    except UnicodeDecodeError:
        raise FieldErrors({"file": _("is not a CSV file in UTF-8")}) from None
    # tablib and openpyxl raise many kinds of error on a file that is not what it says (a zip that is
    # no workbook, ragged rows); each means the file cannot be read.
    except Exception:
        raise FieldErrors(
            {"file": _("cannot be read as a %(format)s file") % {"format": file_format.upper()}}
        ) from None
    headers = [_text_of(header).lower() for header in (dataset.headers or [])]
    if len(dataset) > ROWS_MAX:
        raise FieldErrors({"file": _("has more than %(count)d rows") % {"count": ROWS_MAX}})
    return [
        {header: _text_of(value) for header, value in zip(headers, row, strict=False) if header}
        for row in dataset
    ]


# --- checking ----------------------------------------------------------------------------------------


class _Row:
    """One row's values checked column by column; each problem is kept with its column."""

    def __init__(self, number: int, values: dict[str, str], problems: list[RowProblem]) -> None:
        self.line, self.values, self.problems = number, values, problems

    def problem(self, column: str, message: str) -> None:
        self.problems.append(RowProblem(self.line, column, message))

    def text(self, column: str) -> str | None:
        raw = self.values.get(column, "")
        try:
            value = clean_text(raw).strip()
        except TextProblem as problem:
            self.problem(column, str(problem))
            return None
        limit = TEXT_LIMITS.get(column)
        if limit and len(value) > limit:
            self.problem(column, _("must be at most %(limit_value)d characters") % {"limit_value": limit})
            return None
        return value

    def number(self, column: str, *, maximum: Decimal | None = None) -> Decimal | None:
        raw = self.values.get(column, "")
        if raw == "":
            return None
        try:
            if maximum is not None:
                return decimal_field(raw, field=column, maximum=maximum)
            return decimal_field(raw, field=column)
        except FieldErrors as problem:
            self.problem(column, problem.errors[column])
            return None

    def integer(self, column: str, low: int, high: int) -> int | None:
        raw = self.values.get(column, "")
        if not raw.isdigit() or not low <= int(raw) <= high:
            self.problem(column, _("must be a year from %(low)d to %(high)d") % {"low": low, "high": high})
            return None
        return int(raw)

    def day(self, column: str) -> date | None:
        raw = self.values.get(column, "")
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.problem(column, _("must be a date as YYYY-MM-DD"))
            return None

    def coordinate(self, column: str, low: float, high: float) -> float | None:
        raw = self.values.get(column, "")
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        if not low <= value <= high:
            self.problem(column, _("must be a number from %(low)s to %(high)s") % {"low": low, "high": high})
            return None
        return value


def _missing_columns(rows: list[dict[str, str]], kind: str) -> list[RowProblem]:
    present = set(rows[0]) if rows else set()
    return [RowProblem(1, column, _("the column is missing")) for column in sorted(REQUIRED[kind] - present)]


def _project_plan(rows: list[dict[str, str]]) -> Plan:
    problems = _missing_columns(rows, "projects")
    if problems:
        raise ImportProblems(problems)
    codes = [row.get("code", "") for row in rows]
    existing = {
        p.code: p
        for p in Project.objects.filter(code__in=[c for c in codes if c]).select_related(
            "area", "parent", "owner_unit"
        )
    }
    parents = {
        p.code: p.pk for p in Project.objects.filter(code__in={row.get("parent", "") for row in rows} - {""})
    }
    areas = dict(
        Area.objects.filter(code__in={row.get("area", "") for row in rows} - {""}).values_list("code", "id")
    )
    agencies = dict(
        Agency.objects.filter(code__in={row.get("owner_unit", "") for row in rows} - {""}).values_list(
            "code", "id"
        )
    )
    seen: set[str] = set()
    changes = []
    for number, values in enumerate(rows, start=2):
        row = _Row(number, values, problems)
        code = row.text("code")
        if code == "":
            row.problem("code", _("is required"))
        elif code in seen:
            row.problem("code", _("appears twice in the file"))
        name = row.text("name")
        if name == "":
            row.problem("name", _("is required"))
        level = values.get("level", "")
        if level not in Project.Level.values:
            row.problem(
                "level", _("must be one of: %(choices)s") % {"choices": ", ".join(Project.Level.values)}
            )
        year = row.integer("year", 2000, 2100)
        area = values.get("area", "")
        if area and area not in areas:
            row.problem("area", _("is not a region code of the directory"))
        parent = values.get("parent", "")
        if parent and parent == code:
            row.problem("parent", _("cannot be the project itself"))
        elif parent and parent not in parents and parent not in seen:
            row.problem("parent", _("is not the code of a project in the register or earlier in the file"))
        unit = values.get("owner_unit", "")
        if unit and unit not in agencies:
            row.problem("owner_unit", _("is not the code of an agency"))
        status = values.get("status", "") or None
        if status is not None and status not in Project.Status.values:
            row.problem(
                "status", _("must be one of: %(choices)s") % {"choices": ", ".join(Project.Status.values)}
            )
        checked: dict[str, Any] = {
            "name": name,
            "level": level,
            "year": year,
            "category": row.text("category"),
            "lead": row.text("lead"),
            "address": row.text("address"),
            "progress": row.number("progress", maximum=HUNDRED),
            "budget": row.number("budget"),
            "weight": row.number("weight"),
            "start_date": row.day("start_date"),
            "end_date": row.day("end_date"),
            "latitude": row.coordinate("latitude", -90, 90),
            "longitude": row.coordinate("longitude", -180, 180),
        }
        if code:
            seen.add(code)
        if problems:
            continue
        plain = {key: value for key, value in checked.items() if key in values or key in REQUIRED["projects"]}
        plain.update({"area": area or None, "parent": parent or None, "owner_unit": unit or None})
        if status is not None:
            plain["status"] = status
        for key in ("budget", "progress"):
            if key in plain and plain[key] is None:
                plain[key] = Decimal(0)
        current = existing.get(code or "")
        change = Change(
            row=number, key=code or "", action="create" if current is None else "unchanged", values=plain
        )
        if current is not None:
            was = {
                **{
                    key: getattr(current, key) for key in plain if key not in ("area", "parent", "owner_unit")
                },
                "area": current.area.code if current.area else None,
                "parent": current.parent.code if current.parent else None,
                "owner_unit": current.owner_unit.code if current.owner_unit else None,
            }
            change.fields = [
                (key, str(_cell(was[key])), str(_cell(value)))
                for key, value in plain.items()
                if _cell(was[key]) != _cell(value)
            ]
            if change.fields:
                change.action = "update"
        changes.append(change)
    if problems:
        raise ImportProblems(problems)
    return Plan(kind="projects", changes=changes)


def _indicator_plan(rows: list[dict[str, str]]) -> Plan:
    problems = _missing_columns(rows, "indicators")
    if problems:
        raise ImportProblems(problems)
    projects = dict(
        Project.objects.filter(code__in={row.get("project", "") for row in rows} - {""}).values_list(
            "code", "id"
        )
    )
    existing = {
        (i.project.code, i.code): i
        for i in Indicator.objects.filter(project__code__in=list(projects)).select_related("project")
    }
    seen: set[tuple[str, str]] = set()
    changes = []
    for number, values in enumerate(rows, start=2):
        row = _Row(number, values, problems)
        project = values.get("project", "")
        if project not in projects:
            row.problem("project", _("is not the code of a project in the register"))
        code = row.text("indicator") or ""
        if not code:
            row.problem("indicator", _("is required"))
        elif (project, code) in seen:
            row.problem("indicator", _("appears twice in the file for this project"))
        seen.add((project, code))
        checked = {
            "name": row.text("name"),
            "unit": row.text("unit"),
            "target": row.number("target"),
            "actual": row.number("actual"),
        }
        current = existing.get((project, code))
        if current is None and not problems:
            if not checked["name"]:
                row.problem("name", _("is required for a new indicator"))
            if checked["target"] is None:
                row.problem("target", _("is required for a new indicator"))
        if problems:
            continue
        plain = {key: value for key, value in checked.items() if key in values and value not in (None, "")}
        change = Change(
            row=number, key=f"{project}/{code}", action="create" if current is None else "unchanged"
        )
        change.values = {"project": project, "code": code, **plain}
        if current is not None:
            change.fields = [
                (key, str(_cell(getattr(current, key))), str(_cell(value)))
                for key, value in plain.items()
                if _cell(getattr(current, key)) != _cell(value)
            ]
            if change.fields:
                change.action = "update"
        changes.append(change)
    if problems:
        raise ImportProblems(problems)
    return Plan(kind="indicators", changes=changes)


def import_preview(*, data: bytes, file_format: str, kind: str) -> Plan:
    """What the file would change, row by row; ImportProblems (at most PROBLEMS_SHOWN) when any row is
    bad. Nothing is written."""
    if kind not in KINDS:
        raise FieldErrors({"kind": _("is not one of the choices")})
    rows = read_rows(data, file_format=file_format)
    if not rows:
        raise FieldErrors({"file": _("has no rows below its header")})
    try:
        return _project_plan(rows) if kind == "projects" else _indicator_plan(rows)
    except ImportProblems as problems:
        raise ImportProblems(problems.problems[:PROBLEMS_SHOWN]) from None


def _apply_projects(plan: Plan, actor: User) -> set[int]:
    from banshi.projects.services.register import project_enter

    touched: set[int] = set()
    codes: dict[str, int] = {}
    for change in plan.changes:
        if change.action == "unchanged":
            continue
        values: dict[str, Any] = dict(change.values)
        parent_code = values.pop("parent")
        area_code = values.pop("area")
        unit_code = values.pop("owner_unit")
        refs: dict[str, Any] = {
            "parent_id": codes.get(parent_code) or Project.objects.get(code=parent_code).pk
            if parent_code
            else None,
            "area_id": Area.objects.get(code=area_code).pk if area_code else None,
            "owner_unit_id": Agency.objects.get(code=unit_code).pk if unit_code else None,
        }
        if change.action == "create":
            project = project_enter(actor=actor, code=change.key, **values, **refs)
            codes[change.key] = project.pk
            continue
        project = Project.objects.select_for_update().get(code=change.key)
        old_status, old_parent = project.status, project.parent_id
        for key, value in {**values, **refs}.items():
            setattr(project, key, value)
        project.save()
        codes[change.key] = project.pk
        event_record(
            actor=actor,
            subject=project,
            event_type=EventType.PROJECT_IMPORTED,
            old_state=old_status,
            new_state=project.status,
            extra={"fields": ", ".join(column for column, _old, _new in change.fields), "row": change.row},
        )
        if old_status != project.status:
            event_record(
                actor=actor,
                subject=project,
                event_type=EventType.PROJECT_MOVED,
                old_state=old_status,
                new_state=project.status,
                reason=_("import"),
                extra={"progress": str(project.progress)},
            )
        touched.update(p for p in (project.parent_id, old_parent) if p)
    return touched


def _apply_indicators(plan: Plan, actor: User) -> set[int]:
    touched: set[int] = set()
    for change in plan.changes:
        if change.action == "unchanged":
            continue
        values = dict(change.values)
        project = Project.objects.select_for_update().get(code=values.pop("project"))
        code = values.pop("code")
        indicator = project.indicators.filter(code=code).first()
        if indicator is None:
            position = project.indicators.count()
            indicator = Indicator.objects.create(project=project, code=code, position=position, **values)
        else:
            for key, value in values.items():
                setattr(indicator, key, value)
            indicator.save()
        old = dict((column, old) for column, old, _new in change.fields).get("actual", "")
        event_record(
            actor=actor,
            subject=project,
            event_type=EventType.PROJECT_INDICATOR_SET,
            old_state=old,
            new_state=str(indicator.actual),
            extra={"indicator": indicator.name, "code": code, "row": change.row},
        )
        if project.parent_id:
            touched.add(project.parent_id)
    return touched


def import_apply(*, actor: User, data: bytes, file_format: str, kind: str) -> Plan:
    """The file's changes written in one transaction (checked again as they are now), the parents of the
    projects changed rolled up; ImportProblems and nothing written when any row is bad."""
    if not can_import(user=actor):
        raise PermissionDenied
    with transaction.atomic():
        plan = import_preview(data=data, file_format=file_format, kind=kind)
        touched = _apply_projects(plan, actor) if kind == "projects" else _apply_indicators(plan, actor)
        for parent_id in sorted(touched):
            roll_up(project_id=parent_id, actor=actor)
    return plan
