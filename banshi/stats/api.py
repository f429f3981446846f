"""The open numbers as open data: each figure's table as JSON, CSV or XLSX, for a period and an area, at
a stable address. No token needed; small cells are masked as on the public page."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Path, Query, Router, Schema
from pydantic import StringConstraints

from banshi.lib.errors import NotFound
from banshi.lib.schemas import errors
from banshi.stats import registry
from banshi.stats.exports import CONTENT_TYPES, table_download, table_json

router = Router(tags=["numbers"])

FigureCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,59}$")]
Param = Annotated[str, StringConstraints(max_length=20)]


class PeriodArea(Schema):
    """One period (a month, a quarter, a year, or a range of days `from`–`to`, both included; the
    current month when none), an area (a district's six-digit code; the city when none) and, for the
    applications' figures, a bundle (every bundle when none)."""

    month: Param = Field("", description="a month like 2026-11")
    quarter: Param = Field("", description="a quarter like 2026-Q4")
    year: Param = Field("", description="a year like 2026")
    from_: Param = Field("", alias="from", description="the first day of a range, like 2026-11-01")
    to: Param = Field("", description="the last day of a range, like 2026-11-30")
    area: Param = Field("", description="a district's six-digit region code")
    bundle: Param = Field("", description="a bundle's code: that bundle's applications only")


class ColumnOut(Schema):
    key: str
    label: str
    kind: str


class PeriodOut(Schema):
    first_day: str
    last_day: str


class FigureOut(Schema):
    figure: str
    title: str
    definition: str
    period: PeriodOut
    area: str
    masked: bool
    columns: list[ColumnOut]
    # Cells keyed by the columns' keys: numbers (shares as fractions), text, "< 5" for a small cell, or
    # null when there is nothing to compute the value from.
    rows: list[dict[str, int | float | str | None]]


def _table(code: str, params: PeriodArea) -> registry.Table:
    found = registry.figure(code)
    if found is None:
        raise NotFound
    values = params.model_dump(by_alias=True)
    return registry.table(found, registry.query_from_params(values, masked=True))


def _file(content_type: str, description: str) -> dict[str, Any]:
    return {
        "responses": {
            200: {
                "description": description,
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


@router.get(
    "/numbers/{code}.json",
    auth=None,
    response={200: FigureOut, **errors(400, 404)},
    url_name="stats_figure_json",
    operation_id="banshi_api_stats_figure_json",
)
def figure_json(request: HttpRequest, code: Path[FigureCode], params: Query[PeriodArea]) -> dict[str, Any]:
    """A figure's table, as the public dashboard shows it, with its definition. A bad period or area is a
    400 naming the parameter; an unknown figure a 404."""
    return table_json(_table(code, params))


@router.get(
    "/numbers/{code}.csv",
    auth=None,
    response={**errors(400, 404)},
    url_name="stats_figure_csv",
    operation_id="banshi_api_stats_figure_csv",
    openapi_extra=_file("text/csv", "The table as CSV (UTF-8 with a byte-order mark)."),
)
def figure_csv(request: HttpRequest, code: Path[FigureCode], params: Query[PeriodArea]) -> HttpResponse:
    """The same table as CSV."""
    return table_download(_table(code, params), fmt="csv")


@router.get(
    "/numbers/{code}.xlsx",
    auth=None,
    response={**errors(400, 404)},
    url_name="stats_figure_xlsx",
    operation_id="banshi_api_stats_figure_xlsx",
    openapi_extra=_file(CONTENT_TYPES["xlsx"], "The table as an XLSX workbook."),
)
def figure_xlsx(request: HttpRequest, code: Path[FigureCode], params: Query[PeriodArea]) -> HttpResponse:
    """The same table as an XLSX workbook."""
    return table_download(_table(code, params), fmt="xlsx")
