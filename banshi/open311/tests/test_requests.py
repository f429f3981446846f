"""GET requests, requests/{id}: the public reports, whatever channel they came by, shaped as the
specification's example; filters, pages, the update history, and nothing private or personal."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banshi.open311.tests.conftest import (
    BASE,
    ENGLISH,
    MONDAY_MORNING,
    errors_json,
    errors_xml,
    file_web,
    json_of,
    shape,
    xml_of,
)
from banshi.problems.models import Report
from banshi.problems.services import report_close, report_contact, report_note, report_sign

pytestmark = pytest.mark.django_db

REQUEST_ELEMENTS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def _closed(world, report: Report, officer=None) -> Report:
    officer = officer or world.street_officer
    report_sign(actor=officer, report_id=report.pk)
    report_contact(actor=officer, report_id=report.pk, kind="phone", note="打电话给张丽 13800000001")
    report_note(actor=officer, report_id=report.pk, text="内部：联系施工队", public=False)
    report_note(actor=officer, report_id=report.pk, text="已安排施工队明天修补", public=True)
    report_close(actor=officer, report_id=report.pk, text="已修补")
    report.refresh_from_db()
    return report


def test_the_list_is_a_service_requests_list_of_request_elements_with_the_specs_fields(
    client, world, monday_morning
):
    file_web(world, lat="29.557", lng="106.577")
    root = xml_of(client.get(f"{BASE}/requests.xml", headers=ENGLISH))
    assert shape(root) == ("service_requests", [("request", REQUEST_ELEMENTS)])
    request = root.find("request")
    assert request.findtext("status") == "open"
    assert request.findtext("service_code") == "roads"
    assert request.findtext("agency_responsible") == world.street_office.name
    assert request.findtext("requested_datetime") == "2026-12-07T10:00:00+08:00"
    assert request.findtext("expected_datetime").endswith("+08:00")
    assert request.findtext("lat") == "29.557000" and request.findtext("long") == "106.577000"
    assert request.findtext("status_notes") == "sent to the unit", "no public note yet: the fine state"


def test_the_list_in_json_has_string_ids_and_number_coordinates(client, world, monday_morning):
    report = file_web(world, lat="29.557", lng="106.577")
    body = json_of(client.get(f"{BASE}/requests.json", headers=ENGLISH))
    assert [list(item) for item in body] == [REQUEST_ELEMENTS]
    assert body[0]["service_request_id"] == report.number
    assert body[0]["lat"] == 29.557 and body[0]["long"] == 106.577
    assert body[0]["media_url"] is None


def test_status_notes_carry_the_latest_public_note_and_a_closed_report_is_closed(
    client, world, monday_morning
):
    report = _closed(world, file_web(world))
    body = json_of(client.get(f"{BASE}/requests/{report.number}.json", headers=ENGLISH))
    assert len(body) == 1, "a single request is a list of one"
    assert body[0]["status"] == "closed"
    assert body[0]["status_notes"] == "已安排施工队明天修补"
    assert body[0]["expected_datetime"] is None


def test_extensions_add_the_public_timeline_without_internal_notes_or_contact_words(
    client, world, monday_morning
):
    report = _closed(world, file_web(world))
    response = client.get(f"{BASE}/requests/{report.number}.xml?extensions=true", headers=ENGLISH)
    root = xml_of(response)
    notes = root.findall("request/extended_attributes/notes/note")
    summaries = [note.findtext("summary") for note in notes]
    assert summaries[0] == "Report received"
    assert f"Sent to {world.street_office.name}" in summaries
    assert "已安排施工队明天修补" in summaries and "Closed" in summaries
    assert all(note.findtext("datetime").endswith("+08:00") for note in notes)
    assert "内部".encode() not in response.content
    assert b"13800000001" not in response.content
    plain = json_of(client.get(f"{BASE}/requests/{report.number}.json", headers=ENGLISH))
    assert "extended_attributes" not in plain[0]
    extended = json_of(client.get(f"{BASE}/requests/{report.number}.json?extensions=true", headers=ENGLISH))
    assert extended[0]["extended_attributes"]["notes"][0]["summary"] == "Report received"


def test_private_reports_are_left_out_of_the_list_and_of_their_own_address(client, world, monday_morning):
    public = file_web(world)
    private = file_web(world, private=True)
    numbers = [item["service_request_id"] for item in json_of(client.get(f"{BASE}/requests.json"))]
    assert numbers == [public.number]
    response = client.get(f"{BASE}/requests/{private.number}.xml", headers=ENGLISH)
    assert response.status_code == 404
    assert errors_xml(response) == [("404", f"service_request_id {private.number} not found")]
    by_id = json_of(client.get(f"{BASE}/requests.json?service_request_id={private.number},{public.number}"))
    assert [item["service_request_id"] for item in by_id] == [public.number]


def test_no_personal_data_appears_in_any_answer(client, world, monday_morning):
    from banshi.problems.services import report_file

    file_web(world)
    report_file(
        actor=world.operator,
        channel=Report.Channel.PHONE,
        category="noise",
        description="夜间施工",
        district="500103",
        reporter_phone="13700000003",
        reporter_name="李四",
    )
    for fmt in ("xml", "json"):
        content = client.get(f"{BASE}/requests.{fmt}?extensions=true", headers=ENGLISH).content
        for secret in ("13800000001", "13700000003", "张丽", "李四", world.resident.username):
            assert secret.encode() not in content


def test_filters_by_ids_service_code_and_status(client, world, monday_morning):
    roads = file_web(world)
    water = file_web(world, category="water")
    closed = _closed(world, file_web(world))

    def numbers(query: str) -> list[str]:
        response = client.get(f"{BASE}/requests.json?{query}", headers=ENGLISH)
        assert response.status_code == 200, response.content
        return [item["service_request_id"] for item in json_of(response)]

    assert numbers("service_code=water") == [water.number]
    assert numbers("service_code=water,roads&status=open") == [water.number, roads.number]
    assert numbers("status=closed") == [closed.number]
    assert numbers("status=open,closed") == [closed.number, water.number, roads.number]
    assert numbers(f"service_request_id={roads.number},{closed.number}&service_code=water") == [
        closed.number,
        roads.number,
    ], "ids override the other filters"


def test_empty_parameters_count_as_absent(client, world, monday_morning):
    report = file_web(world)
    query = (
        "service_request_id=&service_code=&start_date=&end_date=&status=&jurisdiction_id=&extensions=&page="
    )
    body = json_of(client.get(f"{BASE}/requests.json?{query}", headers=ENGLISH))
    assert [item["service_request_id"] for item in body] == [report.number]


def test_the_default_is_the_last_90_days_and_a_date_range_selects(client, world):
    with time_machine.travel("2026-08-01 10:00 +08:00", tick=False):
        old = file_web(world)
    with time_machine.travel("2026-11-20 10:00 +08:00", tick=False):
        recent = file_web(world)
    with time_machine.travel(MONDAY_MORNING, tick=False):
        assert [i["service_request_id"] for i in json_of(client.get(f"{BASE}/requests.json"))] == [
            recent.number
        ]
        body = json_of(
            client.get(
                f"{BASE}/requests.json?start_date=2026-07-30T00:00:00%2B08:00&end_date=2026-08-02T00:00:00Z"
            )
        )
        assert [item["service_request_id"] for item in body] == [old.number]
        body = json_of(client.get(f"{BASE}/requests.json?end_date=2026-08-02"))
        assert [item["service_request_id"] for item in body] == [old.number]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("start_date=2026-01-01T00:00:00Z&end_date=2026-05-01T00:00:00Z", "end_date"),
        ("start_date=yesterday", "start_date"),
        ("end_date=2026-13-45T00:00:00Z", "end_date"),
        ("start_date=2026-12-01T10:00:00", "start_date"),
        ("start_date=2026-12-05T00:00:00Z&end_date=2026-12-01T00:00:00Z", "end_date"),
        ("status=pending", "status"),
        ("page=0", "page"),
        ("page_size=5000", "page_size"),
        ("extensions=yes", "extensions"),
        ("service_request_id=a%20b", "service_request_id"),
    ],
)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_bad_filters_are_400_naming_the_parameter(client, world, query, named, fmt, monday_morning):
    response = client.get(f"{BASE}/requests.{fmt}?{query}", headers=ENGLISH)
    assert response.status_code == 400
    descriptions = (
        [d for _c, d in errors_xml(response)]
        if fmt == "xml"
        else [e["description"] for e in errors_json(response)]
    )
    assert descriptions[0].startswith(f"{named}:")


def test_a_range_over_90_days_is_refused_and_one_of_90_days_taken(client, world, monday_morning):
    over = client.get(
        f"{BASE}/requests.json?start_date=2026-09-01T00:00:00Z&end_date=2026-11-30T00:00:01Z", headers=ENGLISH
    )
    assert over.status_code == 400
    assert "90 days" in errors_json(over)[0]["description"]
    exact = client.get(f"{BASE}/requests.json?start_date=2026-09-01T00:00:00Z&end_date=2026-11-30T00:00:00Z")
    assert exact.status_code == 200


def test_an_unknown_service_code_in_the_filter_is_404(client, world, monday_morning):
    response = client.get(f"{BASE}/requests.xml?service_code=roads,potholes", headers=ENGLISH)
    assert response.status_code == 404
    assert errors_xml(response) == [("404", "service_code potholes not found")]


def test_pages_are_bounded_and_follow_each_other(client, world, monday_morning):
    reports = [file_web(world) for _ in range(5)]
    newest_first = [report.number for report in reversed(reports)]
    first = json_of(client.get(f"{BASE}/requests.json?page_size=2"))
    second = json_of(client.get(f"{BASE}/requests.json?page_size=2&page=2"))
    assert [i["service_request_id"] for i in first + second] == newest_first[:4]


def test_the_queries_of_a_page_do_not_grow_with_the_reports(client, world, monday_morning):
    def queries(extensions: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{BASE}/requests.json?extensions={extensions}")
        assert response.status_code == 200
        return len(captured)

    _closed(world, file_web(world))
    few = queries("true"), queries("false")
    for _ in range(6):
        _closed(world, file_web(world, category="water"), world.water_officer)
    assert (queries("true"), queries("false")) == few


def test_an_unknown_request_id_is_404_in_json(client, world):
    response = client.get(f"{BASE}/requests/SQ0.json", headers=ENGLISH)
    assert response.status_code == 404
    assert errors_json(response) == [{"code": 404, "description": "service_request_id SQ0 not found"}]
