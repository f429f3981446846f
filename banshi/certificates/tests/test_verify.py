"""The public check of a number: genuine and current, revoked, unknown or malformed; never a 500 and
never personal data. The number alone tells only whether a document has it: its details need the
verification code printed beside it."""

import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from banshi.certificates.models import VERIFICATION_ALPHABET, Certificate
from banshi.certificates.services import certificate_revoke
from banshi.conftest import FATHER_ID, MOTHER_ID

PERSONAL = ("王小明", "张丽", "王强", MOTHER_ID, FATHER_ID, "13800000001", "解放碑")


def anonymous() -> Client:
    return Client(headers={"Accept-Language": "en"})


def assert_nothing_personal(text: str) -> None:
    for secret in PERSONAL:
        assert secret not in text


def checked(certificate: Certificate) -> str:
    return f"/verify/{certificate.number}?code={certificate.verification_code}"


def test_a_genuine_current_document_is_said_to_be_so_without_identifying_anyone(issued):
    response = anonymous().get(checked(issued))
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
    page = anonymous().get(checked(issued)).content.decode()
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
    response = anonymous().get(
        f"/api/v1/certificates/{issued.number}/verify", {"code": issued.verification_code}
    )
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
    body = (
        anonymous()
        .get(f"/api/v1/certificates/{issued.number}/verify", {"code": issued.verification_code})
        .json()
    )
    assert body["status"] == "revoked" and body["revoked_on"] is not None
    assert "issued in error" not in str(body)


@pytest.mark.parametrize("number", ["CS20990101000001", "cs123", "X" * 41])
def test_the_api_answers_404_in_the_error_shape_for_unknown_and_malformed_numbers(catalog, number):
    response = anonymous().get(f"/api/v1/certificates/{number}/verify")
    assert response.status_code == 404
    assert response.json() == {"errors": [{"field": "", "message": "not found"}]}


# --- the verification code ------------------------------------------------------------------------


def assert_no_facts(text: str, certificate: Certificate) -> None:
    """Nothing of what the code unlocks: the type, the agency, the date, the holder, the state."""
    for fact in (
        "Birth medical certificate",
        certificate.agency.name_en,
        certificate.agency.name_zh,
        "王**",
        certificate.issued_at.astimezone().date().isoformat(),
        "Genuine and valid",
        "Revoked",
    ):
        assert fact not in text
    assert_nothing_personal(text)


def test_each_document_gets_its_own_random_code_from_an_alphabet_without_look_alikes(submit, health_officer):
    from banshi.cases.tests.helpers import approve

    for key in ("a", "b", "c"):
        approve(health_officer, submit(idempotency_key=key), "birth_medical_certificate")
    codes = list(Certificate.objects.values_list("verification_code", flat=True))
    assert len(codes) == 3 and len(set(codes)) == 3
    for code in codes:
        assert re.fullmatch(f"[{VERIFICATION_ALPHABET}]{{10}}", code)
    assert not set("0O1IL") & set(VERIFICATION_ALPHABET)


def test_the_number_alone_says_only_that_a_document_has_it_and_asks_for_the_code(issued):
    response = anonymous().get(f"/verify/{issued.number}")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-status="code_needed"' in page and "A document has this number" in page
    assert 'name="code"' in page and f'value="{issued.number}"' in page
    assert_no_facts(page, issued)
    assert response["Cache-Control"] == "no-store"


def test_a_wrong_code_is_answered_like_an_unknown_number_with_a_code(issued, health_officer):
    wrong = "".join(reversed(issued.verification_code))
    if wrong == issued.verification_code:
        wrong = "ABCDEFGHJK" if issued.verification_code != "ABCDEFGHJK" else "KJHGFEDCBA"
    answers = [
        anonymous().get(f"/verify/{issued.number}", {"code": wrong}),
        anonymous().get("/verify/CS20990101000001", {"code": issued.verification_code}),
    ]
    certificate_revoke(actor=health_officer, number=issued.number, reason="issued in error")
    answers.append(anonymous().get(f"/verify/{issued.number}", {"code": wrong}))
    pages = []
    for response in answers:
        assert response.status_code == 404
        page = response.content.decode()
        assert 'data-status="no_match"' in page
        assert "No document has this number and verification code" in page
        assert_no_facts(page, issued)
        for typed, placeholder in (
            (issued.number, "N"),
            ("CS20990101000001", "N"),
            (issued.verification_code, "C"),
            (wrong, "C"),
        ):
            page = page.replace(typed, placeholder)
        # The per-response tokens of the page (the language form's CSRF token, a script nonce) differ.
        pages.append(re.sub(r'(value|nonce)="[A-Za-z0-9+/=_-]{20,}"', "", page))
    assert pages[0] == pages[1] == pages[2]


def test_a_code_is_forgiven_its_spaces_hyphens_and_lower_case(issued):
    code = issued.verification_code
    typed = f" {code[:5].lower()} - {code[5:]} "
    response = anonymous().get(f"/verify/{issued.number}", {"code": typed})
    assert response.status_code == 200 and 'data-status="valid"' in response.content.decode()


def test_the_form_takes_the_number_and_the_code_to_the_check(issued):
    client = anonymous()
    code = issued.verification_code
    response = client.get("/verify/", {"number": issued.number.lower(), "code": f"{code[:5]} {code[5:]}"})
    assert response.status_code == 302 and response.url == checked(issued)
    assert 'data-status="valid"' in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    "code", ["ABC", "X" * 11, "0O1IL00000", "<script>x</script>", "核验码核验码核验码核验"]
)
def test_a_malformed_code_is_answered_clearly_and_never_echoed(issued, code):
    response = anonymous().get(f"/verify/{issued.number}", {"code": code})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-status="code_malformed"' in page and "This is not a verification code" in page
    assert "<script>x" not in page and "核验码核验码" not in page
    assert_no_facts(page, issued)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=st.text(min_size=1, max_size=60))
def test_any_code_whatsoever_is_answered_without_an_error_or_the_facts(issued, code):
    if code.strip().replace("-", "").upper() == issued.verification_code:
        return
    response = anonymous().get(f"/verify/{issued.number}", {"code": code})
    assert response.status_code in (200, 400, 404)
    assert_no_facts(response.content.decode(), issued)
    api = anonymous().get(f"/api/v1/certificates/{issued.number}/verify", {"code": code})
    assert api.status_code in (200, 400, 404)
    assert_no_facts(api.content.decode(), issued)


def test_the_api_by_the_number_alone_says_only_that_the_code_is_required(issued):
    response = anonymous().get(f"/api/v1/certificates/{issued.number}/verify")
    assert response.status_code == 200
    assert response.json() == {
        "number": issued.number,
        "status": "code_required",
        "document_type": None,
        "issuing_agency": None,
        "issued_on": None,
        "revoked_on": None,
        "holder": None,
    }


def test_the_api_answers_a_wrong_code_and_an_unknown_number_alike(issued):
    wrong = "ABCDEFGHJK" if issued.verification_code != "ABCDEFGHJK" else "KJHGFEDCBA"
    for number, code in ((issued.number, wrong), ("CS20990101000001", issued.verification_code)):
        response = anonymous().get(f"/api/v1/certificates/{number}/verify", {"code": code})
        assert response.status_code == 404
        assert response.json() == {
            "errors": [{"field": "", "message": "no document has this number and verification code"}]
        }


def test_the_api_names_the_code_when_it_cannot_be_one(issued):
    response = anonymous().get(f"/api/v1/certificates/{issued.number}/verify", {"code": "short"})
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["code"]
    assert_no_facts(response.content.decode(), issued)
