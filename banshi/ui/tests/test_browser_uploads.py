"""A real Chromium on a phone: a file over the limit is refused on the page, before it is sent."""

import os

import pytest
from playwright.sync_api import expect

from banshi.cases.models import Upload
from banshi.cases.tests.test_browser import log_in
from banshi.conftest import png_bytes
from banshi.ui.tests.test_browser_switches import new_page

# Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

LIMIT = 1024 * 1024


def test_a_file_over_the_limit_is_refused_before_it_is_sent(
    transactional_db, live_server, browser, resident, settings, tmp_path
):
    settings.MATERIAL_MAX_BYTES = LIMIT
    page = new_page(browser, live_server.url)
    log_in(page, resident.username)
    page.goto("/bundles/newborn/questions/")
    for question, option in (
        ("register-with", "father"),
        ("collector", "mother"),
        ("maternity-reimbursement", "no"),
        ("card-delivery", "window"),
    ):
        page.check(f"#answers-{question}-{option}")
    page.click("#continue")
    expect(page).to_have_url(f"{live_server.url}/bundles/newborn/details/")

    big = tmp_path / "mother_id_card.png"
    big.write_bytes(png_bytes() + b"\0" * (LIMIT + 1))
    sent: list[int] = []
    page.on("request", lambda request: sent.append(len(request.post_data_buffer or b"")))
    page.set_input_files("#materials-mother-id-card", str(big))
    refusal = page.locator("#materials-mother-id-card-size-error")
    expect(refusal).to_contain_text("1 MB")  # in either language
    expect(page.locator("#materials-mother-id-card")).to_have_attribute("aria-invalid", "true")
    assert page.locator("#materials-mother-id-card").evaluate("input => input.files.length") == 0

    # A file within the limit takes its place, and the refusal goes.
    small = tmp_path / "mother_id_card_small.png"
    small.write_bytes(png_bytes())
    page.set_input_files("#materials-mother-id-card", str(small))
    expect(refusal).to_have_count(0)
    page.click("#continue")
    expect(page.locator("#materials-mother-id-card-uploaded")).to_be_visible()
    assert all(size < LIMIT for size in sent)
    assert Upload.objects.filter(owner=resident).count() == 1
    page.context.close()
