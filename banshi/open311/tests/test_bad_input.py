"""Whatever a client sends, the answer is the specification's: never a server error or a traceback."""

import pytest

from banshi.open311.tests.conftest import BASE, ENGLISH, errors_json, errors_xml
from banshi.problems.models import Report

pytestmark = pytest.mark.django_db

HOSTILE = ["\x00", "a\nb", "%", "' OR 1=1 --", "坑" * 50, "\u202e", "１２", "-1", "1e999", "[]"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_in_every_parameter_of_a_get_are_answered_400_or_404_or_200(
    client, with_questions, value
):
    for path in ("requests.json", "requests.xml"):
        for name in (
            "service_request_id",
            "service_code",
            "start_date",
            "end_date",
            "status",
            "page",
            "page_size",
        ):
            response = client.get(f"{BASE}/{path}", {name: value}, headers=ENGLISH)
            assert response.status_code in (200, 400, 404), (name, value, response.content)
            if response.status_code != 200:
                errors = errors_json(response) if path.endswith("json") else errors_xml(response)
                assert errors and b"Traceback" not in response.content


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_in_paths_are_404(client, world, value):
    from urllib.parse import quote

    for path in ("services/{}.json", "requests/{}.xml", "tokens/{}.json"):
        response = client.get(f"{BASE}/" + path.format(quote(value, safe="")), headers=ENGLISH)
        assert response.status_code in (400, 404), (path, value)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_in_every_field_of_a_post_never_file_half_a_report(
    client, with_questions, api_key, value
):
    fields = {
        "service_code": "roads",
        "lat": "29.557",
        "long": "106.577",
        "description": "坑",
        "attribute[DEPTH]": "3",
    }
    names = [
        *fields,
        "address_string",
        "address_id",
        "email",
        "first_name",
        "phone",
        "media_url",
        "attribute[SIDE]",
    ]
    for name in names:
        response = client.post(
            f"{BASE}/requests.json", {**fields, "api_key": api_key, name: value}, headers=ENGLISH
        )
        assert response.status_code in (200, 400, 404), (name, value, response.content)
        if response.status_code != 200:
            assert errors_json(response)
    assert Report.objects.count() <= len(names)
