import pytest

from banshi.audit.models import Event
from banshi.lib.errors import FieldErrors, NotFound
from banshi.notify.models import Notification
from banshi.problems.models import Assignment, Report
from banshi.problems.services import report_close, report_contact, report_file, report_sign
from banshi.problems.tests.conftest import YUZHONG, file_web
from banshi.sequences.models import Counter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]


def nothing_written():
    return not (
        Report.objects.exists()
        or Notification.objects.exists()
        or Assignment.objects.exists()
        or Event.objects.exists()
        or Counter.objects.filter(key__startswith="problem:").exists()
    )


@pytest.mark.parametrize(
    ("given", "fields"),
    [
        ({"category": "no_such_category"}, {"category"}),
        ({"category": ["roads"]}, {"category"}),
        ({"description": "   "}, {"description"}),
        ({"description": "x" * 4001}, {"description"}),
        ({"description": "坑\x00"}, {"description"}),
        ({"district": "110101"}, {"district"}),
        ({"district": "500000"}, {"district"}),
        ({"lat": "29.55", "lng": "116.40"}, {"lng"}),
        ({"lat": "39.90", "lng": "106.55"}, {"lat"}),
        ({"lat": "29.55"}, {"lng"}),
        ({"lat": "NaN", "lng": "106.55"}, {"lat"}),
        ({"lat": True, "lng": "106.55"}, {"lat"}),
        ({"district": None, "address": ""}, {"place"}),
        ({"street": "街\u202e道"}, {"street"}),
        ({"address": "x" * 201}, {"address"}),
        ({"private": "false"}, {"private"}),
        ({"category": "nope", "description": "", "district": "1"}, {"category", "description", "district"}),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, given, fields):
    values = {"category": "roads", "description": "路面塌陷", "district": YUZHONG, "address": "解放碑"}
    values.update(given)
    with pytest.raises(FieldErrors) as problem:
        report_file(actor=world.resident, channel=Report.Channel.WEB, **values)
    assert set(problem.value.errors) == fields
    assert nothing_written()


def test_a_point_in_chongqing_without_a_district_is_enough(world):
    report = file_web(world, district=None, address="", lat="29.557", lng="106.577")
    assert report.status == Report.Status.NEW and str(report.lat) == "29.557000"


@pytest.mark.parametrize("phone", ["", "12345", "23800000000", "１３８"])
def test_an_operator_must_give_the_callers_mobile_number(world, phone):
    with pytest.raises(FieldErrors) as problem:
        report_file(
            actor=world.operator,
            channel=Report.Channel.PHONE,
            category="water",
            description="停水",
            district=YUZHONG,
            reporter_phone=phone,
        )
    assert set(problem.value.errors) == {"reporter_phone"}
    assert nothing_written()


def test_an_unknown_channel_and_an_anonymous_web_report_are_refused(world):
    with pytest.raises(FieldErrors):
        report_file(actor=world.resident, channel="fax", category="roads", description="坑", district=YUZHONG)
    with pytest.raises(NotFound):
        report_file(
            actor=None, channel=Report.Channel.WEB, category="roads", description="坑", district=YUZHONG
        )
    assert nothing_written()


def test_a_refused_move_leaves_the_report_its_events_and_the_residents_inbox_as_they_were(world):
    report = file_web(world)
    report_sign(actor=world.street_officer, report_id=report.pk)
    events = Event.objects.count()
    with pytest.raises(FieldErrors):
        report_contact(actor=world.street_officer, report_id=report.pk, kind="pigeon")
    with pytest.raises(FieldErrors):
        report_close(actor=world.street_officer, report_id=report.pk, text="")
    report.refresh_from_db()
    assert report.status == Report.Status.SIGNED and report.contacted_at is None
    assert Event.objects.count() == events
    assert Notification.objects.count() == 1  # the receipt of the filing


def test_a_missing_report_is_not_found_whatever_its_id_looks_like(world):
    for bad in (999_999, "1", None, True):
        with pytest.raises(NotFound):
            report_sign(actor=world.street_officer, report_id=bad)
