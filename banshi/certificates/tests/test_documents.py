"""The printable document: who may download it, what it says, and a QR code that leads to the check."""

import subprocess
from urllib.parse import urlsplit

import pytest
from django.test import Client

from banshi.certificates.documents import certificate_pdf
from banshi.certificates.services import certificate_revoke
from banshi.certificates.tests.conftest import logged_in
from banshi.conftest import FATHER_ID, MOTHER_ID, _officer
from banshi.directory.models import Agency


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def qr_content(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1, "a certificate is one A4 page"
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(pages[0])], capture_output=True, text=True)
    assert decoded.returncode == 0, decoded.stderr
    return decoded.stdout.strip()


def test_the_pdf_qr_code_leads_to_the_page_that_says_genuine_then_revoked(
    issued, resident, health_officer, settings, tmp_path
):
    settings.PUBLIC_URL = "https://banshi.cq.gov.cn"
    response = logged_in(resident).get(f"/certificates/{issued.number}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    url = qr_content(response.content, tmp_path)
    assert url == f"https://banshi.cq.gov.cn/verify/{issued.number}?code={issued.verification_code}"

    public = Client(headers={"Accept-Language": "en"})
    scanned = urlsplit(url)
    page = public.get(f"{scanned.path}?{scanned.query}").content.decode()
    assert "Genuine and valid" in page
    for secret in ("王小明", MOTHER_ID, FATHER_ID):
        assert secret not in page

    certificate_revoke(actor=health_officer, number=issued.number, reason="issued in error")
    page = public.get(f"{scanned.path}?{scanned.query}").content.decode()
    assert 'data-status="revoked"' in page and "Genuine and valid" not in page


def test_the_document_is_in_chinese_with_the_holders_details_in_full(issued, tmp_path):
    text = pdf_text(certificate_pdf(certificate=issued), tmp_path)
    for expected in (
        "出生医学证明",
        issued.number,
        "王小明",
        "男",
        MOTHER_ID,
        FATHER_ID,
        "张丽",
        "重庆医科大学",
    ):
        assert expected in text
    agency = Agency.objects.get(code="health_commission").name_zh
    assert f"签发机关：{agency}" in text and "签发日期：" in text and "扫码核验真伪" in text
    assert issued.verification_code_display in text  # beside the number, for a person to type
    assert "Birth medical certificate" not in text and "Issued by" not in text
    assert "已撤销" not in text
    # Contact details are not what a birth certificate certifies.
    assert "13800000001" not in text


def test_a_revoked_document_still_downloads_for_its_holder_marked_revoked(issued, health_officer, tmp_path):
    certificate_revoke(actor=health_officer, number=issued.number, reason="issued in error")
    issued.refresh_from_db()
    text = pdf_text(certificate_pdf(certificate=issued), tmp_path)
    assert issued.number in text and "已撤销" in text and "撤销日期：" in text
    assert "issued in error" not in text


def test_the_agencys_officers_and_the_accepting_windows_clerks_may_download_and_nobody_else(
    issued, police_officer, other_resident, outsider
):
    from banshi.conftest import _clerk

    application = issued.application
    clerk = _clerk("clerk", "渝中区政务服务中心综合窗口")
    application.window = clerk.memberships.get().window
    application.save(update_fields=["window"])
    other_window_clerk = _clerk("clerk2", "江北区政务服务中心综合窗口")
    colleague = _officer("health2", "health_commission")
    path = f"/certificates/{issued.number}.pdf"
    for user in (colleague, clerk):
        response = logged_in(user).get(path)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    for user in (police_officer, other_window_clerk, other_resident, outsider):
        assert logged_in(user).get(path).status_code == 404
    anonymous = Client().get(path)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")


@pytest.mark.parametrize("number", ["CS20990101000001", "cs123456", "X" * 41, "a.b"])
def test_an_unknown_or_malformed_number_is_a_404_even_for_the_agency(catalog, health_officer, number):
    assert logged_in(health_officer).get(f"/certificates/{number}.pdf").status_code == 404


def test_the_status_page_lists_the_documents_with_their_downloads(issued, resident, health_officer):
    client = logged_in(resident)
    page = client.get(f"/applications/{issued.application.number}/").content.decode()
    assert f'href="/certificates/{issued.number}.pdf"' in page
    assert f'href="/verify/{issued.number}?code={issued.verification_code}"' in page
    assert f'id="certificate-{issued.number}" data-status="valid"' in page
    certificate_revoke(actor=health_officer, number=issued.number, reason="issued in error")
    page = client.get(f"/applications/{issued.application.number}/").content.decode()
    assert f'id="certificate-{issued.number}" data-status="revoked"' in page
