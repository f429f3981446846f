"""The public register as JSON: the projects with the register's filters, a page at a time, and one
project with its indicators and milestones. No personal data: owners are not named, only the unit."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import JsonValue, StringConstraints

from banshi.lib.errors import NotFound
from banshi.lib.schemas import CleanFirst, RecordId, errors
from banshi.projects.models import Project
from banshi.projects.selectors import SEARCH_MAX, RegisterFilters, project_page, register_page

router = Router(tags=["projects"])

Search = Annotated[str, CleanFirst, StringConstraints(max_length=SEARCH_MAX)]
Category = Annotated[str, CleanFirst, StringConstraints(max_length=60)]


class ProjectFilter(Schema):
    level: str = Field("", json_schema_extra={"enum": list[JsonValue](["", *Project.Level.values])})
    area: str = Field("", pattern=r"^([0-9]{2,12})?$", description="a region code: the area and all below it")
    category: Category = ""
    year: int | None = Field(None, ge=1900, le=2100)
    status: str = Field("", json_schema_extra={"enum": list[JsonValue](["", *Project.Status.values])})
    q: Search = Field("", description="part of the name")
    parent: int | None = Field(None, ge=1, le=2**63 - 1)
    page: int = Field(1, ge=1, le=100_000)


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    level: str
    area: str | None
    area_name: str | None
    category: str
    year: int
    parent: int | None
    owner_unit: str | None
    status: str
    progress: Decimal
    budget: Decimal
    start_date: date | None
    end_date: date | None
    latitude: float | None
    longitude: float | None


class ProjectPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[ProjectOut]


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    target: Decimal
    actual: Decimal
    percentage: Decimal | None


class MilestoneOut(Schema):
    title: str
    due: date
    done_at: datetime | None


class StageOut(Schema):
    year: int
    target_progress: Decimal
    due: date


class ProjectDetailOut(ProjectOut):
    description: str
    lead: str
    behind: bool
    indicators: list[IndicatorOut]
    milestones: list[MilestoneOut]
    stages: list[StageOut]
    children: list[int]


def _project(project: Project) -> dict[str, Any]:
    return {
        "id": project.pk,
        "code": project.code,
        "name": project.name,
        "level": project.level,
        "area": project.area.code if project.area else None,
        "area_name": project.area.name if project.area else None,
        "category": project.category,
        "year": project.year,
        "parent": project.parent_id,
        "owner_unit": project.owner_unit.code if project.owner_unit else None,
        "status": project.status,
        "progress": project.progress,
        "budget": project.budget,
        "start_date": project.start_date,
        "end_date": project.end_date,
        "latitude": project.latitude,
        "longitude": project.longitude,
    }


@router.get(
    "/projects",
    auth=None,
    response={200: ProjectPageOut, **errors(400)},
    operation_id="banshi_api_routes_project_list",
)
def project_list(request: HttpRequest, filters: Query[ProjectFilter]) -> dict[str, Any]:
    """The register with the page's filters, 20 a page, the latest year first."""
    from banshi.lib.errors import FieldErrors

    if filters.level not in ("", *Project.Level.values):
        raise FieldErrors({"level": "is not a level"})
    if filters.status not in ("", *Project.Status.values):
        raise FieldErrors({"status": "is not a status"})
    page = register_page(
        RegisterFilters(
            level=filters.level,
            area=filters.area,
            category=filters.category,
            year=filters.year,
            status=filters.status,
            q=filters.q.strip(),
            parent=filters.parent,
        ),
        page=filters.page,
    )
    return {
        "count": page.count,
        "page": page.number,
        "pages": page.pages,
        "results": [_project(p) for p in page.projects],
    }


@router.get(
    "/projects/{project_id}",
    auth=None,
    response={200: ProjectDetailOut, **errors(400, 404)},
    operation_id="banshi_api_routes_project_detail",
)
def project_detail(request: HttpRequest, project_id: RecordId) -> dict[str, Any]:
    page = project_page(viewer=request.user, project_id=project_id)
    if page is None:
        raise NotFound()
    project = page.project
    return {
        **_project(project),
        "description": project.description,
        "lead": project.lead,
        "behind": page.behind,
        "indicators": [
            {
                "code": i.code,
                "name": i.name,
                "unit": i.unit,
                "target": i.target,
                "actual": i.actual,
                "percentage": i.percentage,
            }
            for i in page.indicators
        ],
        "milestones": [{"title": m.title, "due": m.due, "done_at": m.done_at} for m in page.milestones],
        "stages": [{"year": s.year, "target_progress": s.target_progress, "due": s.due} for s in page.stages],
        "children": [child.pk for child in page.children],
    }
