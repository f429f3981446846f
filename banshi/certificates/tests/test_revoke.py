"""Revocation by the issuing agency: the service, the API operation and the form on the task page."""

import pytest

from banshi.cases.tests.helpers import task_of
from banshi.certificates.models import Certificate
from banshi.certificates.services import certificate_revoke
from banshi.certificates.tests.conftest import events, logged_in
from banshi.conftest import _officer
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.notify.models import Notification

V, R = Certificate.Status.VALID, Certificate.Status.REVOKED


def test_the_only_move_is_from_valid_to_revoked():
    assert Certificate.TRANSITIONS == {V: {R}, R: set()}


def test_an_officer_of_the_issuing_agency_revokes_with_a_reason_and_it_is_audited(issued, health_officer):
    certificate_revoke(actor=health_officer, number=issued.number, reason="  issued in error  ")
    issued.refresh_from_db()
    assert issued.status == R and issued.revoked_at is not None
    assert (issued.revoked_by, issued.revoke_reason) == (health_officer, "issued in error")
    event = events(issued, "certificate.revoked").get()
    assert (event.actor, event.old_state, event.new_state) == (health_officer, V, R)
    assert event.reason == "issued in error" and event.created_at == issued.revoked_at
    note = Notification.objects.filter(user=issued.application.applicant).latest("id")
    assert issued.number in note.title


def test_revoking_twice_is_a_conflict_and_changes_nothing(issued, health_officer):
    certificate_revoke(actor=health_officer, number=issued.number, reason="issued in error")
    issued.refresh_from_db()
    with pytest.raises(Conflict):
        certificate_revoke(actor=health_officer, number=issued.number, reason="again")
    again = Certificate.objects.get(pk=issued.pk)
    assert (again.revoked_at, again.revoke_reason) == (issued.revoked_at, "issued in error")
    assert events(issued, "certificate.revoked").count() == 1


@pytest.mark.parametrize("reason", ["", "   ", None, 7, "x" * 1001])
def test_a_revocation_without_a_proper_reason_is_refused_and_writes_nothing(issued, health_officer, reason):
    with pytest.raises(FieldErrors) as caught:
        certificate_revoke(actor=health_officer, number=issued.number, reason=reason)
    assert "reason" in caught.value.errors
    issued.refresh_from_db()
    assert issued.status == V
    assert not events(issued, "certificate.revoked").exists()


def test_nobody_outside_the_issuing_agency_can_revoke(issued, police_officer, resident, outsider):
    for actor in (police_officer, resident, outsider):
        with pytest.raises(NotFound):
            certificate_revoke(actor=actor, number=issued.number, reason="not mine")
    with pytest.raises(NotFound):
        certificate_revoke(actor=police_officer, number="CS00000000000000", reason="unknown")
    issued.refresh_from_db()
    assert issued.status == V
    assert not events(issued, "certificate.revoked").exists()


def errors_of(response) -> dict:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_the_api_revokes_then_answers_409_to_a_second_revocation(issued, health_officer, api_as):
    client = api_as(health_officer)
    url = f"/api/v1/certificates/{issued.number}/revoke"
    response = client.post(url, {"reason": "issued in error"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "revoked" and body["number"] == issued.number
    assert "issued in error" not in response.content.decode()
    again = client.post(url, {"reason": "again"})
    assert again.status_code == 409 and again.json()["errors"][0]["message"]


def test_the_api_refuses_a_blank_reason_another_agency_and_a_missing_token(
    issued, health_officer, police_officer, api_as
):
    url = f"/api/v1/certificates/{issued.number}/revoke"
    blank = api_as(health_officer).post(url, {"reason": " "})
    assert blank.status_code == 400 and "reason" in errors_of(blank)
    missing = api_as(health_officer).post(url, {})
    assert missing.status_code == 400 and "reason" in errors_of(missing)
    other = api_as(police_officer).post(url, {"reason": "not mine"})
    assert other.status_code == 404 and other.json() == {"errors": [{"field": "", "message": "not found"}]}
    assert api_as().post(url, {"reason": "anonymous"}).status_code == 401
    issued.refresh_from_db()
    assert issued.status == V


def test_the_task_page_offers_the_revocation_and_it_works(issued, health_officer):
    client = logged_in(health_officer)
    task = issued.task
    page = client.get(f"/work/tasks/{task.pk}/").content.decode()
    assert f'id="certificate-{issued.number}" data-status="valid"' in page
    assert 'name="revoke-reason"' in page and f'value="{issued.number}"' in page
    response = client.post(
        f"/work/tasks/{task.pk}/revoke/", {"revoke-number": issued.number, "revoke-reason": "issued in error"}
    )
    assert response.status_code == 302 and response.url == f"/work/tasks/{task.pk}/"
    issued.refresh_from_db()
    assert issued.status == R
    page = client.get(response.url).content.decode()
    assert f'id="certificate-{issued.number}" data-status="revoked"' in page
    assert "issued in error" in page and 'name="revoke-reason"' not in page


def test_a_revocation_without_a_reason_on_the_page_shows_the_error_next_to_the_field(issued, health_officer):
    client = logged_in(health_officer)
    task = issued.task
    response = client.post(
        f"/work/tasks/{task.pk}/revoke/", {"revoke-number": issued.number, "revoke-reason": ""}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Reason for revoking is required" in page
    assert (
        f'href="#id_{issued.number}-revoke-reason"' in page
        and f'id="id_{issued.number}-revoke-reason"' in page
    )
    issued.refresh_from_db()
    assert issued.status == V


def test_the_page_refuses_an_unknown_number_and_another_agencys_officer(
    issued, health_officer, police_officer
):
    vaccination = task_of(issued.application, "vaccination_certificate")
    response = logged_in(health_officer).post(
        f"/work/tasks/{vaccination.pk}/revoke/", {"revoke-number": "NOSUCH0001", "revoke-reason": "x"}
    )
    assert response.status_code == 404
    response = logged_in(police_officer).post(
        f"/work/tasks/{issued.task.pk}/revoke/", {"revoke-number": issued.number, "revoke-reason": "x"}
    )
    assert response.status_code == 404
    issued.refresh_from_db()
    assert issued.status == V
    assert not events(issued, "certificate.revoked").exists()


def test_a_colleague_in_the_same_agency_may_revoke(issued):
    colleague = _officer("health2", "health_commission")
    certificate_revoke(actor=colleague, number=issued.number, reason="issued in error")
    issued.refresh_from_db()
    assert (issued.status, issued.revoked_by) == (R, colleague)
