"""The OpenAPI document is a contract with the API's clients: generated clients name their methods after
the operation ids, so a change to it must be deliberate. After an intended change, rewrite the snapshot:

    .venv/bin/python manage.py shell -c "from banshi.api.tests.test_openapi_snapshot import write; write()"
"""

import difflib
import json
from pathlib import Path

import pytest
from ninja.responses import NinjaJSONEncoder

SNAPSHOT = Path(__file__).with_name("openapi_snapshot.json")


def render(document: dict) -> str:
    return json.dumps(document, cls=NinjaJSONEncoder, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write() -> None:
    from banshi.api.api import api

    SNAPSHOT.write_text(render(api.get_openapi_schema(path_prefix="/api/v1/")), encoding="utf-8")


def test_the_openapi_document_matches_the_snapshot(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    live = response.json()
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    if live != snapshot:
        diff = difflib.unified_diff(
            render(snapshot).splitlines(),
            render(live).splitlines(),
            fromfile="openapi_snapshot.json",
            tofile="/api/v1/openapi.json",
            lineterm="",
        )
        pytest.fail("The OpenAPI document differs from the snapshot:\n" + "\n".join(diff), pytrace=False)
