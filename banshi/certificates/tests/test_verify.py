"""The public check of a number: genuine and current, revoked, unknown or malformed; never a 500 and
never personal data."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from banshi.certificates.services import certificate_revoke
from banshi.conftest import FATHER_ID, MOTHER_ID

PERSONAL = ("王小明", "张丽", "王强", MOTHER_ID, FATHER_ID, "13800000001", "解放碑")


def anonymous() -> Client:
    return Client(headers={"Accept-Language": "en"})


def assert_nothing_personal(text: str) -> None:
    for secret in PERSONAL:
        assert secret not in text


def test_a_genuine_current_document_is_said_to_be_so_without_identifying_anyone(issued):
    response = anonymous().get(f"/verify/{issued.number}")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-status="valid"' in page and "Genuine and valid" in page
    for fact in ("Birth medical certificate", issued.number, issued.agency.name_en, "王**"):
        assert fact in page
    assert_nothing_personal(page)
    assert response["Cache-Control"] == "no-store"


def test_a_revoked_document_says_revoked_with_the_date_but_not_the_reason(issued, health_officer):
    certificate_revoke(actor=health_officer, number=issued.number, reason="wrong mother 张丽 typed")
    issued.refresh_from_db()
    page = anonymous().get(f"/verify/{issued.number}").content.decode()
    assert 'data-status="revoked"' in page and "Revoked" in page and "Genuine and valid" not in page
    assert issued.revoked_at.astimezone().strftime("%Y") in page
    assert "wrong mother" not in page
    assert_nothing_personal(page)


def test_an_unknown_number_is_answered_clearly(catalog):
    response = anonymous().get("/verify/CS20990101000001")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-status="unknown"' in page and "No document has this number" in page
    assert "may be forged" in page


@pytest.mark.parametrize(
    "number",
    [
        "cs20260105000001",
        "CS-1234",
        "ABC",
        "X" * 41,
        "出生医学证明",
        "CS%20123456",
        "<script>x</script>",
        "...",
    ],
)
def test_a_malformed_number_is_answered_clearly_and_never_echoed(catalog, number):
    response = anonymous().get(f"/verify/{number}")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-status="malformed"' in page and "This is not a document number" in page
    assert "<script>x" not in page


def test_the_form_takes_a_typed_number_spaces_and_lower_case_forgiven(issued):
    client = anonymous()
    assert client.get("/verify/").status_code == 200
    typed = " ".join(issued.number[i : i + 4] for i in range(0, len(issued.number), 4)).lower()
    response = client.get("/verify/", {"number": typed})
    assert response.status_code == 302 and response.url == f"/verify/{issued.number}"
    bad = client.get("/verify/", {"number": "CS/../../etc"})
    assert bad.status_code == 400 and 'data-status="malformed"' in bad.content.decode()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=st.text(min_size=1, max_size=60))
def test_any_number_whatsoever_is_answered_without_an_error_or_personal_data(issued, number):
    from urllib.parse import quote

    response = anonymous().get("/verify/" + quote(number, safe=""))
    assert response.status_code in (200, 404)
    assert_nothing_personal(response.content.decode())
    api = anonymous().get("/api/v1/certificates/" + quote(number, safe="") + "/verify")
    assert api.status_code in (200, 404)
    assert_nothing_personal(api.content.decode())


def test_the_api_answers_anyone_with_the_public_facts(issued, health_officer):
    response = anonymous().get(f"/api/v1/certificates/{issued.number}/verify")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "number": issued.number,
        "status": "valid",
        "document_type": "Birth medical certificate",
        "issuing_agency": issued.agency.name_en,
        "issued_on": issued.issued_at.astimezone().date().isoformat(),
        "revoked_on": None,
        "holder": "王**",
    }
    certificate_revoke(actor=health_officer, number=issued.number, reason="issued in error")
    body = anonymous().get(f"/api/v1/certificates/{issued.number}/verify").json()
    assert body["status"] == "revoked" and body["revoked_on"] is not None
    assert "issued in error" not in str(body)


@pytest.mark.parametrize("number", ["CS20990101000001", "cs123", "X" * 41])
def test_the_api_answers_404_in_the_error_shape_for_unknown_and_malformed_numbers(catalog, number):
    response = anonymous().get(f"/api/v1/certificates/{number}/verify")
    assert response.status_code == 404
    assert response.json() == {"errors": [{"field": "", "message": "not found"}]}
