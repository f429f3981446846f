import pytest

from banshi.audit.models import Event
from banshi.lib.errors import FieldErrors, NotFound
from banshi.problems.events import EventType
from banshi.problems.models import Assignment, Report
from banshi.problems.services import (
    report_file,
    report_route,
    report_send_back,
    report_sign,
)
from banshi.problems.tests.conftest import JIANGBEI, SHAPINGBA, file_web

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]


def events_of(report):
    return list(
        Event.objects.filter(subject_type="problems.report", subject_id=str(report.pk))
        .order_by("id")
        .values_list("event_type", "old_state", "new_state")
    )


def test_a_report_goes_to_the_unit_of_its_district_and_category_rule(world):
    report = file_web(world)
    assert report.status == Report.Status.DISPATCHED
    assert report.unit == report.coordinator == world.street_office
    assert report.number.startswith("SQ20261207")
    assert events_of(report) == [
        (EventType.REPORT_FILED, "", "new"),
        (EventType.REPORT_DISPATCHED, "new", "dispatched"),
    ]
    assert Assignment.objects.get(report=report).via == "rule"


def test_a_city_wide_rule_routes_its_category_in_every_district(world):
    report = file_web(world, category="water", district=JIANGBEI)
    assert report.unit == world.water_company


def test_without_a_rule_the_district_fallback_unit_takes_the_report(world):
    report = file_web(world, category="noise")
    assert report.unit == report.coordinator == world.yuzhong_fallback
    assert Assignment.objects.get(report=report).via == "fallback"


def test_an_unknown_district_leaves_the_report_in_the_dispatcher_queue(world):
    report = file_web(world, category="noise", district=None, address="两路口附近")
    assert report.status == Report.Status.NEW
    assert report.unit is None and report.coordinator is None
    assert events_of(report) == [(EventType.REPORT_FILED, "", "new")]


def test_a_district_without_a_fallback_leaves_the_report_to_the_dispatcher(world):
    report = file_web(world, category="noise", district=SHAPINGBA)
    assert report.status == Report.Status.NEW and report.unit is None


def test_a_unit_sends_a_wrong_report_back_and_the_dispatcher_reroutes_it_while_the_first_unit_coordinates(
    world,
):
    report = file_web(world)
    sent = report_send_back(actor=world.street_officer, report_id=report.pk, reason="不在本街道辖区")
    assert sent.status == Report.Status.SENT_BACK and sent.unit is None
    assert sent.coordinator == world.street_office
    routed = report_route(actor=world.dispatcher, report_id=report.pk, unit="jiangbei_gov")
    routed.refresh_from_db()
    assert routed.status == Report.Status.DISPATCHED
    assert routed.unit == world.jiangbei_fallback
    assert routed.coordinator == world.street_office
    assert [a.kind for a in routed.assignments.all()] == ["filed", "sent_back", "routed"]
    assert events_of(report)[-2:] == [
        (EventType.REPORT_SENT_BACK, "dispatched", "sent_back"),
        (EventType.REPORT_DISPATCHED, "sent_back", "dispatched"),
    ]
    reason = Event.objects.get(event_type=EventType.REPORT_SENT_BACK).reason
    assert reason == "不在本街道辖区"


def test_the_dispatcher_makes_the_first_unit_it_routes_to_the_coordinator(world):
    report = file_web(world, category="noise", district=None, address="两路口附近")
    report_route(actor=world.dispatcher, report_id=report.pk, unit="yuzhong_gov")
    report.refresh_from_db()
    assert report.unit == report.coordinator == world.yuzhong_fallback


def test_a_signed_report_can_still_be_sent_back(world):
    report = file_web(world)
    report_sign(actor=world.street_officer, report_id=report.pk)
    report_send_back(actor=world.street_officer, report_id=report.pk, reason="属于区住建委")
    report.refresh_from_db()
    assert report.status == Report.Status.SENT_BACK


def test_a_report_cannot_be_routed_back_to_the_unit_that_sent_it_back(world):
    report = file_web(world)
    report_send_back(actor=world.street_officer, report_id=report.pk, reason="不在本街道辖区")
    with pytest.raises(FieldErrors) as problem:
        report_route(actor=world.dispatcher, report_id=report.pk, unit="jiefangbei")
    assert set(problem.value.errors) == {"unit"}
    report.refresh_from_db()
    assert report.status == Report.Status.SENT_BACK and report.unit is None


def test_only_the_unit_holding_a_report_sends_it_back_and_only_a_dispatcher_routes(world):
    report = file_web(world)
    with pytest.raises(NotFound):
        report_send_back(actor=world.water_officer, report_id=report.pk, reason="不是我们的")
    report_send_back(actor=world.street_officer, report_id=report.pk, reason="不在本街道辖区")
    with pytest.raises(NotFound):
        report_route(actor=world.street_officer, report_id=report.pk, unit="jiangbei_gov")
    with pytest.raises(FieldErrors) as problem:
        report_route(actor=world.dispatcher, report_id=report.pk, unit="no_such_unit")
    assert set(problem.value.errors) == {"unit"}
    report.refresh_from_db()
    assert report.status == Report.Status.SENT_BACK


def test_a_send_back_needs_a_reason(world):
    report = file_web(world)
    with pytest.raises(FieldErrors) as problem:
        report_send_back(actor=world.street_officer, report_id=report.pk, reason="  ")
    assert set(problem.value.errors) == {"reason"}
    report.refresh_from_db()
    assert report.status == Report.Status.DISPATCHED


def test_an_operator_files_a_call_for_a_known_resident_and_for_a_caller_without_an_account(world):
    known = report_file(
        actor=world.operator,
        channel=Report.Channel.PHONE,
        category="water",
        description="停水一天了",
        district=JIANGBEI,
        reporter_phone="１３８０００００００１",
    )
    assert known.reporter == world.resident and known.reporter_phone == ""
    stranger = report_file(
        actor=world.operator,
        channel=Report.Channel.PHONE,
        category="water",
        description="停水一天了",
        district=JIANGBEI,
        reporter_phone="13700000003",
        reporter_name="李先生",
    )
    assert stranger.reporter is None
    assert (stranger.reporter_phone, stranger.reporter_name) == ("13700000003", "李先生")
    assert stranger.filed_by == world.operator and stranger.unit == world.water_company


def test_only_an_operator_files_a_phone_call(world):
    with pytest.raises(NotFound):
        report_file(
            actor=world.resident,
            channel=Report.Channel.PHONE,
            category="water",
            description="停水",
            district=JIANGBEI,
            reporter_phone="13700000003",
        )
    assert not Report.objects.exists()


def test_an_inactive_unit_is_passed_over_for_the_fallback(world):
    world.street_office.active = False
    world.street_office.save()
    report = file_web(world)
    assert report.unit == world.yuzhong_fallback


def test_the_same_filing_sent_again_with_its_key_returns_the_first_report_and_writes_nothing(world):
    first = file_web(world, idempotency_key="form-token-1")
    events = Event.objects.count()
    again = file_web(world, idempotency_key="form-token-1")
    assert again == first and Report.objects.count() == 1 and Event.objects.count() == events
    # The key is the filer's own: another resident's identical key files another report.
    other = report_file(
        actor=world.other_resident,
        channel=Report.Channel.WEB,
        category="roads",
        description="坑",
        district="500103",
        idempotency_key="form-token-1",
    )
    assert other != first
    # A client without a user names itself.
    calls = [
        report_file(
            actor=None,
            channel=Report.Channel.OPEN311,
            category="water",
            description="停水",
            district=JIANGBEI,
            idempotency_key="abc",
            client=client,
        )
        for client in ("open311:1", "open311:1", "open311:2")
    ]
    assert calls[0] == calls[1] != calls[2]
    assert calls[0].filed_by is None and calls[0].reporter is None
