from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from banshi.problems.models import Report, Tier
from banshi.problems.selectors import (
    dispatcher_queue,
    distance_metres,
    nearby_open_reports,
    report_for_viewer,
    reports_of_resident,
    unit_queue,
)
from banshi.problems.services import (
    report_close,
    report_contact,
    report_file,
    report_note,
    report_send_back,
    report_sign,
)
from banshi.problems.tests.conftest import JIANGBEI, YUZHONG, file_web

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]


def test_the_unit_queue_puts_the_nearest_deadline_first_and_flags_due_soon_and_overdue(world, monday_morning):
    Tier.objects.filter(code="general").update(first_contact_hours=24)
    first = file_web(world)  # contact due Tuesday 10:00
    monday_morning.shift(timedelta(hours=2))
    second = file_web(world)  # contact due Tuesday 12:00
    contacted = file_web(world)
    report_sign(actor=world.street_officer, report_id=contacted.pk)
    report_contact(actor=world.street_officer, report_id=contacted.pk, kind="phone")  # closing due 16 Dec
    elsewhere = file_web(world, category="water")  # the water company's
    rows = unit_queue(user=world.street_officer, now=timezone.now())
    assert [row.report for row in rows] == [first, second, contacted]
    assert elsewhere not in [row.report for row in rows]
    assert [row.due for row in rows] == [
        first.first_contact_due,
        second.first_contact_due,
        contacted.closing_due,
    ]
    assert not any(row.due_soon or row.overdue for row in rows)
    tuesday = first.first_contact_due + timedelta(minutes=30)
    flags = [(row.overdue, row.due_soon) for row in unit_queue(user=world.street_officer, now=tuesday)]
    assert flags == [(True, False), (False, True), (False, False)]


def test_closed_reports_leave_the_unit_queue(world):
    report = file_web(world)
    report_sign(actor=world.street_officer, report_id=report.pk)
    report_contact(actor=world.street_officer, report_id=report.pk, kind="phone")
    report_close(actor=world.street_officer, report_id=report.pk, text="已修补")
    assert unit_queue(user=world.street_officer, now=timezone.now()) == []


def test_the_dispatcher_queue_holds_unrouted_and_sent_back_reports_for_dispatchers_only(world):
    unrouted = file_web(world, category="noise", district=None, address="两路口")
    sent_back = file_web(world)
    report_send_back(actor=world.street_officer, report_id=sent_back.pk, reason="不在辖区")
    file_web(world)
    rows = dispatcher_queue(user=world.dispatcher, now=timezone.now())
    assert {row.report for row in rows} == {unrouted, sent_back}
    assert dispatcher_queue(user=world.street_officer, now=timezone.now()) == []
    assert dispatcher_queue(user=AnonymousUser(), now=timezone.now()) == []


def test_a_resident_sees_their_own_reports_only(world):
    mine = file_web(world)
    report_file(
        actor=world.other_resident,
        channel=Report.Channel.WEB,
        category="roads",
        description="坑",
        district=YUZHONG,
    )
    assert reports_of_resident(user=world.resident) == [mine]
    assert reports_of_resident(user=AnonymousUser()) == []


def test_only_the_handling_and_coordinating_units_see_the_reporters_name_and_phone(world):
    report = file_web(world)
    own_unit = report_for_viewer(viewer=world.street_officer, report_id=report.pk)
    assert (own_unit.reporter_name, own_unit.reporter_phone) == ("张丽", "13800000001")
    assert own_unit.full and own_unit.record_access and own_unit.handles
    for viewer in (world.water_officer, world.other_resident, AnonymousUser(), world.dispatcher):
        view = report_for_viewer(viewer=viewer, report_id=report.pk)
        assert (view.reporter_name, view.reporter_phone) == ("张*", "138****0001")
        assert not view.full and not view.record_access
    # Sent back and re-routed: the coordinator still sees it in full, as does the new unit.
    report_send_back(actor=world.street_officer, report_id=report.pk, reason="不在辖区")
    from banshi.problems.services import report_route

    report_route(actor=world.dispatcher, report_id=report.pk, unit="jiangbei_gov")
    for viewer in (world.street_officer, world.jiangbei_officer):
        assert report_for_viewer(viewer=viewer, report_id=report.pk).reporter_phone == "13800000001"
    assert (
        report_for_viewer(viewer=world.fallback_officer, report_id=report.pk).reporter_phone == "138****0001"
    )


def test_the_reporter_sees_their_own_data_without_an_access_record(world):
    view = report_for_viewer(viewer=world.resident, report_id=file_web(world).pk)
    assert view.reporter_phone == "13800000001" and view.full and not view.record_access


def test_a_phone_callers_number_is_masked_for_another_unit(world):
    report = report_file(
        actor=world.operator,
        channel=Report.Channel.PHONE,
        category="water",
        description="停水",
        district=JIANGBEI,
        reporter_phone="13700000003",
        reporter_name="李先生",
    )
    assert report_for_viewer(viewer=world.water_officer, report_id=report.pk).reporter_phone == "13700000003"
    view = report_for_viewer(viewer=world.jiangbei_officer, report_id=report.pk)
    assert (view.reporter_name, view.reporter_phone) == ("李**", "137****0003")


def test_a_private_report_and_internal_notes_stay_with_the_reporter_and_the_handlers(world):
    report = file_web(world, private=True)
    report_note(actor=world.street_officer, report_id=report.pk, text="内部：需协调", public=False)
    report_note(actor=world.street_officer, report_id=report.pk, text="已安排维修", public=True)
    assert report_for_viewer(viewer=world.other_resident, report_id=report.pk) is None
    assert report_for_viewer(viewer=AnonymousUser(), report_id=report.pk) is None
    assert [n.text for n in report_for_viewer(viewer=world.resident, report_id=report.pk).notes] == [
        "已安排维修"
    ]
    assert len(report_for_viewer(viewer=world.dispatcher, report_id=report.pk).notes) == 2


def test_the_haversine_distance_is_right_to_the_metre():
    # 0.001° of latitude is 111.2 m anywhere.
    assert round(distance_metres(29.557, 106.577, 29.558, 106.577)) == 111


def test_nearby_open_reports_are_those_of_the_same_category_within_200_metres_or_the_same_community(
    world, monday_morning
):
    near = file_web(world, lat="29.557000", lng="106.577000")
    file_web(world, lat="29.559500", lng="106.577000")  # 278 m north
    same_community = file_web(world, community="较场口社区", address="")
    file_web(world, category="noise", lat="29.557100", lng="106.577000")  # another category
    private = file_web(world, lat="29.557050", lng="106.577000", private=True)
    found = nearby_open_reports(
        category=world.roads,
        now=timezone.now(),
        district_code=YUZHONG,
        community="较场口社区",
        lat=29.5571,
        lng=106.5771,
    )
    assert found == [near, same_community]
    assert private not in found
    # 31 days on they are no longer suggested.
    assert (
        nearby_open_reports(
            category=world.roads, now=timezone.now() + timedelta(days=31), lat=29.5571, lng=106.5771
        )
        == []
    )


def test_a_closed_report_is_no_longer_suggested(world):
    report = file_web(world, lat="29.557000", lng="106.577000")
    report_sign(actor=world.street_officer, report_id=report.pk)
    report_contact(actor=world.street_officer, report_id=report.pk, kind="phone")
    report_close(actor=world.street_officer, report_id=report.pk, text="已修补")
    assert nearby_open_reports(category=world.roads, now=timezone.now(), lat=29.557, lng=106.577) == []
    assert nearby_open_reports(category=world.roads, now=timezone.now()) == []


def test_the_timeline_tells_the_resident_every_move_and_public_note_but_no_internal_one(
    world, monday_morning
):
    from banshi.problems.selectors import report_timeline

    report = file_web(world)
    report_sign(actor=world.street_officer, report_id=report.pk)
    monday_morning.shift(timedelta(minutes=5))
    report_note(actor=world.street_officer, report_id=report.pk, text="内部：联系施工方", public=False)
    report_note(actor=world.street_officer, report_id=report.pk, text="明天上午修补", public=True)
    monday_morning.shift(timedelta(minutes=5))
    report_send_back(actor=world.street_officer, report_id=report.pk, reason="属于江北区 13800000001")
    resident = report_timeline(view=report_for_viewer(viewer=world.resident, report_id=report.pk))
    assert [item.text for item in resident] == [
        "Report received",
        "Sent to jiefangbei",
        "The unit signed for it",
        "明天上午修补",
        "Sent back to the dispatcher to find the right unit",
    ]
    staff = report_timeline(view=report_for_viewer(viewer=world.dispatcher, report_id=report.pk))
    assert [item.text for item in staff if not item.public] == ["内部：联系施工方"]
    assert not any("13800000001" in item.text for item in staff)


def test_the_queues_and_a_report_view_take_as_many_queries_for_ten_reports_as_for_one(
    world, django_assert_num_queries
):
    from banshi.problems.selectors import report_timeline

    report = file_web(world)
    now = timezone.now()
    with django_assert_num_queries(2):
        rows = unit_queue(user=world.street_officer, now=now)
        [(row.report.category.tier.code, row.report.unit.name, row.report.district.name) for row in rows]
    for _ in range(9):
        file_web(world)
    with django_assert_num_queries(2):
        rows = unit_queue(user=world.street_officer, now=now)
        [(row.report.category.tier.code, row.report.unit.name, row.report.district.name) for row in rows]
    assert len(rows) == 10
    with django_assert_num_queries(5):
        report_timeline(view=report_for_viewer(viewer=world.street_officer, report_id=report.pk))
