"""A real Chromium on a phone: a guardian sends a story video through the page (tus-js-client, with its
progress; the connection of one chunk is cut and the page resumes from the server's offset), watches it
being converted, the moderator approves it, and it plays in the campaign's public
gallery: the `<video>` element has data to play and its time advances."""

from __future__ import annotations

import os
import time

import pytest
from playwright.sync_api import expect

from banshi.cases.tests import test_browser
from banshi.outreach.demo_videos import sample_video
from banshi.outreach.models import StoryVideo
from banshi.outreach.services.videos import video_file
from banshi.outreach.tests.videos.conftest import run_transcoding
from banshi.ui.tests.test_browser_switches import PHONE_VIEWPORT

# Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


def new_page(browser, base_url: str, problems: list[str]):
    page = test_browser.new_page(browser, base_url, **PHONE_VIEWPORT)
    page.on("console", lambda message: problems.extend([message.text] if message.type == "error" else []))
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page


def wait_for_status(video: StoryVideo, status: str) -> None:
    for _attempt in range(400):
        video.refresh_from_db()
        if video.status == status:
            return
        time.sleep(0.05)
    raise AssertionError(f"the video stayed {video.status}, not {status}")


def test_a_guardian_sends_a_story_video_from_a_phone_the_moderator_approves_it_and_it_plays_in_the_gallery(
    production_static, live_server, browser, guardian, campaign, moderator, tmp_path
):
    # Larger than the page's 4 MB chunks: the second chunk's connection is cut, and the page resumes.
    source = sample_video(
        tmp_path / "故事.mp4", seconds=3, size="640x360", extra=["-vf", "noise=alls=40:allf=t", "-b:v", "16M"]
    )
    assert source.stat().st_size > 5 * 1024 * 1024
    problems: list[str] = []

    page = new_page(browser, live_server.url, problems)
    test_browser.log_in(page, guardian.username)
    page.goto(f"/outreach/campaigns/{campaign.slug}/")
    page.click("#send-video")
    page.select_option("#id_school_class", label="三年级2班")
    page.fill("#id_given_name", "小雨")
    # Without the consent the page says what is missing, next to it.
    page.click("#video-continue")
    expect(page.locator("#error-summary")).to_be_visible()
    assert not StoryVideo.objects.exists()
    # The refused form came back as a 400, which the console reports; nothing else may fail.
    assert len(problems) == 1 and "400" in problems[0]
    problems.clear()
    page.check("#id_consent")
    page.click("#video-continue")
    expect(page.locator("#video-upload")).to_be_visible()
    video = StoryVideo.objects.get()
    seen: list[str] = []

    def cut_the_second_chunk(route) -> None:
        seen.append(route.request.method)
        if route.request.method == "PATCH" and seen.count("PATCH") == 2:
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(f"**/outreach/tus/{video.key}/", cut_the_second_chunk)
    page.set_input_files("#video-file", str(source))
    page.click("#upload-start")
    expect(page.locator("#upload-percent")).to_have_text("100%")
    wait_for_status(video, StoryVideo.Status.UPLOADED)
    # After the cut the page asked where the upload stood and sent the rest from there, once.
    assert seen[:4] == ["PATCH", "PATCH", "HEAD", "PATCH"] and seen.count("HEAD") == 1
    assert video.upload_offset == source.stat().st_size
    assert video_file(video.upload_name).read_bytes() == source.read_bytes()
    # The cut connection is in the console; nothing else may be.
    assert len(problems) == 1 and "ERR_CONNECTION_RESET" in problems[0]
    problems.clear()
    # The worker converts it; the page, polling, says so without a reload.
    assert run_transcoding() == 1
    expect(page.locator("#video-status")).to_have_class("badge badge-ready")
    expect(page.locator("#video-upload")).to_be_hidden()
    page.context.close()

    page = new_page(browser, live_server.url, problems)
    test_browser.log_in(page, moderator.username)
    page.goto("/outreach/videos/moderation/")
    card = page.locator(f"#moderate-{video.key}")
    expect(card).to_contain_text("小雨")
    card.locator("button.approve").click()
    expect(page.locator("#nothing-waiting")).to_be_visible()
    page.context.close()

    page = new_page(browser, live_server.url, problems)
    page.goto(f"/outreach/campaigns/{campaign.slug}/")
    expect(page.locator("#count-published")).to_have_text("1")
    item = page.locator(f"#video-{video.key}")
    expect(item.locator(".video-name")).to_have_text("小雨")
    expect(item.locator(".video-class")).to_have_text("三年级2班")
    player = item.locator("video")
    player.scroll_into_view_if_needed()
    assert player.bounding_box()["width"] <= 390
    player.evaluate("video => { video.muted = true; return video.play(); }")
    page.wait_for_function(
        "video => video.readyState >= 2 && video.currentTime > 0.3", arg=player.element_handle()
    )
    assert player.evaluate("video => video.videoWidth") == 640
    assert problems == []
