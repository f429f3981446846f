"""Whatever a client sends, the API answers with a clear 4xx and writes nothing, never a 500."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from banshi.cases.models import Application, Task
from banshi.conftest import ANSWERS, newborn_values

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "0",
            "X",
            "2026-02-30",
            "2026-11-27 25:61",
            "500103199205140421",
            "１２３",
            "\x00",
            "13800000000",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
keys = st.sampled_from([*newborn_values().keys(), "pet.name", "", "newborn"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fields=st.dictionaries(keys, values, max_size=6),
    answers=st.one_of(values, st.dictionaries(st.sampled_from([*ANSWERS, "x"]), values, max_size=4)),
    materials=values,
)
def test_random_submissions_are_refused_cleanly(api_as, resident, fields, answers, materials):
    client = api_as(resident)
    body = {
        "bundle": "newborn",
        "answers": answers,
        "fields": {**newborn_values(), **fields},
        "materials": materials,
    }
    response = client.client.post(
        "/api/v1/applications",
        json.dumps(body, allow_nan=True),
        content_type="application/json",
        headers=client.headers,
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"]
    assert not Application.objects.exists() and not Task.objects.exists()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(outputs=values, reason=values, items=values)
def test_random_officer_payloads_never_cause_a_500(api_as, submit, health_officer, outputs, reason, items):
    client = api_as(health_officer)
    task = Task.objects.filter(service="birth_medical_certificate").first() or None
    if task is None:
        submit()
        task = Task.objects.get(service="birth_medical_certificate")
    url = f"/api/v1/tasks/{task.id}"
    for action, payload in (
        ("claim", None),
        ("approve", {"outputs": outputs}),
        ("return", {"reason": reason, "items": items}),
        ("reject", {"reason": reason}),
    ):
        response = client.client.post(
            f"{url}/{action}",
            json.dumps(payload, allow_nan=True) if payload is not None else "",
            content_type="application/json",
            headers=client.headers,
        )
        assert response.status_code < 500, (action, response.content)
