"""Zero trips (一次都不跑): video calls with a window clerk, their waits and lengths, applications sent
from home, and the calls' ratings."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.cases.models import Application
from banshi.stats.figures.cases import ratings_rows
from banshi.stats.figures.names import district_names
from banshi.stats.registry import (
    Chart,
    Column,
    Figure,
    Query,
    Row,
    Section,
    figure_register,
    quantile,
    section_register,
    share,
)
from banshi.stats.rollup import Measure

SECTION = section_register(
    Section(
        code="zero-trips",
        title=gettext_lazy("Zero trips"),
        summary=gettext_lazy(
            "A video call with a window clerk instead of a visit: questions answered and materials checked "
            "on camera, then the application sent from home."
        ),
        order=20,
    )
)


def video_calls(query: Query) -> list[Row]:
    calls = query.sums(Measure.CALLS, ("district",))
    waits = query.sums(Measure.WAIT_MINUTES, ("district", "bucket"))
    lengths = query.sums(Measure.CALL_MINUTES, ("district", "bucket"))
    names = district_names()

    def row(label: str, key: str, pick: str | None) -> Row:
        wait: Counter = Counter()
        length: Counter = Counter()
        for (district, bucket), count in waits.items():
            if pick is None or district == pick:
                wait[bucket] += count
        for (district, bucket), count in lengths.items():
            if pick is None or district == pick:
                length[bucket] += count
        return {
            "_key": key,
            "district": label,
            "calls": sum(n for (d,), n in calls.items() if pick is None or d == pick),
            "waits": sum(wait.values()),
            "median_wait": quantile(wait, 0.5),
            "p90_wait": quantile(wait, 0.9),
            "ended": sum(length.values()),
            "median_length": quantile(length, 0.5),
            "p90_length": quantile(length, 0.9),
        }

    codes = sorted({key[0] for key in calls} | {key[0] for key in waits} | {key[0] for key in lengths})
    rows = [row(names.get(code, code) if code else _("no district"), code, code) for code in codes]
    return [*rows, {**row(_("All districts"), "", None), "_total": True}]


figure_register(
    Figure(
        code="video-calls",
        section=SECTION.code,
        title=gettext_lazy("Video calls"),
        definition=gettext_lazy(
            "Calls: video calls that connected in the period (both sides' media flowing). Wait: minutes "
            "from taking a number in the live queue to being called, for numbers called in the period. "
            "Length: minutes from connecting to ending, for calls that ended in the period. Minutes are "
            "rounded up; the median and the 90th percentile are the smallest values that half and nine "
            "tenths of them reach at most. A call counts in the district of its video window."
        ),
        columns=(
            Column("district", gettext_lazy("District"), "text"),
            Column("calls", gettext_lazy("Calls")),
            Column("waits", gettext_lazy("Numbers called")),
            Column("median_wait", gettext_lazy("Median wait (minutes)"), "minutes", base="waits"),
            Column("p90_wait", gettext_lazy("90th percentile wait (minutes)"), "minutes", base="waits"),
            Column("ended", gettext_lazy("Calls ended")),
            Column("median_length", gettext_lazy("Median length (minutes)"), "minutes", base="ended"),
            Column("p90_length", gettext_lazy("90th percentile length (minutes)"), "minutes", base="ended"),
        ),
        select=video_calls,
        chart=Chart("bar", "district", ("calls",)),
    )
)


def from_home(query: Query) -> list[Row]:
    submitted = query.sums(Measure.SUBMITTED, ("channel",))
    whole = sum(submitted.values())
    home = submitted[(Application.Channel.ONLINE.value,)] + submitted[(Application.Channel.VIDEO.value,)]
    window = submitted[(Application.Channel.WINDOW.value,)]
    return [
        {
            "_key": "home",
            "place": _("From home (online or by video)"),
            "submitted": home,
            "share": share(home, whole),
        },
        {"_key": "window", "place": _("At a window"), "submitted": window, "share": share(window, whole)},
        {
            "_total": True,
            "_key": "",
            "place": _("All applications"),
            "submitted": whole,
            "share": share(whole, whole),
        },
    ]


figure_register(
    Figure(
        code="from-home",
        section=SECTION.code,
        title=gettext_lazy("Applications submitted from home"),
        definition=gettext_lazy(
            "Applications submitted in the period without a visit (online, or by a clerk during a video "
            "call) against those submitted at a service window."
        ),
        columns=(
            Column("place", gettext_lazy("Submitted"), "text"),
            Column("submitted", gettext_lazy("Applications")),
            Column("share", gettext_lazy("Share"), "share", base="submitted"),
        ),
        select=from_home,
        chart=Chart("pie", "place", ("submitted",)),
    )
)

figure_register(
    Figure(
        code="call-ratings",
        section=SECTION.code,
        title=gettext_lazy("Ratings of video calls"),
        definition=gettext_lazy(
            "The residents' ratings of their video calls given in the period, on the five-level scale. "
            "The last row's share is that of fairly satisfied or better."
        ),
        columns=(
            Column("level", gettext_lazy("Rating"), "text"),
            Column("ratings", gettext_lazy("Ratings")),
            Column("share", gettext_lazy("Share"), "share", base="ratings"),
        ),
        select=lambda query: ratings_rows(query.sums(Measure.CALL_RATED, ("bucket",))),
        chart=Chart("bar", "level", ("ratings",)),
    )
)
