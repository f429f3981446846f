"""The public statistics page: the three rates per unit for a month, a quarter, a year or any range."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from banshi.lib.errors import FieldErrors
from banshi.problems.stats import NO_ANSWER_AFTER, RANKING_MINIMUM, period_from_query, problems_stats_cached


@require_safe
def stats(request: HttpRequest) -> HttpResponse:
    context: dict = {
        "ranking_minimum": RANKING_MINIMUM,
        "no_answer_days": NO_ANSWER_AFTER.days,
        "query": {key: request.GET.get(key, "") for key in ("month", "quarter", "year", "from", "to")},
    }
    try:
        period = period_from_query(request.GET)
    except FieldErrors as problem:
        context["errors"] = problem.errors
        return render(request, "problems/stats.html", context, status=400)
    context["stats"] = problems_stats_cached(period)
    return render(request, "problems/stats.html", context)
