"""A real Chromium on a phone, a lecture from start to end: the organiser schedules it with a pin on
the map; a resident finds it, registers, and checks in through the address its QR code encodes (read
back from the code's image with zbarimg), and someone without an account checks in there with their
mobile number and a texted code; the organiser closes it with its summary and walk-ins; and the
programme's monthly quota counts it met."""

import os
import re
import subprocess
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from banshi.cases.tests import test_browser
from banshi.conftest import run_queued_texts
from banshi.outreach.models import CheckIn, Lecture, Quota
from banshi.outreach.services import lectures as services
from banshi.outreach.tests.lectures_world import CHINA, PASSWORD, build_lecture_world
from banshi.ui.tests.test_browser_switches import PHONE_VIEWPORT

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


def new_page(browser, base_url: str):
    return test_browser.new_page(browser, base_url, **PHONE_VIEWPORT)


def code_in(text: str) -> str:
    """The six digits of a texted code, in whichever language the text is."""
    return re.search(r"\d{6}", text).group()


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login")
    expect(page.locator("#logout")).to_be_visible()


def test_a_lecture_is_scheduled_attended_by_qr_code_on_a_phone_closed_and_counted(
    production_static, transactional_db, live_server, browser, tmp_path, sms_outbox
):
    # Ten in the morning of today in Chongqing, the clock running: the lecture starts at 10:20, and the
    # session cookies stay valid however far this is from the real time of day.
    today = timezone.localtime(timezone.now(), CHINA).date()
    morning = datetime.combine(today, time(10), tzinfo=CHINA)
    with time_machine.travel(morning, tick=True) as clock:
        world = build_lecture_world()
        services.quota_set(
            actor=world.organiser, programme=world.programme, kind=Quota.Kind.LECTURES_PER_MONTH, minimum=1
        )
        problems: list[str] = []

        def watched(page):
            page.on("console", lambda message: message.type == "error" and problems.append(message.text))
            page.on("pageerror", lambda error: problems.append(str(error)))
            return page

        # The organiser schedules the lecture on a phone, with a pin on the map.
        organiser = watched(new_page(browser, live_server.url))
        log_in(organiser, world.organiser.username)
        organiser.goto(f"/outreach/organise/programmes/{world.programme.pk}/")
        expect(organiser.locator("#month-at-risk")).to_be_visible()
        organiser.click("#schedule-lecture")
        organiser.select_option("#id_speaker", str(world.speakers["teacher"].pk))
        organiser.fill("#id_topic", "讲给孩子听的党史")
        organiser.fill("#id_day", today.isoformat())
        organiser.fill("#id_start", "10:20")
        organiser.fill("#id_end", "11:20")
        organiser.select_option("#id_venue_kind", "school")
        organiser.fill("#id_venue_name", "实验小学报告厅")
        organiser.select_option("#id_area", "500112002001")
        organiser.fill("#id_address", "龙昌街 1 号")
        organiser.fill("#id_capacity", "40")
        pick_map = organiser.locator("#pick-map")
        pick_map.scroll_into_view_if_needed()
        box = pick_map.bounding_box()
        assert box["width"] <= 390
        organiser.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        expect(organiser.locator("#id_latitude")).not_to_have_value("")
        organiser.click("#schedule")
        expect(organiser.locator("#lecture-status")).to_be_visible()
        lecture = Lecture.objects.get()
        assert lecture.latitude is not None and lecture.capacity == 40

        # Its QR code encodes the check-in page's address.
        qr = organiser.locator("#checkin-qr")
        expect(qr).to_be_visible()
        image = organiser.request.get(qr.get_attribute("src"))
        (tmp_path / "qr.png").write_bytes(image.body())
        decoded = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(tmp_path / "qr.png")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert decoded == qr.get_attribute("data-checkin-url")
        assert decoded == f"{live_server.url}/outreach/checkin/{lecture.checkin_token}/"

        # A resident finds it on the schedule and registers.
        resident = watched(new_page(browser, live_server.url))
        log_in(resident, world.resident.username)
        resident.goto("/outreach/?area=500112")
        assert resident.evaluate("document.documentElement.scrollWidth") <= 390
        resident.click(f"#lecture-{lecture.pk} a")
        resident.click("#register")
        expect(resident.locator("#registered")).to_be_visible()

        # At the venue: the QR code's address, one tap.
        resident.goto(decoded)
        resident.click("#checkin-self")
        expect(resident.locator("#checked-in")).to_be_visible()
        assert CheckIn.objects.get().user == world.resident

        # Someone without an account checks in with their mobile number and the texted code.
        walk_in = watched(new_page(browser, live_server.url))
        walk_in.goto(decoded)
        walk_in.fill("#id_p-phone", "13700000007")
        walk_in.click("#send-code")
        expect(walk_in.locator("#code-form")).to_be_visible()
        run_queued_texts()
        [(recipient, text)] = sms_outbox
        assert recipient == "13700000007"
        walk_in.fill("#id_c-code", code_in(text))
        walk_in.click("#checkin-code")
        expect(walk_in.locator("#checked-in")).to_be_visible()
        assert CheckIn.objects.filter(phone="13700000007", user=None).exists()

        # After the lecture the organiser closes it; the month's quota is met.
        clock.shift(timedelta(hours=1, minutes=30))
        organiser.goto(f"/outreach/organise/lectures/{lecture.pk}/")
        expect(organiser.locator("#checked-in-count")).to_have_text("2")
        organiser.fill("#id_close-summary", "孩子们听得很认真。")
        organiser.fill("#id_close-walk_ins", "15")
        organiser.click("#close-lecture")
        expect(organiser.locator("#walk-ins")).to_have_text("15")
        organiser.goto(f"/outreach/organise/programmes/{world.programme.pk}/")
        row = organiser.locator(f"#month-{today:%Y-%m}")
        expect(row.locator(".month-held")).to_have_text("1")
        expect(row.locator(".badge-met")).to_be_visible()
        expect(organiser.locator("#month-at-risk")).to_have_count(0)
        expect(organiser.locator("#numbers-attendance")).to_contain_text("17")
        # Nothing of the page is wider than the phone: the tables scroll in their own boxes.
        assert organiser.evaluate("document.documentElement.scrollWidth") <= 390
        lecture.refresh_from_db()
        assert lecture.status == Lecture.Status.CLOSED
        assert problems == []
