"""POST requests: a service request filed by a client with its API key is the same report as one
filed on the web, routed the same way; bad input is answered in the specification's error list."""

from urllib.parse import urlencode

import pytest

from banshi.audit.models import Event
from banshi.open311.events import EventType
from banshi.open311.models import ApiClient, Submission
from banshi.open311.tests.conftest import (
    BASE,
    ENGLISH,
    SHAPINGBA,
    YUZHONG,
    errors_json,
    errors_xml,
    json_of,
    post_request,
    shape,
    xml_of,
)
from banshi.problems.models import Assignment, Report

pytestmark = pytest.mark.django_db

POTHOLE = {
    "service_code": "roads",
    "lat": "29.557",
    "long": "106.577",
    "address_string": "解放碑步行街 8 号",
    "address_id": YUZHONG,
    "description": "路面塌陷，有一个大坑",
    "attribute[DEPTH]": "30",
}


def test_a_posted_request_is_filed_routed_like_a_web_report_and_answered_with_its_id(
    client, with_questions, api_key, monday_morning
):
    response = post_request(client, "xml", api_key=api_key, **POTHOLE)
    assert response.status_code == 200
    root = xml_of(response)
    assert shape(root) == (
        "service_requests",
        [("request", ["service_request_id", "token", "service_notice", "account_id"])],
    )
    number = root.findtext("request/service_request_id")
    report = Report.objects.get(number=number)
    assert report.channel == Report.Channel.OPEN311 and report.filed_by is None
    assert report.unit == with_questions.street_office, "the Yuzhong roads rule, as on the web"
    assert report.status == Report.Status.DISPATCHED
    assert Assignment.objects.get(report=report).via == "rule"
    assert root.findtext("request/account_id") == ""
    submission = Submission.objects.get(report=report)
    assert submission.token == root.findtext("request/token")
    assert submission.attributes == {"DEPTH": "30"}
    assert Event.objects.filter(event_type=EventType.REQUEST_RECEIVED, subject_id=str(report.pk)).exists()


def test_a_request_where_no_rule_holds_waits_for_the_dispatcher_as_a_web_report_does(
    client, world, api_key, monday_morning
):
    response = post_request(
        client, api_key=api_key, service_code="noise", address_id=SHAPINGBA, description="夜间施工"
    )
    report = Report.objects.get(number=json_of(response)[0]["service_request_id"])
    assert (report.unit, report.status) == (None, Report.Status.NEW)


def test_an_address_id_of_a_community_names_its_district_street_and_community(
    client, world, api_key, monday_morning
):
    from banshi.directory.models import Area

    community = Area.objects.filter(kind=Area.Kind.COMMUNITY, code__startswith=YUZHONG).first()
    if community is None:
        pytest.fail("the directory has Yuzhong's communities")
    response = post_request(
        client, api_key=api_key, service_code="roads", address_id=community.code, description="坑"
    )
    report = Report.objects.get(number=json_of(response)[0]["service_request_id"])
    assert report.district.code == YUZHONG
    assert report.community == community.name and report.street
    assert report.unit == world.street_office


def test_the_form_may_come_url_encoded_and_the_api_key_in_the_query_string(
    client, with_questions, api_key, monday_morning
):
    response = client.post(
        f"{BASE}/requests.json?api_key={api_key}&jurisdiction_id=",
        urlencode(POTHOLE),
        content_type="application/x-www-form-urlencoded",
        headers=ENGLISH,
    )
    assert response.status_code == 200
    assert Report.objects.filter(number=json_of(response)[0]["service_request_id"]).exists()


def test_form_fields_sent_in_the_query_string_of_a_post_count(
    client, with_questions, api_key, monday_morning
):
    query = "?" + urlencode({**POTHOLE, "api_key": api_key})
    response = client.post(f"{BASE}/requests.json{query}", {}, headers=ENGLISH)
    assert response.status_code == 200
    report = Report.objects.get(number=json_of(response)[0]["service_request_id"])
    assert report.description == POTHOLE["description"]


def test_multi_value_attributes_are_kept_as_a_list(client, with_questions, api_key, monday_morning):
    response = client.post(
        f"{BASE}/requests.json",
        urlencode(
            [
                *POTHOLE.items(),
                ("api_key", api_key),
                ("attribute[LANES][]", "left"),
                ("attribute[LANES][]", "right"),
            ]
        ),
        content_type="application/x-www-form-urlencoded",
        headers=ENGLISH,
    )
    assert response.status_code == 200
    submission = Submission.objects.get()
    assert submission.attributes == {"DEPTH": "30", "LANES": ["left", "right"]}


@pytest.mark.parametrize(
    ("pairs", "named"),
    [
        ([("attribute[SIDE]", "north"), ("attribute[SIDE]", "south")], "attribute[SIDE]: takes one value"),
        ([("attribute[SIDE][]", "east")], "attribute[SIDE]: east is not one of its values"),
        ([("attribute[LANES][]", "middle")], "attribute[LANES]: middle is not one of its values"),
        ([("attribute[COLOUR]", "red")], "attribute[COLOUR]: is not a question of this service"),
    ],
)
def test_wrong_attribute_values_are_400_naming_the_attribute(client, with_questions, api_key, pairs, named):
    response = client.post(
        f"{BASE}/requests.json",
        urlencode([*POTHOLE.items(), ("api_key", api_key), *pairs]),
        content_type="application/x-www-form-urlencoded",
        headers=ENGLISH,
    )
    assert response.status_code == 400
    assert {"code": 400, "description": named} in errors_json(response)
    assert not Report.objects.exists()


def test_a_missing_required_attribute_is_400_naming_it(client, with_questions, api_key):
    data = {key: value for key, value in POTHOLE.items() if key != "attribute[DEPTH]"}
    response = post_request(client, "xml", api_key=api_key, **data)
    assert response.status_code == 400
    assert ("400", "attribute[DEPTH]: is required") in errors_xml(response)
    assert not Report.objects.exists() and not Submission.objects.exists()


def test_a_number_attribute_must_be_a_number(client, with_questions, api_key):
    response = post_request(client, api_key=api_key, **{**POTHOLE, "attribute[DEPTH]": "deep"})
    assert {"code": 400, "description": "attribute[DEPTH]: must be a number"} in errors_json(response)


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_missing_api_key_is_403_in_the_format_asked(client, world, fmt):
    response = post_request(client, fmt, **POTHOLE)
    assert response.status_code == 403
    errors = errors_xml(response) if fmt == "xml" else errors_json(response)
    assert len(errors) == 1
    assert not Report.objects.exists()


def test_a_wrong_or_revoked_api_key_is_403_with_the_specifications_words(client, world, api_key):
    response = post_request(client, "xml", api_key="not-a-key", **POTHOLE)
    assert response.status_code == 403
    assert errors_xml(response) == [("403", "Invalid api_key received -- can't proceed with create_request.")]
    ApiClient.objects.update(active=False)
    assert post_request(client, api_key=api_key, **POTHOLE).status_code == 403
    assert not Report.objects.exists()


def test_an_empty_api_key_counts_as_absent(client, world, api_key):
    response = post_request(client, query=f"?api_key={api_key}", api_key="", **POTHOLE)
    assert response.status_code != 403, "the empty form value gives way to the query string's key"


def test_an_unknown_service_code_is_404(client, world, api_key):
    response = post_request(client, api_key=api_key, **{**POTHOLE, "service_code": "potholes"})
    assert response.status_code == 404
    assert errors_json(response) == [{"code": 404, "description": "service_code potholes not found"}]


def test_a_missing_service_code_is_400_naming_it(client, world, api_key):
    response = post_request(client, api_key=api_key, **{**POTHOLE, "service_code": ""})
    assert response.status_code == 400
    assert errors_json(response)[0]["description"].startswith("service_code:")


def test_a_missing_location_is_400_naming_it(client, world, api_key):
    response = post_request(
        client, api_key=api_key, service_code="noise", description="夜间施工", lat="", address_string=" "
    )
    assert response.status_code == 400
    assert errors_json(response)[0]["description"].startswith("lat: a location is required")
    assert not Report.objects.exists()


def test_a_point_outside_chongqing_or_one_coordinate_alone_is_400(client, world, api_key):
    response = post_request(
        client, api_key=api_key, service_code="noise", description="x", lat="39.9", long="116.4"
    )
    assert {"code": 400, "description": "lat: is outside Chongqing"} in errors_json(response)
    response = post_request(client, api_key=api_key, service_code="noise", description="x", lat="29.55")
    assert errors_json(response)[0]["description"].startswith("long:")


def test_a_description_over_4000_characters_is_400_with_the_other_problems(client, with_questions, api_key):
    data = {key: value for key, value in POTHOLE.items() if key != "attribute[DEPTH]"}
    response = post_request(client, api_key=api_key, **{**data, "description": "坑" * 4001})
    assert response.status_code == 400
    assert errors_json(response) == [
        {"code": 400, "description": "attribute[DEPTH]: is required"},
        {"code": 400, "description": "description: must be at most 4000 characters"},
    ]
    assert not Report.objects.exists()


def test_a_description_of_4000_characters_is_taken(client, with_questions, api_key, monday_morning):
    response = post_request(client, api_key=api_key, **{**POTHOLE, "description": "坑" * 4000})
    assert response.status_code == 200


def test_a_bad_phone_or_media_url_is_400_naming_it(client, with_questions, api_key):
    response = post_request(client, api_key=api_key, **POTHOLE, phone="12", media_url="javascript:alert(1)")
    descriptions = [error["description"] for error in errors_json(response)]
    assert any(text.startswith("media_url:") for text in descriptions)
    response = post_request(client, api_key=api_key, **POTHOLE, phone="12")
    assert errors_json(response)[0]["description"].startswith("phone:")
    assert not Report.objects.exists()


def test_the_contact_details_are_kept_for_the_unit_but_never_answered(
    client, with_questions, api_key, monday_morning
):
    response = post_request(
        client,
        api_key=api_key,
        **POTHOLE,
        email="li@example.com",
        first_name="丽",
        last_name="张",
        phone="13800000009",
        device_id="device-7",
        account_id="acct-9",
        media_url="https://example.com/p.jpg",
    )
    assert response.status_code == 200
    for secret in (b"li@example.com", b"13800000009", b"device-7", b"acct-9", "张".encode()):
        assert secret not in response.content
    report = Report.objects.get()
    assert (report.reporter_phone, report.reporter_name) == ("13800000009", "丽 张")
    submission = Submission.objects.get()
    assert (submission.email, submission.device_id, submission.account_id) == (
        "li@example.com",
        "device-7",
        "acct-9",
    )


def test_the_same_idempotency_key_files_once(client, with_questions, api_key, monday_morning):
    headers = {**ENGLISH, "Idempotency-Key": "abc-1"}
    first = client.post(f"{BASE}/requests.json", {**POTHOLE, "api_key": api_key}, headers=headers)
    again = client.post(f"{BASE}/requests.json", {**POTHOLE, "api_key": api_key}, headers=headers)
    assert json_of(first) == json_of(again)
    assert Report.objects.count() == Submission.objects.count() == 1


def test_no_csrf_token_is_needed_to_post(with_questions, api_key, monday_morning):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"{BASE}/requests.json", {**POTHOLE, "api_key": api_key}, headers=ENGLISH)
    assert response.status_code == 200


def test_a_body_too_large_is_400_not_a_server_error(client, world, api_key, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(
        f"{BASE}/requests.json",
        urlencode({**POTHOLE, "api_key": api_key, "description": "x" * 2000}),
        content_type="application/x-www-form-urlencoded",
        headers=ENGLISH,
    )
    assert response.status_code == 400
    assert errors_json(response)[0]["code"] == 400


def test_the_token_finds_the_request(client, with_questions, api_key, monday_morning):
    answer = json_of(post_request(client, api_key=api_key, **POTHOLE))[0]
    root = xml_of(client.get(f"{BASE}/tokens/{answer['token']}.xml", headers=ENGLISH))
    assert shape(root) == ("service_requests", [("request", ["service_request_id", "token"])])
    assert root.findtext("request/service_request_id") == answer["service_request_id"]
    body = json_of(client.get(f"{BASE}/tokens/{answer['token']}.json", headers=ENGLISH))
    assert body == [{"service_request_id": answer["service_request_id"], "token": answer["token"]}]


def test_an_unknown_token_is_404(client, world):
    response = client.get(f"{BASE}/tokens/nope.xml", headers=ENGLISH)
    assert response.status_code == 404
    assert errors_xml(response) == [("404", "token nope not found")]


def test_a_large_multipart_body_is_refused_unread(client, world, api_key, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = SimpleUploadedFile("p.jpg", b"0" * 5000, content_type="image/jpeg")
    response = client.post(
        f"{BASE}/requests.xml", {**POTHOLE, "api_key": api_key, "media": big}, headers=ENGLISH
    )
    assert response.status_code == 400
    assert errors_xml(response)[0][0] == "400"


@pytest.mark.parametrize(
    ("code", "district"), [("roads", YUZHONG), ("water", SHAPINGBA), ("noise", YUZHONG), ("noise", SHAPINGBA)]
)
def test_a_posted_request_reaches_the_unit_a_web_report_of_the_same_place_reaches(
    client, world, api_key, monday_morning, code, district
):
    from banshi.open311.tests.conftest import file_web

    web = file_web(world, category=code, district=district)
    answer = json_of(
        post_request(
            client, api_key=api_key, service_code=code, address_id=district, description="同一个问题"
        )
    )
    posted = Report.objects.get(number=answer[0]["service_request_id"])
    assert (posted.unit_id, posted.coordinator_id, posted.status) == (
        web.unit_id,
        web.coordinator_id,
        web.status,
    )
    assert Assignment.objects.get(report=posted).via == Assignment.objects.get(report=web).via
