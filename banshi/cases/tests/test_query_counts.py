"""The number of queries of a submission and of an officer's queue page must not grow with the tables."""

import re
from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext

from banshi.conftest import ANSWERS, another_baby


def _queries_of(action) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        action()
    return [query["sql"] for query in captured.captured_queries]


def _shape(sql: str) -> str:
    """The statement without its values, so that one query repeated for each row shows as one line."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql)
    return re.sub(r'"s\d+_x\d+"', '"savepoint"', sql)


def _describe(few: list[str], many: list[str]) -> str:
    """Which statements run a different number of times with many rows than with few."""
    a, b = Counter(map(_shape, few)), Counter(map(_shape, many))
    lines = [f"{len(few)} queries with few rows, {len(many)} with many; statements whose count changed:"]
    lines += [f"  {a[q]} -> {b[q]}x  {q}" for q in sorted(set(a) | set(b)) if a[q] != b[q]]
    return "\n".join(lines)


def _submit_many(submit, count: int) -> None:
    for _ in range(count):
        submit()


def test_submitting_a_newborn_application_takes_as_many_queries_with_thirty_applications_as_with_one(
    resident, uploads
):
    import itertools

    from banshi.cases.services import application_submit

    babies = itertools.count(1)

    def submit_one():
        application_submit(
            actor=resident,
            applicant=resident,
            bundle_code="newborn",
            answers=ANSWERS,
            values=another_baby(next(babies)),
            materials=uploads,
        )

    submit_one()  # the first of the day creates the day's application counter
    few = _queries_of(submit_one)
    _submit_many(submit_one, 30)
    many = _queries_of(submit_one)
    assert len(many) == len(few), _describe(few, many)


def test_an_officers_ready_queue_takes_as_many_queries_with_thirty_applications_as_with_one(
    submit, health_officer, api_as
):
    api = api_as(health_officer)
    submit()
    first = api.get("/api/v1/tasks", status="ready")
    assert first.status_code == 200, first.content
    per_application = len(first.json())
    assert per_application >= 1

    few = _queries_of(lambda: api.get("/api/v1/tasks", status="ready"))
    _submit_many(submit, 30)
    response = None

    def list_queue():
        nonlocal response
        response = api.get("/api/v1/tasks", status="ready")

    many = _queries_of(list_queue)
    assert response.status_code == 200, response.content
    assert len(response.json()) == 31 * per_application
    assert len(many) == len(few), _describe(few, many)


def test_an_officers_task_page_in_full_takes_as_many_queries_after_thirty_more_cases_and_looks(
    submit, health_officer
):
    from django.test import Client

    from banshi.audit.models import Access
    from banshi.cases.services import task_claim
    from banshi.cases.tests.helpers import task_of

    client = Client()
    client.force_login(health_officer)

    def claimed_task_url() -> str:
        task = task_of(submit(), "birth_medical_certificate")
        task_claim(actor=health_officer, task_id=task.pk)
        return f"/work/tasks/{task.pk}/"

    url = claimed_task_url()
    client.get(url)
    few = _queries_of(lambda: client.get(url))
    for _ in range(30):
        client.get(claimed_task_url())
    response = None

    def show_task():
        nonlocal response
        response = client.get(url)

    many = _queries_of(show_task)
    assert response.status_code == 200
    assert Access.objects.filter(actor=health_officer).count() == 33
    assert len(many) == len(few), _describe(few, many)
