"""Quota accounting: months and quarters in China's time, held against the minimum, at risk before the
period ends, missed after it; and a quota of zero or less refused with nothing written."""

from datetime import date

import pytest

from banshi.audit.models import Event
from banshi.lib.errors import FieldErrors
from banshi.outreach.models import Lecture, Quota, VenueKind
from banshi.outreach.selectors_lectures import (
    AT_RISK,
    MET,
    MISSED,
    ON_TRACK,
    quota_report,
    quotas_for_supervisor,
)
from banshi.outreach.services import lectures as services
from banshi.outreach.tests.lectures_world import china


def held(lw, starts_at, **values) -> Lecture:
    """A lecture that took place: scheduled beforehand, closed after it."""
    lecture = lw.schedule(starts_at=starts_at, **values)
    return services.lecture_close(
        actor=lw.organiser, lecture=lecture, summary="讲得好", walk_ins=10, now=lecture.ends_at
    )


def month(report, first: date):
    return next(row for row in report.months if row.start == first)


def test_a_lecture_late_on_the_last_evening_of_a_month_counts_for_that_month_in_chinas_time(lw):
    services.quota_set(
        actor=lw.organiser, programme=lw.programme, kind=Quota.Kind.LECTURES_PER_MONTH, minimum=1
    )
    # 23:00 on 31 March in Chongqing is 15:00 UTC on the same day; 00:30 on 1 April is still 31 March in UTC.
    held(lw, china(2026, 3, 31, 22, 0), speaker="teacher")
    held(lw, china(2026, 4, 1, 0, 30), speaker="worker")
    report = quota_report(programme=lw.programme, now=china(2026, 4, 15, 12))
    assert month(report, date(2026, 3, 1)).held == 1
    assert month(report, date(2026, 4, 1)).held == 1
    assert month(report, date(2026, 3, 1)).status == MET
    assert month(report, date(2026, 2, 1)).status == MISSED


def test_the_current_months_quota_is_at_risk_when_held_and_scheduled_fall_short_and_on_track_when_not(lw):
    services.quota_set(
        actor=lw.organiser, programme=lw.programme, kind=Quota.Kind.LECTURES_PER_MONTH, minimum=2
    )
    held(lw, china(2026, 5, 3, 9))
    now = china(2026, 5, 20, 12)
    report = quota_report(programme=lw.programme, now=now)
    current = report.months[0]
    assert (current.start, current.held, current.scheduled, current.current) == (date(2026, 5, 1), 1, 0, True)
    assert current.status == AT_RISK and report.at_risk == ["month"]

    # One still scheduled before the month ends saves it; one in June does not.
    lw.schedule(starts_at=china(2026, 6, 2, 9), speaker="worker", now=now)
    assert quota_report(programme=lw.programme, now=now).months[0].status == AT_RISK
    lw.schedule(starts_at=china(2026, 5, 30, 9), speaker="worker", now=now)
    report = quota_report(programme=lw.programme, now=now)
    assert (report.months[0].scheduled, report.months[0].status, report.at_risk) == (1, ON_TRACK, [])

    # A scheduled lecture whose time passed without being held no longer saves the month.
    report = quota_report(programme=lw.programme, now=china(2026, 5, 31, 23))
    assert report.months[0].status == AT_RISK


def test_a_cancelled_lecture_counts_for_nothing(lw):
    services.quota_set(
        actor=lw.organiser, programme=lw.programme, kind=Quota.Kind.LECTURES_PER_MONTH, minimum=1
    )
    now = china(2026, 5, 2, 12)
    lecture = lw.schedule(starts_at=china(2026, 5, 10, 9), now=now)
    services.lecture_cancel(actor=lw.organiser, lecture=lecture, reason="大雨", now=now)
    report = quota_report(programme=lw.programme, now=now)
    assert (report.months[0].held, report.months[0].scheduled, report.months[0].status) == (0, 0, AT_RISK)


def test_each_of_the_six_kinds_of_venue_must_be_reached_each_quarter(lw):
    services.quota_set(
        actor=lw.organiser, programme=lw.programme, kind=Quota.Kind.EACH_VENUE_KIND_PER_QUARTER, minimum=1
    )
    kinds = [VenueKind.OFFICE, VenueKind.VILLAGE, VenueKind.SCHOOL, VenueKind.COMPANY, VenueKind.COMMUNITY]
    for day, kind in enumerate(kinds, start=1):
        held(lw, china(2026, 4, day * 3, 9), venue_kind=kind)
    # The sixth, in barracks, on 30 June at 23:00: the last hour of the quarter.
    now = china(2026, 6, 20, 12)
    report = quota_report(programme=lw.programme, now=now)
    quarter = report.quarters[0]
    assert quarter.start == date(2026, 4, 1)
    assert [kind.kind for kind in quarter.kinds] == VenueKind.values
    assert {kind.kind: kind.status for kind in quarter.kinds}[VenueKind.BARRACKS] == AT_RISK
    assert quarter.status == AT_RISK and report.at_risk == ["quarter"]

    lecture = lw.schedule(starts_at=china(2026, 6, 30, 22), venue_kind=VenueKind.BARRACKS, now=now)
    assert quota_report(programme=lw.programme, now=now).quarters[0].status == ON_TRACK
    services.lecture_close(
        actor=lw.organiser, lecture=lecture, summary="讲得好", walk_ins=0, now=lecture.ends_at
    )
    report = quota_report(programme=lw.programme, now=china(2026, 6, 30, 23, 59))
    assert report.quarters[0].status == MET
    # The next quarter starts from nothing; the first quarter (January to March) was missed.
    report = quota_report(programme=lw.programme, now=china(2026, 7, 1, 0, 1))
    assert report.quarters[0].start == date(2026, 7, 1) and report.quarters[0].status == AT_RISK
    assert [q.start for q in report.quarters] == [date(2026, 7, 1), date(2026, 4, 1), date(2026, 1, 1)]
    assert report.quarters[1].status == MET and report.quarters[2].status == MISSED


def test_a_programme_of_fewer_kinds_of_venue_is_held_to_those_only(lw):
    programme = services.programme_create(
        actor=lw.organiser,
        unit=lw.unit,
        name="铜锣山下小讲堂",
        venue_kinds=[VenueKind.VILLAGE, VenueKind.SCHOOL],
        starts_on=date(2026, 4, 1),
        now=china(2026, 4, 1, 9),
    )
    services.quota_set(
        actor=lw.organiser, programme=programme, kind=Quota.Kind.EACH_VENUE_KIND_PER_QUARTER, minimum=1
    )
    report = quota_report(programme=programme, now=china(2026, 5, 1, 9))
    assert [kind.kind for kind in report.quarters[0].kinds] == [VenueKind.VILLAGE, VenueKind.SCHOOL]


@pytest.mark.parametrize("minimum", [0, -1, "", "two", "1.5"])
def test_a_quota_of_zero_less_or_no_number_is_refused_and_nothing_is_written(lw, minimum):
    events = Event.objects.count()
    with pytest.raises(FieldErrors) as refused:
        services.quota_set(
            actor=lw.organiser, programme=lw.programme, kind=Quota.Kind.LECTURES_PER_MONTH, minimum=minimum
        )
    assert set(refused.value.errors) == {"minimum"}
    assert not Quota.objects.exists()
    assert Event.objects.count() == events


def test_changing_a_quota_keeps_one_row_and_audits_old_and_new(lw):
    services.quota_set(
        actor=lw.organiser, programme=lw.programme, kind=Quota.Kind.LECTURES_PER_MONTH, minimum=2
    )
    services.quota_set(
        actor=lw.organiser, programme=lw.programme, kind=Quota.Kind.LECTURES_PER_MONTH, minimum=3
    )
    assert list(Quota.objects.values_list("minimum", flat=True)) == [3]
    event = Event.objects.filter(event_type="outreach.quota_set").latest("id")
    assert (event.old_state, event.new_state, event.actor) == ("2", "3", lw.organiser)


def test_another_units_organiser_cannot_set_a_quota(lw):
    from banshi.lib.errors import NotFound

    with pytest.raises(NotFound):
        services.quota_set(
            actor=lw.other_organiser, programme=lw.programme, kind=Quota.Kind.LECTURES_PER_MONTH, minimum=2
        )
    assert not Quota.objects.exists()


def test_the_supervisor_table_has_a_row_per_quota_of_every_programme(lw):
    services.quota_set(
        actor=lw.organiser, programme=lw.programme, kind=Quota.Kind.LECTURES_PER_MONTH, minimum=2
    )
    services.quota_set(
        actor=lw.organiser, programme=lw.programme, kind=Quota.Kind.EACH_VENUE_KIND_PER_QUARTER, minimum=1
    )
    held(lw, china(2026, 5, 3, 9))
    rows = quotas_for_supervisor(now=china(2026, 5, 20, 12))
    assert [(row.kind, row.period, row.held, row.status) for row in rows] == [
        (Quota.Kind.LECTURES_PER_MONTH, date(2026, 5, 1), 1, AT_RISK),
        (Quota.Kind.EACH_VENUE_KIND_PER_QUARTER, date(2026, 4, 1), 0, AT_RISK),
    ]
