"""Discovery, the list of services and a service's definition, in XML and in JSON, shaped as the
specification's examples."""

import pytest
import time_machine

from banshi.open311.tests.conftest import BASE, ENGLISH, errors_json, errors_xml, json_of, shape, xml_of
from banshi.problems.models import Category

pytestmark = pytest.mark.django_db

SERVICE_ELEMENTS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]


def test_discovery_names_this_endpoint_and_its_two_formats_in_xml(client, world):
    root = xml_of(client.get(f"{BASE}/discovery.xml", headers=ENGLISH))
    assert shape(root) == (
        "discovery",
        [
            "changeset",
            "contact",
            "key_service",
            (
                "endpoints",
                [
                    (
                        "endpoint",
                        ["specification", "url", "changeset", "type", ("formats", ["format", "format"])],
                    )
                ],
            ),
        ],
    )
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint.iter("format")] == ["text/xml", "application/json"]
    assert root.findtext("changeset").endswith("+08:00")


def test_discovery_in_json_lists_the_formats_as_an_array(client, world):
    body = json_of(client.get(f"{BASE}/discovery.json", headers=ENGLISH))
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert body["endpoints"][0]["type"] == "production"


def test_services_are_the_open_categories_in_a_services_list_of_service_elements(client, with_questions):
    Category.objects.filter(code="noise").update(active=False)
    root = xml_of(client.get(f"{BASE}/services.xml", headers=ENGLISH))
    assert root.tag == "services"
    assert all(shape(service) == ("service", SERVICE_ELEMENTS) for service in root)
    by_code = {service.findtext("service_code"): service for service in root}
    assert set(by_code) == {"roads", "water", "gas_leak"}, "an inactive category is no service"
    roads = by_code["roads"]
    assert roads.findtext("service_name") == "Roads"
    assert roads.findtext("metadata") == "true"
    assert by_code["water"].findtext("metadata") == "false"
    assert roads.findtext("type") == "realtime"
    assert roads.findtext("group") == "General"
    assert "道路" in roads.findtext("keywords")


def test_services_in_json_have_string_codes_and_boolean_metadata(client, with_questions):
    body = json_of(client.get(f"{BASE}/services.json", headers=ENGLISH))
    roads = next(service for service in body if service["service_code"] == "roads")
    assert list(roads) == SERVICE_ELEMENTS
    assert roads["metadata"] is True and isinstance(roads["service_code"], str)


def test_no_service_at_all_is_reported_not_answered_with_an_empty_list(client, db):
    Category.objects.update(active=False)
    response = client.get(f"{BASE}/services.xml", headers=ENGLISH)
    assert response.status_code == 503
    assert errors_xml(response)[0][0] == "503"


def test_a_service_definition_lists_its_attributes_with_their_values(client, with_questions):
    root = xml_of(client.get(f"{BASE}/services/roads.xml", headers=ENGLISH))
    attribute = ["variable", "code", "datatype", "required", "datatype_description", "order", "description"]
    assert shape(root) == (
        "service_definition",
        [
            "service_code",
            (
                "attributes",
                [
                    ("attribute", attribute),
                    ("attribute", [*attribute, ("values", [("value", ["key", "name"])] * 2)]),
                    ("attribute", [*attribute, ("values", [("value", ["key", "name"])] * 2)]),
                ],
            ),
        ],
    )
    first = root.find("attributes/attribute")
    assert (first.findtext("code"), first.findtext("required"), first.findtext("variable")) == (
        "DEPTH",
        "true",
        "true",
    )


def test_a_service_definition_in_json(client, with_questions):
    body = json_of(client.get(f"{BASE}/services/roads.json", headers=ENGLISH))
    assert body["service_code"] == "roads"
    lanes = body["attributes"][1]
    assert lanes["datatype"] == "multivaluelist" and lanes["required"] is False
    assert lanes["values"] == [{"key": "left", "name": "Left"}, {"key": "right", "name": "Right"}]
    assert body["attributes"][0]["datatype_description"] is None


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_unknown_service_code_is_404_in_the_format_asked(client, world, fmt):
    response = client.get(f"{BASE}/services/potholes.{fmt}", headers=ENGLISH)
    assert response.status_code == 404
    errors = errors_xml(response) if fmt == "xml" else errors_json(response)
    if fmt == "xml":
        assert errors == [("404", "service_code potholes not found")]
    else:
        assert errors == [{"code": 404, "description": "service_code potholes not found"}]


def test_a_format_the_specification_does_not_know_is_refused_in_xml(client, world):
    response = client.get(f"{BASE}/services.csv", headers=ENGLISH)
    assert response.status_code == 400
    assert "csv" in errors_xml(response)[0][1]


def test_a_resource_that_does_not_exist_is_404_in_its_format(client, world):
    response = client.get(f"{BASE}/nothing.json", headers=ENGLISH)
    assert response.status_code == 404
    assert errors_json(response)[0]["code"] == 404
    assert client.get(f"{BASE}/services", headers=ENGLISH).status_code == 404


def test_a_method_a_resource_does_not_take_is_refused_in_its_format(client, world):
    response = client.post(f"{BASE}/services.json", headers=ENGLISH)
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert errors_json(response)[0]["code"] == 405


def test_past_the_rate_a_client_is_refused_with_429_in_the_format_asked(client, world, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "open311": "2/m"}
    with time_machine.travel("2026-12-07 12:00:30 +08:00", tick=False):
        assert client.get(f"{BASE}/services.json").status_code == 200
        assert client.get(f"{BASE}/services.xml").status_code == 200
        refused = client.get(f"{BASE}/services.json", headers=ENGLISH)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert errors_json(refused) == [{"code": 429, "description": "too many requests: try again later"}]
