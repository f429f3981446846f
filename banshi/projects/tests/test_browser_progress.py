"""A real Chromium on a phone: the owner reports progress on a community of Banan's renovation (an
indicator's actual and a photo); anyone then sees the update, the photo and the new actual on the
project's page and its timeline, and the progress chart drawn on its canvas."""

import os

import pytest
from PIL import Image
from playwright.sync_api import expect

from banshi.cases.tests import test_browser
from banshi.projects.models import Indicator, UpdatePhoto
from banshi.projects.tests.conftest import build_register
from banshi.ui.tests.test_browser_switches import PHONE_VIEWPORT

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


@pytest.fixture
def live_register(transactional_db, catalog):
    return build_register()


def new_page(browser, base_url: str):
    return test_browser.new_page(browser, base_url, **PHONE_VIEWPORT)


def test_the_owner_posts_progress_on_a_phone_and_the_public_sees_it_on_the_timeline_and_the_chart(
    production_static, live_register, live_server, browser, tmp_path
):
    reg = live_register
    photo = tmp_path / "pipes.jpg"
    Image.new("RGB", (120, 90), (30, 120, 200)).save(photo, "JPEG")
    problems: list[str] = []

    def watched(page):
        page.on("console", lambda message: message.type == "error" and problems.append(message.text))
        page.on("pageerror", lambda error: problems.append(str(error)))
        return page

    page = watched(new_page(browser, live_server.url))
    page.goto("/accounts/login/")
    page.fill("#id_username", reg.owner.username)
    page.fill("#id_password", "a password")
    page.click("#login")
    expect(page.locator("#logout")).to_be_visible()
    page.goto(f"/projects/{reg.first.pk}/")
    page.click("#post-update")
    page.fill("#id_text", "雨污分流管网改造完成")
    page.fill("#id_actual_households", "150")
    page.fill("#id_progress", "45")
    page.set_input_files("#id_photos", str(photo))
    page.click("#send-update")
    expect(page.locator("#updates")).to_contain_text("雨污分流管网改造完成")
    assert Indicator.objects.get(project=reg.first, code="households").actual == 150
    assert UpdatePhoto.objects.filter(update__project=reg.first).count() == 1
    page.context.close()

    public = watched(new_page(browser, live_server.url))
    public.goto(f"/projects/{reg.first.pk}/")
    expect(public.locator("#indicators tr[data-code='households'] .actual")).to_contain_text("150")
    expect(public.locator("#timeline")).to_contain_text("150")
    expect(public.locator("#updates img")).to_have_count(1)
    # The page is there before its photo has loaded: the photo itself must load, whenever it does.
    public.wait_for_function(
        "() => { const img = document.querySelector('#updates img');"
        " return img !== null && img.complete && img.naturalWidth > 0; }"
    )
    expect(public.locator("#post-update")).to_have_count(0)
    chart = public.locator("#progress-chart")
    chart.scroll_into_view_if_needed()
    expect(chart).to_have_attribute("data-drawn", "1")
    canvas = chart.locator("canvas")
    expect(canvas).to_have_count(1)
    box = canvas.bounding_box()
    assert box["width"] > 100 and box["width"] <= 390
    # The canvas holds drawn pixels, not a blank surface.
    assert canvas.evaluate(
        "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true; return false; }"
    )
    # Its parent's progress rolled up from the new figure: (45*3 + 60*1) / 4.
    public.goto(f"/projects/{reg.parent.pk}/")
    expect(public.locator("#project-progress")).to_have_text("48.8%")
    public.context.close()
    assert problems == []
