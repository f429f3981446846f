"""A table of the open numbers (or a list behind a number) as CSV, XLSX or JSON, through tablib."""

from __future__ import annotations

import json
from typing import Any

import tablib  # type: ignore[import-untyped]
from django.http import HttpResponse

from banshi.stats.registry import Table

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def table_json(table: Table) -> dict[str, Any]:
    period = table.query.period
    return {
        "figure": table.figure.code,
        "title": str(table.figure.title),
        "definition": str(table.figure.definition),
        "period": {"first_day": period.first_day.isoformat(), "last_day": period.last_day.isoformat()},
        "area": table.query.district,
        "masked": table.query.masked,
        "columns": [{"key": c.key, "label": str(c.label), "kind": c.kind} for c in table.figure.columns],
        "rows": table.values(),
    }


def dataset(headers: list[str], rows: list[list[Any]], title: str = "") -> tablib.Dataset:
    data = tablib.Dataset(headers=headers, title=title[:31] or None)
    for row in rows:
        data.append(row)
    return data


def table_dataset(table: Table) -> tablib.Dataset:
    columns = table.figure.columns
    return dataset(
        [str(column.label) for column in columns],
        [[row[column.key] for column in columns] for row in table.values()],
        title=table.figure.code,
    )


def download(data: tablib.Dataset, *, fmt: str, filename: str) -> HttpResponse:
    body: bytes | str
    if fmt == "xlsx":
        body = data.export("xlsx")
    else:
        # With a byte-order mark: a spreadsheet opening the file takes it for UTF-8 (Chinese names).
        body = "\ufeff" + data.export("csv")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def table_download(table: Table, *, fmt: str) -> HttpResponse:
    params = table.query.params()
    suffix = "-".join(params.values())
    if fmt == "json":
        return HttpResponse(
            json.dumps(table_json(table), ensure_ascii=False), content_type=CONTENT_TYPES["json"]
        )
    return download(table_dataset(table), fmt=fmt, filename=f"{table.figure.code}-{suffix}")
