"""The problems' small world, an Open311 client with its key, and helpers that read the two formats."""

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from banshi.accounts.models import User
from banshi.open311.services import api_key_issue
from banshi.problems.tests.conftest import (  # noqa: F401 (fixtures)
    JIANGBEI,
    MONDAY_MORNING,
    SHAPINGBA,
    YUZHONG,
    World,
    file_web,
    monday_morning,
    world,
)

BASE = "/open311/v2"
ENGLISH = {"accept-language": "en"}

POTHOLE_QUESTIONS = [
    {
        "code": "DEPTH",
        "datatype": "number",
        "required": True,
        "description": "How deep is it (cm)?",
        "order": 1,
    },
    {
        "code": "LANES",
        "datatype": "multivaluelist",
        "required": False,
        "description": "Which lanes does it block?",
        "order": 2,
        "values": [{"key": "left", "name": "Left"}, {"key": "right", "name": "Right"}],
    },
    {
        "code": "SIDE",
        "datatype": "singlevaluelist",
        "required": False,
        "description": "Which side of the road?",
        "order": 3,
        "values": [{"key": "north", "name": "North"}, {"key": "south", "name": "South"}],
    },
]


@pytest.fixture
def with_questions(world: World) -> World:  # noqa: F811 (the fixture)
    world.roads.attributes = POTHOLE_QUESTIONS
    world.roads.save(update_fields=["attributes"])
    return world


@pytest.fixture
def api_key(db) -> str:
    admin = User.objects.create_superuser(username="keeper", password="a password")
    key, _client = api_key_issue(actor=admin, name="Street app")
    return key


def xml_of(response: Any) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 (our own answer)


def json_of(response: Any) -> Any:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def shape(element: ET.Element) -> Any:
    """An element's structure: its tag and its children's shapes, leaves by tag alone."""
    children = list(element)
    return (element.tag, [shape(child) for child in children]) if children else element.tag


def errors_xml(response: Any) -> list[tuple[str, str]]:
    root = xml_of(response)
    assert root.tag == "errors"
    assert all(shape(error) == ("error", ["code", "description"]) for error in root)
    return [(error.findtext("code") or "", error.findtext("description") or "") for error in root]


def errors_json(response: Any) -> list[dict[str, Any]]:
    body = json_of(response)
    assert isinstance(body, list) and all(set(error) == {"code", "description"} for error in body)
    return body


def post_request(client: Any, fmt: str = "json", query: str = "", **data: Any) -> Any:
    return client.post(f"{BASE}/requests.{fmt}{query}", data, headers=ENGLISH)
