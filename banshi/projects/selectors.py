"""Reads of the register: the public list (filtered, a page at a time, in a constant number of queries),
a project's page with everything it shows, its timeline from the audit events, the pins of the map, the
owner's projects and the projects behind their milestones or yearly stage targets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from banshi.audit.models import Event
from banshi.directory.models import Area
from banshi.directory.selectors import is_supervisor
from banshi.problems.models import Report
from banshi.projects.events import SUBJECT, TIMELINE, EventType
from banshi.projects.models import Indicator, Milestone, Project, StageTarget, Update

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from banshi.accounts.models import User

PAGE_SIZE = 20
PINS_LIMIT = 500
SEARCH_MAX = 60
# How deep the register goes: city, district, street, community.
DEPTH_MAX = 6


@dataclass(frozen=True)
class RegisterFilters:
    level: str = ""
    area: str = ""  # a region code: the area and everything below it
    category: str = ""
    year: int | None = None
    status: str = ""
    q: str = ""
    parent: int | None = None

    def query_string(self) -> str:
        from urllib.parse import urlencode

        pairs = {
            "level": self.level,
            "area": self.area,
            "category": self.category,
            "year": self.year or "",
            "status": self.status,
            "q": self.q,
            "parent": self.parent or "",
        }
        return urlencode({key: value for key, value in pairs.items() if value})


def ancestor_ids(project: Project) -> list[int]:
    """The project's own id and those above it, nearest first (one query a level, at most DEPTH_MAX)."""
    ids = [project.pk]
    parent_id = project.parent_id
    while parent_id is not None and parent_id not in ids and len(ids) < DEPTH_MAX:
        ids.append(parent_id)
        parent_id = Project.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return ids


def can_edit(*, user: User | AnonymousUser, project: Project) -> bool:
    """An owner of the project or of a project above it; an administrator. Nobody else: not a resident,
    not the other officers of the owner unit, not another project's owner."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Project.owners.through.objects.filter(
        user_id=user.pk, project_id__in=ancestor_ids(project)
    ).exists()


def can_import(*, user: User | AnonymousUser) -> bool:
    """Importing rewrites many projects at once: the administrators' (Django's staff) only."""
    return bool(user.is_authenticated and user.is_staff)


def register_projects(filters: RegisterFilters) -> QuerySet[Project]:
    projects = Project.objects.select_related("area", "owner_unit")
    if filters.level:
        projects = projects.filter(level=filters.level)
    if filters.area:
        # The area and those below it by their ids (a district's are a few hundred), not by joining
        # every project to its area.
        areas = Area.objects.filter(code__startswith=filters.area).values("id")
        projects = projects.filter(area_id__in=areas)
    if filters.category:
        projects = projects.filter(category=filters.category)
    if filters.year:
        projects = projects.filter(year=filters.year)
    if filters.status:
        projects = projects.filter(status=filters.status)
    if filters.q:
        projects = projects.filter(name__icontains=filters.q)
    if filters.parent:
        projects = projects.filter(parent_id=filters.parent)
    return projects.order_by("-year", "level", "name", "id")


@dataclass
class RegisterPage:
    projects: list[Project]
    number: int
    pages: int
    count: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def register_page(filters: RegisterFilters, *, page: int = 1, size: int = PAGE_SIZE) -> RegisterPage:
    """One page of the register: two queries (the count, the page), whatever the filters."""
    projects = register_projects(filters)
    count = projects.count()
    pages = max(1, -(-count // size))
    number = min(max(1, page), pages)
    rows = list(projects[(number - 1) * size : number * size])
    return RegisterPage(projects=rows, number=number, pages=pages, count=count)


# The filters' choices are read over the whole register: kept a few minutes rather than read for every
# page (a new category shows in the filter within CHOICES_SECONDS).
CHOICES_SECONDS = 300


def _categories() -> list[str]:
    return list(
        Project.objects.exclude(category="")
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )


def _years() -> list[int]:
    return list(Project.objects.order_by("-year").values_list("year", flat=True).distinct())


def register_categories() -> list[str]:
    return cast(list[str], cache.get_or_set("projects:register:categories", _categories, CHOICES_SECONDS))


def register_years() -> list[int]:
    return cast(list[int], cache.get_or_set("projects:register:years", _years, CHOICES_SECONDS))


def map_pins(filters: RegisterFilters, *, limit: int = PINS_LIMIT) -> list[dict[str, Any]]:
    rows = (
        register_projects(filters)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .values("id", "name", "status", "latitude", "longitude")[:limit]
    )
    return [
        {
            "id": r["id"],
            "title": r["name"],
            "status": r["status"],
            "lat": r["latitude"],
            "lng": r["longitude"],
        }
        for r in rows
    ]


@dataclass
class TimelineEntry:
    at: Any
    event_type: str
    text: str


def timeline(project: Project, *, events: list[Event] | None = None) -> list[TimelineEntry]:
    """The project's events with a label, oldest first: from its entry (or its proposal, when the
    selection round records it on the project) to the year-end verdict. The roll-ups of one day are one
    entry, the day's last: a parent of 126 communities is rolled up at each of their changes."""
    statuses = dict(Project.Status.choices)
    if events is None:
        events = list(
            Event.objects.filter(subject_type=SUBJECT, subject_id=str(project.pk)).order_by(
                "created_at", "id"
            )
        )
    entries: list[TimelineEntry] = []
    for event in events:
        if event.event_type not in TIMELINE:
            continue
        values: dict[str, Any] = {"fields": "", "indicator": "", "milestone": "", "report": ""}
        values.update({key: value for key, value in event.extra.items() if isinstance(value, str | int)})
        values["old"] = statuses.get(event.old_state, event.old_state)
        values["new"] = statuses.get(event.new_state, event.new_state)
        try:
            text = str(TIMELINE[event.event_type]) % values
        except (KeyError, ValueError, TypeError):
            text = str(TIMELINE[event.event_type])
        entry = TimelineEntry(at=event.created_at, event_type=event.event_type, text=text)
        last = entries[-1] if entries else None
        if (
            last is not None
            and event.event_type == last.event_type == EventType.PROJECT_ROLLED_UP
            and timezone.localdate(last.at) == timezone.localdate(event.created_at)
        ):
            entries[-1] = entry
        else:
            entries.append(entry)
    return entries


@dataclass
class LinkedReport:
    """What the project page shows of a linked problem: its public information only, no reporter."""

    number: str
    category: str
    status: str
    district: str
    filed_at: Any
    solved: bool


@dataclass
class ProjectPage:
    project: Project
    ancestors: list[Project]
    children: list[Project]
    children_count: int
    indicators: list[Indicator]
    milestones: list[Milestone]
    stages: list[StageTarget]
    updates: list[Update]
    reports: list[LinkedReport]
    timeline: list[TimelineEntry]
    chart: dict[str, Any]
    behind: bool
    editable: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


CHILDREN_SHOWN = 200
UPDATES_SHOWN = 20


def project_by_id(project_id: int) -> Project | None:
    return Project.objects.select_related("area", "owner_unit", "parent").filter(pk=project_id).first()


def _chart(project: Project, events: list[Event], stages: list[StageTarget]) -> dict[str, Any]:
    """The progress over time for the chart, a point a day (the day's last value), and the stage
    targets."""
    by_day: dict[str, float] = {}
    for event in events:
        if event.event_type in (
            EventType.PROJECT_UPDATE_POSTED,
            EventType.PROJECT_ROLLED_UP,
            EventType.PROJECT_MOVED,
        ):
            value = (
                event.new_state
                if event.event_type != EventType.PROJECT_MOVED
                else event.extra.get("progress")
            )
            try:
                by_day[timezone.localdate(event.created_at).isoformat()] = float(Decimal(str(value)))
            except (ArithmeticError, ValueError, TypeError):
                continue
    by_day[timezone.localdate().isoformat()] = float(project.progress)
    return {
        "progress": [[day, value] for day, value in sorted(by_day.items())],
        "stages": [[stage.due.isoformat(), float(stage.target_progress)] for stage in stages],
    }


def _linked_reports(project: Project) -> list[LinkedReport]:
    reports = (
        Report.objects.filter(project_links__project=project, private=False)
        .select_related("category", "district")
        .order_by("-filed_at")[:50]
    )
    return [
        LinkedReport(
            number=r.number,
            category=r.category.name,
            status=r.get_status_display(),
            district=r.district.name if r.district else "",
            filed_at=r.filed_at,
            solved=r.status in Report.DONE,
        )
        for r in reports
    ]


def is_behind(
    project: Project, *, today: date, milestones: list[Milestone], stages: list[StageTarget]
) -> bool:
    if project.status in (Project.Status.COMPLETED, Project.Status.VERIFIED, Project.Status.CANCELLED):
        return False
    late_milestone = any(m.done_at is None and m.due < today for m in milestones)
    late_stage = any(s.due < today and project.progress < s.target_progress for s in stages)
    return late_milestone or late_stage


def project_page(*, viewer: User | AnonymousUser, project_id: int) -> ProjectPage | None:
    """Everything the project's page shows, in a constant number of queries (the children shown are at
    most CHILDREN_SHOWN, the updates UPDATES_SHOWN)."""
    project = project_by_id(project_id)
    if project is None:
        return None
    ancestors = []
    parent = project.parent
    ids = ancestor_ids(project)[1:]
    if ids:
        found = {p.pk: p for p in Project.objects.filter(pk__in=ids).only("id", "name")}
        ancestors = [found[i] for i in reversed(ids) if i in found]
    elif parent is not None:
        ancestors = [parent]
    children_rows = project.children.only("id", "name", "progress", "parent_id").order_by("name", "id")
    children = list(children_rows[:CHILDREN_SHOWN])
    children_count = len(children) if len(children) < CHILDREN_SHOWN else children_rows.count()
    milestones = list(project.milestones.all())
    stages = list(project.stages.all())
    updates = list(
        project.updates.select_related("author").prefetch_related("photos", "documents")[:UPDATES_SHOWN]
    )
    events = list(
        Event.objects.filter(subject_type=SUBJECT, subject_id=str(project.pk)).order_by("created_at", "id")
    )
    today = timezone.localdate()
    return ProjectPage(
        project=project,
        ancestors=ancestors,
        children=children,
        children_count=children_count,
        indicators=list(project.indicators.all()),
        milestones=milestones,
        stages=stages,
        updates=updates,
        reports=_linked_reports(project),
        timeline=timeline(project, events=events),
        chart=_chart(project, events, stages),
        behind=is_behind(project, today=today, milestones=milestones, stages=stages),
        editable=can_edit(user=viewer, project=project),
    )


def projects_of_owner(*, user: User | AnonymousUser) -> list[Project]:
    """The projects the user owns (not those below them: a parent's page lists its children)."""
    if not user.is_authenticated:
        return []
    return list(user.owned_projects.select_related("area").order_by("-year", "name", "id")[:500])


def owns_any(*, user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and Project.owners.through.objects.filter(user_id=user.pk).exists())


def behind_projects(*, today: date, limit: int = 500) -> QuerySet[Project]:
    """The open projects with a milestone past its date not done, or past a yearly stage's date below its
    target progress: the supervisors' list, the longest overdue first."""
    late_milestone = Milestone.objects.filter(project=OuterRef("pk"), done_at__isnull=True, due__lt=today)
    late_stage = StageTarget.objects.filter(
        project=OuterRef("pk"), due__lt=today, target_progress__gt=OuterRef("progress")
    )
    return (
        Project.objects.exclude(
            status__in=[Project.Status.COMPLETED, Project.Status.VERIFIED, Project.Status.CANCELLED]
        )
        .filter(Q(Exists(late_milestone)) | Q(Exists(late_stage)))
        .select_related("area", "owner_unit")
        .order_by("end_date", "name", "id")[:limit]
    )


def behind_reasons(projects: list[Project], *, today: date) -> Mapping[int, list[str]]:
    """For each project: its late milestones' titles and late stages' years (two queries)."""
    reasons: dict[int, list[str]] = {p.pk: [] for p in projects}
    for milestone in Milestone.objects.filter(project__in=projects, done_at__isnull=True, due__lt=today):
        reasons[milestone.project_id].append(f"{milestone.title} ({milestone.due:%Y-%m-%d})")
    for stage in StageTarget.objects.filter(project__in=projects, due__lt=today).filter(
        target_progress__gt=F("project__progress")
    ):
        reasons[stage.project_id].append(f"{stage.year}: {stage.target_progress}%")
    return reasons


def can_supervise(*, user: User | AnonymousUser) -> bool:
    return is_supervisor(user=user)
