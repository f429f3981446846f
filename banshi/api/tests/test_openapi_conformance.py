"""The OpenAPI document is true: schemathesis generates requests from it (valid ones, and ones that break
its types, limits and auth) and sends them to the Django WSGI application in this process; every answer
must be documented, in its content type and its schema, and none a server error. A resident's bearer
token goes to the resident's operations, an officer's to the officer's."""

import json
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from banshi.accounts.models import User
from banshi.accounts.services import api_token_issue
from banshi.api.api import api
from banshi.api.tests.test_openapi_snapshot import render
from banshi.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
OFFICERS_TAGS = {"tasks", "certificates"}


@pytest.fixture
def wsgi_in_the_test_transaction() -> Iterator[None]:
    """Requests run in the test's transaction, as with Django's test client, which likewise keeps the
    end of a request from closing the connection (it would end the transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(submit, resident: User, health_officer: User) -> dict[str, dict[str, str]]:
    """Tokens for the resident, who has submitted a newborn application, and for an officer of the
    health commission, whose queue holds its tasks."""
    submit()
    return {
        persona: {"Authorization": f"Bearer {api_token_issue(user=user)[0]}"}
        for persona, user in (("resident", resident), ("officer", health_officer))
    }


@schema.parametrize()
@settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_is_the_one_the_document_declares(
    case: schemathesis.Case, bearer: dict[str, dict[str, str]], wsgi_in_the_test_transaction: None
) -> None:
    officers = bool(OFFICERS_TAGS & set(case.operation.definition.raw.get("tags", [])))
    case.call_and_validate(headers=bearer["officer" if officers else "resident"], checks=CHECKS)


# --- what every operation declares ------------------------------------------------------------------


def _document() -> dict:
    return json.loads(render(api.get_openapi_schema(path_prefix="/api/v1/")))


def _operations() -> Iterator[tuple[str, str, dict]]:
    document = _document()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


def _constrained(parameter: dict) -> bool:
    """Whether a request can break what the parameter's schema says (anything but a plain string)."""
    return (
        set(parameter["schema"]) - {"title", "description"} != {"type"}
        or parameter["schema"]["type"] != "string"
    )


def test_every_operation_with_a_token_declares_401_and_every_one_with_input_400():
    for method, path, operation in _operations():
        declared = set(operation["responses"])
        if operation.get("security"):
            assert "401" in declared, (method, path)
        if operation.get("requestBody") or any(_constrained(p) for p in operation.get("parameters", [])):
            assert "400" in declared, (method, path)
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                body = response["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/Errors"}, (method, path, status)


def test_the_token_and_the_public_verification_declare_429():
    declared = {(method, path): set(op["responses"]) for method, path, op in _operations()}
    assert "429" in declared[("POST", "/api/v1/auth/token")]
    assert "429" in declared[("GET", "/api/v1/certificates/{number}/verify")]


def test_the_inputs_state_their_limits():
    document = _document()
    schemas = document["components"]["schemas"]
    application = schemas["ApplicationIn"]["properties"]
    for part in ("answers", "fields", "materials"):
        assert application[part]["maxProperties"] > 0
        assert application[part]["propertyNames"]["maxLength"] == 60
        assert application[part]["propertyNames"]["pattern"].startswith("^")
        assert "patternProperties" not in application[part]
    assert schemas["RatingIn"]["properties"]["level"] | {"title": ""} == {
        "maximum": 5,
        "minimum": 1,
        "title": "",
        "type": "integer",
    }
    assert schemas["RevokeIn"]["properties"]["reason"]["maxLength"] == 1000
    assert schemas["TokenIn"]["properties"]["username"]["maxLength"] == 150
    task = next(op for method, path, op in _operations() if path == "/api/v1/tasks/{task_id}")
    (task_id,) = task["parameters"]
    assert task_id["schema"]["minimum"] == 1 and task_id["schema"]["maximum"] == 2**63 - 1
