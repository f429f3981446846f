"""The open numbers' pages: the public dashboard, the supervisors' unmasked one with the lists behind the
numbers, and the home page's counter."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.audit.services import event_record
from banshi.directory.access import supervisor_required
from banshi.directory.selectors import district_choices
from banshi.lib.errors import FieldErrors
from banshi.stats import registry
from banshi.stats.drill import DRILLS
from banshi.stats.events import EventType
from banshi.stats.exports import dataset, download
from banshi.stats.figures.names import bundle_names
from banshi.stats.figures.problems import SOLVED_DEFINITION, solved_this_year
from banshi.stats.registry import Query, query_from_params

PARAMS = ("month", "quarter", "year", "from", "to", "area", "bundle")


def _asked(request: HttpRequest) -> dict[str, str]:
    return {key: request.GET.get(key, "") for key in PARAMS}


def _figure_context(figure: registry.Figure, query: Query, *, supervisor: bool) -> dict[str, Any]:
    table = registry.table(figure, query)
    params = urlencode(query.params())
    cells = table.display()
    rows = []
    for raw, shown in zip(table.rows, cells, strict=True):
        row = []
        for column, text in zip(figure.columns, shown, strict=True):
            link = ""
            drill = figure.drills.get(column.key)
            if supervisor and drill and raw.get(column.key):
                link = (
                    reverse("stats:drill", args=[drill])
                    + "?"
                    + urlencode({**query.params(), "key": raw.get("_key", "")})
                )
            row.append({"text": text, "link": link, "kind": column.kind})
        rows.append({"cells": row, "total": bool(raw.get("_total"))})
    chart = table.chart()
    return {
        "figure": figure,
        "rows": rows,
        "empty": table.empty,
        "chart": chart,
        "chart_id": f"chart-data-{figure.code}",
        "downloads": [
            (fmt.upper(), reverse(f"api:stats_figure_{fmt}", kwargs={"code": figure.code}) + f"?{params}")
            for fmt in ("csv", "xlsx", "json")
        ],
    }


def _dashboard(request: HttpRequest, *, supervisor: bool) -> HttpResponse:
    context: dict[str, Any] = {
        "asked": _asked(request),
        "districts": district_choices(),
        "bundles": bundle_names(),
        "supervisor": supervisor,
        "solved_definition": SOLVED_DEFINITION,
    }
    try:
        query = query_from_params(request.GET, masked=not supervisor)
    except FieldErrors as problem:
        context["errors"] = problem.errors
        return render(request, "stats/dashboard.html", context, status=400)
    context["query"] = query
    context["sections"] = [
        {
            "section": section,
            "figures": [
                _figure_context(figure, query, supervisor=supervisor)
                for figure in registry.figures(section.code)
            ],
        }
        for section in registry.sections()
    ]
    context["all_empty"] = all(item["empty"] for s in context["sections"] for item in s["figures"])
    return render(request, "stats/dashboard.html", context)


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    return _dashboard(request, supervisor=False)


@supervisor_required
@require_safe
def supervise_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _dashboard(request, supervisor=True)


@supervisor_required
@require_safe
def drill(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    found = DRILLS.get(code)
    if found is None:
        raise Http404
    key = request.GET.get("key", "").strip()[:60]
    context: dict[str, Any] = {
        "drill": found,
        "asked": _asked(request),
        "key": key,
        "subject": found.subject(key),
    }
    try:
        query = query_from_params(request.GET, masked=False)
    except FieldErrors as problem:
        context["errors"] = problem.errors
        return render(request, "stats/drill.html", context, status=400)
    rows = found.rows(query, key)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        with transaction.atomic():
            event_record(
                actor=request.user,
                subject=request.user,
                event_type=EventType.LIST_EXPORTED,
                extra={"list": code, "key": key, "format": fmt, "rows": len(rows), **query.params()},
            )
        data = dataset(
            [str(label) for _key, label in found.columns],
            [[row[name] for name, _label in found.columns] for row in rows],
            title=code,
        )
        return download(data, fmt=fmt, filename=f"{code}-{key or 'all'}-{timezone.localdate():%Y%m%d}")
    params = {**query.params(), "key": key}
    context |= {
        "query": query,
        "rows": [
            {"link": row["link"], "cells": [row[name] for name, _label in found.columns]} for row in rows
        ],
        "exports": [(fmt.upper(), "?" + urlencode({**params, "format": fmt})) for fmt in ("csv", "xlsx")],
        "back": reverse("stats:supervise") + "?" + urlencode(query.params()),
    }
    return render(request, "stats/drill.html", context)


@require_safe
def counter(request: HttpRequest) -> HttpResponse:
    """The home page's counter, as a fragment the page loads: problems solved this year."""
    solved = solved_this_year(today=timezone.localdate())
    response = render(request, "stats/_counter.html", {"solved": solved, "definition": SOLVED_DEFINITION})
    response["Cache-Control"] = "public, max-age=300"
    return response
