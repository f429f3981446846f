"""The outreach section on a hand-computed fixture (the clock at 2026-12-02 10:00).

Programmes: Yuzhong's (its unit in Yuzhong, from 1 September, at least 2 lectures a month, and at schools and
in villages at least 2 each a quarter) and Jiangbei's (from 1 November, at least 1 a month). Yuzhong's
lectures, in Yuzhong: 10 October at a school (closed; 3 check-ins, 4 walk-ins), 20 October at the same
school (closed; 2 check-ins), 25 October in a community (cancelled), 5 November in a village (held;
1 check-in, 10 walk-ins), 10 December (scheduled). Jiangbei's: 12 November at a company in Jiangbei
(closed; 5 check-ins).

Videos: a campaign of 1 September with V1 received on 3 September and published on 10 October, V2 received
on 3 September, published on 3 November and withdrawn on 20 November, V3 received on 3 September and
waiting for moderation, V4 received on 3 September and not accepted (5 October), V5 received on 28
November and waiting, V6 still uploading; a second campaign of 1 December with nothing yet."""

import pytest
from django.utils import translation

from banshi.stats import registry
from banshi.stats.registry import MASK, query_from_params
from banshi.stats.tests.conftest import JIANGBEI, YUZHONG

pytestmark = pytest.mark.django_db
RANGE = {"from": "2026-10-01", "to": "2026-11-30"}


def _rows(code: str, masked: bool = False, **params):
    found = registry.figure(code)
    assert found is not None
    table = registry.table(found, query_from_params(params, masked=masked))
    return {raw["_key"]: row for raw, row in zip(table.rows, table.values(), strict=True)}


def test_lectures_held_against_the_quotas(lectures):
    rows = _rows("outreach-quotas", **RANGE)
    yuzhong, jiangbei = rows[lectures["yuzhong"]], rows[lectures["jiangbei"]]
    # Two months of at least 2; the cancelled lecture and the December one not counted.
    assert (yuzhong["months"], yuzhong["required"], yuzhong["held"], yuzhong["share"]) == (2, 4, 3, 0.75)
    # From its start in November only.
    assert (jiangbei["months"], jiangbei["required"], jiangbei["held"]) == (1, 1, 1)
    assert (rows[""]["required"], rows[""]["held"], rows[""]["share"]) == (5, 4, 0.8)
    assert _rows("outreach-quotas", month="2026-10")[lectures["jiangbei"]]["required"] is None
    # December runs on: held so far against the month's quota.
    december = _rows("outreach-quotas", month="2026-12")[lectures["yuzhong"]]
    assert (december["required"], december["held"]) == (2, 0)
    assert set(_rows("outreach-quotas", area=JIANGBEI, **RANGE)) == {lectures["jiangbei"], ""}
    public = _rows("outreach-quotas", masked=True, **RANGE)[lectures["yuzhong"]]
    assert (public["held"], public["share"], public["required"]) == (MASK, MASK, 4)


def test_venues_reached_by_kind(lectures):
    rows = _rows("outreach-venues", **RANGE)
    assert (rows["school"]["lectures"], rows["school"]["venues"]) == (2, 1)
    assert (rows["village"]["lectures"], rows["company"]["lectures"]) == (1, 1)
    assert rows["community"]["lectures"] == 0  # cancelled
    assert (rows[""]["lectures"], rows[""]["venues"]) == (4, 3)
    jiangbei = _rows("outreach-venues", area=JIANGBEI, **RANGE)
    assert (jiangbei[""]["lectures"], jiangbei["school"]["lectures"]) == (1, 0)
    assert len(rows) == 7  # the six kinds and the total


def test_attendance_is_check_ins_and_walk_ins(lectures):
    rows = _rows("outreach-attendance", **RANGE)
    yuzhong, jiangbei = rows[lectures["yuzhong"]], rows[lectures["jiangbei"]]
    assert (yuzhong["lectures"], yuzhong["checked_in"], yuzhong["walk_ins"], yuzhong["attendance"]) == (
        3,
        6,
        14,
        20,
    )
    assert (jiangbei["lectures"], jiangbei["checked_in"], jiangbei["attendance"]) == (1, 5, 5)
    assert rows[""]["attendance"] == 25
    assert set(_rows("outreach-attendance", area=YUZHONG, **RANGE)) == {lectures["yuzhong"], ""}
    public = _rows("outreach-attendance", masked=True, **RANGE)
    assert public[lectures["jiangbei"]]["checked_in"] == 5
    assert public[lectures["jiangbei"]]["lectures"] == MASK
    assert public[lectures["yuzhong"]]["attendance"] == 20


def test_each_kind_of_venue_every_quarter(lectures):
    """The fourth quarter (today is 2 December): 2 at schools (met), 1 in a village and none scheduled there
    (at risk). The third: nothing held, missed. Jiangbei's programme has no quarterly quota."""
    key = f"{lectures['yuzhong']}-2026-Q4"
    rows = _rows("outreach-venue-quotas", month="2026-11", masked=False)
    assert set(rows) == {key, ""}
    fourth = rows[key]
    assert (fourth["kinds"], fourth["kinds_met"], fourth["held"], fourth["minimum"]) == (2, 1, 3, 2)
    assert fourth["status"] == "at risk"
    third = _rows("outreach-venue-quotas", quarter="2026-Q3", masked=False)[f"{lectures['yuzhong']}-2026-Q3"]
    assert (third["kinds_met"], third["held"], third["status"]) == (0, 0, "missed")
    with translation.override("zh-hans"):
        third = _rows("outreach-venue-quotas", quarter="2026-Q3")[f"{lectures['yuzhong']}-2026-Q3"]
    assert third["status"] == "未完成"  # a quota missed, not a resident who did not come
    both = _rows("outreach-venue-quotas", **{"from": "2026-09-01", "to": "2026-12-01"}, masked=False)
    assert set(both) == {f"{lectures['yuzhong']}-2026-Q3", key, ""}
    assert both[""]["held"] == 3 and both[""]["kinds"] == 4
    assert set(_rows("outreach-venue-quotas", month="2026-11", area=JIANGBEI)) == {""}
    assert set(_rows("outreach-venue-quotas", month="2026-11", area=YUZHONG, masked=False)) == {key, ""}
    # Before the programme began: nothing.
    assert set(_rows("outreach-venue-quotas", month="2026-06")) == {""}


def test_videos_published_per_campaign(videos):
    rows = _rows("outreach-videos", month="2026-11")
    assert set(rows) == {"home", ""}  # the December campaign had not started
    home = rows["home"]
    counted = ("published_in_period", "received", "approved", "published")
    assert tuple(home[key] for key in counted) == (1, 5, 2, 1)
    assert _rows("outreach-videos", **RANGE)["home"]["published_in_period"] == 2
    assert set(_rows("outreach-videos", month="2026-12")) == {"home", "later", ""}
    # City only: a district asks the same campaigns.
    assert _rows("outreach-videos", month="2026-11", area=JIANGBEI) == rows
    masked = _rows("outreach-videos", masked=True, month="2026-11")["home"]
    assert masked["approved"] == MASK and masked["received"] == 5


def test_videos_are_counted_as_they_stood_at_the_periods_end(videos):
    """October: V5 not yet received, V2 not yet published. To 10 November: V2 published and not yet
    withdrawn. A September month: everything received, nothing published."""
    counted = ("published_in_period", "received", "approved", "published")
    october = _rows("outreach-videos", month="2026-10")["home"]
    assert tuple(october[key] for key in counted) == (1, 4, 1, 1)
    early_november = _rows("outreach-videos", **{"from": "2026-10-01", "to": "2026-11-10"})["home"]
    assert tuple(early_november[key] for key in counted) == (2, 4, 2, 2)
    september = _rows("outreach-videos", month="2026-09")["home"]
    assert tuple(september[key] for key in counted) == (0, 4, 0, 0)


def test_an_empty_period_shows_zeros(lectures, videos):
    query = query_from_params({"month": "2026-08"})
    for figure in registry.figures("outreach"):
        table = registry.table(figure, query)
        assert table.empty, figure.code
        chart = table.chart()
        assert chart is not None and chart["empty"] is True
        assert all(value in (0, None) for series in chart["series"] for value in series["data"])
    assert _rows("outreach-quotas", month="2026-08")[lectures["yuzhong"]]["held"] == 0
