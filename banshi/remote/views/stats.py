"""The supervisors' figures of the video window."""

from django.http import HttpResponse
from django.shortcuts import render

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.directory.access import supervisor_required
from banshi.remote.selectors import video_stats

PERIODS = (7, 30, 90)


@supervisor_required
def remote_stats(request: AuthenticatedHttpRequest) -> HttpResponse:
    asked = request.GET.get("days", "")
    days = int(asked) if asked.isdigit() and int(asked) in PERIODS else 30
    stats = video_stats(days=days)
    busiest = max((count for _day, count in stats["per_day"]), default=0)
    most_rated = max((row["count"] for row in stats["ratings"]), default=0)
    context = {
        "stats": stats,
        "periods": PERIODS,
        "per_day": [
            {"day": day, "count": count, "width": round(100 * count / busiest) if busiest else 0}
            for day, count in stats["per_day"]
        ],
        "ratings": [
            {**row, "width": round(100 * row["count"] / most_rated) if most_rated else 0}
            for row in stats["ratings"]
        ],
    }
    return render(request, "remote/stats.html", context)
