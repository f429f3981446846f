"""The pages of story videos: the guardian's start (consent required, errors next to the fields), the
campaign's counts and public gallery (given name and class only), the files served with ranges, and
what the public, the guardian and the moderators may each see."""

from __future__ import annotations

import pytest
from django.test import Client

from banshi.outreach.models import StoryVideo
from banshi.outreach.services.videos import video_approve, video_file
from banshi.outreach.tests.videos.conftest import run_transcoding, started, uploaded

pytestmark = pytest.mark.django_db
EN = {"Accept-Language": "en"}


@pytest.fixture
def published(guardian, campaign, moderator, samples) -> StoryVideo:
    video = uploaded(guardian, campaign, samples["story"], given_name="乐乐")
    run_transcoding()
    return video_approve(actor=moderator, key=video.key)


@pytest.fixture
def waiting(guardian, campaign, samples) -> StoryVideo:
    video = uploaded(guardian, campaign, samples["silent"], given_name="朵朵")
    run_transcoding()
    video.refresh_from_db()
    return video


def test_the_guardian_is_refused_without_consent_with_the_reason_beside_it(client, guardian, campaign):
    client.force_login(guardian)
    school_class = campaign.classes.first()
    answer = client.post(
        f"/outreach/campaigns/{campaign.slug}/send/",
        {"school_class": school_class.pk, "given_name": "明明"},
        headers=EN,
    )
    assert answer.status_code == 400
    assert "I am the child&#x27;s parent or guardian" in answer.text and "is required" in answer.text
    assert not StoryVideo.objects.exists()
    answer = client.post(
        f"/outreach/campaigns/{campaign.slug}/send/",
        {"school_class": school_class.pk, "given_name": "明明", "consent": "on"},
    )
    video = StoryVideo.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/outreach/videos/{video.key}/"
    assert (video.given_name, video.school_class, video.guardian) == ("明明", school_class, guardian)
    page = client.get(answer["Location"])
    assert 'id="video-upload"' in page.text and 'data-endpoint="/outreach/tus/"' in page.text
    assert "tus-js-client-4.3.1/dist/tus.min.js" in page.text and "<script>" not in page.text


def test_the_start_page_asks_a_signed_out_visitor_to_sign_in(client, campaign):
    answer = client.get(f"/outreach/campaigns/{campaign.slug}/send/")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_the_campaign_counts_received_approved_and_published(
    client, guardian, campaign, moderator, samples, published, waiting
):
    started(guardian, campaign, "还在传")
    failed = uploaded(guardian, campaign, samples["picture"], "图片")
    assert StoryVideo.objects.get(pk=failed.pk).status == StoryVideo.Status.FAILED
    page = client.get(f"/outreach/campaigns/{campaign.slug}/")
    assert 'id="count-received">2<' in page.text
    assert 'id="count-approved">1<' in page.text and 'id="count-published">1<' in page.text


def test_the_gallery_shows_the_given_name_and_class_only_and_no_unpublished_video(
    client, guardian, campaign, published, waiting
):
    guardian.display_name = "张丽"
    guardian.save()
    page = client.get(f"/outreach/campaigns/{campaign.slug}/")
    assert page.status_code == 200
    assert "乐乐" in page.text and "三年级2班" in page.text
    assert f"/outreach/videos/{published.key}/video.mp4" in page.text
    assert "朵朵" not in page.text and waiting.key not in page.text
    assert "张丽" not in page.text and guardian.phone not in page.text


def test_only_published_videos_are_served_to_the_public(
    client, guardian, other_resident, campaign, moderator, other_moderator, published, waiting
):
    assert client.get(f"/outreach/videos/{published.key}/video.mp4").status_code == 200
    assert client.get(f"/outreach/videos/{published.key}/poster.jpg")["Content-Type"] == "image/jpeg"
    for path in (f"/outreach/videos/{waiting.key}/video.mp4", f"/outreach/videos/{waiting.key}/poster.jpg"):
        assert client.get(path).status_code == 404
        for stranger in (other_resident, other_moderator):
            other = Client()
            other.force_login(stranger)
            assert other.get(path).status_code == 404
        for allowed in (guardian, moderator):
            own = Client()
            own.force_login(allowed)
            assert own.get(path).status_code == 200
    # The guardian's page and its state are the guardian's only.
    other = Client()
    other.force_login(other_resident)
    assert other.get(f"/outreach/videos/{waiting.key}/").status_code == 404
    assert other.get(f"/outreach/videos/{waiting.key}/state/").status_code == 404


def test_a_video_is_served_with_ranges_so_a_phone_can_seek(client, published):
    data = video_file(published.video_path).read_bytes()
    size = len(data)
    whole = client.get(f"/outreach/videos/{published.key}/video.mp4")
    assert (
        whole.status_code == 200
        and whole["Accept-Ranges"] == "bytes"
        and whole["Content-Type"] == "video/mp4"
    )
    assert b"".join(whole.streaming_content) == data and whole["Content-Length"] == str(size)
    for header, first, last in (
        ("bytes=0-1", 0, 1),
        ("bytes=100-", 100, size - 1),
        ("bytes=-50", size - 50, size - 1),
        (f"bytes=10-{size * 2}", 10, size - 1),
    ):
        part = client.get(f"/outreach/videos/{published.key}/video.mp4", headers={"Range": header})
        assert part.status_code == 206, header
        assert part["Content-Range"] == f"bytes {first}-{last}/{size}"
        assert part["Accept-Ranges"] == "bytes" and part["Content-Length"] == str(last - first + 1)
        assert b"".join(part.streaming_content) == data[first : last + 1]
    beyond = client.get(f"/outreach/videos/{published.key}/video.mp4", headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{size}"
    ignored = client.get(f"/outreach/videos/{published.key}/video.mp4", headers={"Range": "pages=1-2"})
    assert ignored.status_code == 200


def test_the_state_the_page_polls_says_the_status_progress_and_reason(client, guardian, campaign, samples):
    client.force_login(guardian)
    video = uploaded(guardian, campaign, samples["random"])
    state = client.get(f"/outreach/videos/{video.key}/state/", headers=EN).json()
    assert state["status"] == "failed" and state["done"] is True and "is not a video file" in state["reason"]
    video = uploaded(guardian, campaign, samples["story"])
    state = client.get(f"/outreach/videos/{video.key}/state/", headers=EN).json()
    assert (state["status"], state["done"], state["progress"]) == ("uploaded", False, 0)
    run_transcoding()
    state = client.get(f"/outreach/videos/{video.key}/state/", headers=EN).json()
    assert (state["status"], state["done"], state["progress"]) == ("ready", True, 100)
    mine = client.get("/outreach/videos/mine/")
    assert mine.status_code == 200 and video.key in mine.text


def test_the_moderator_approves_and_rejects_from_the_queue_and_nobody_else_opens_it(
    client, guardian, campaign, moderator, waiting, samples
):
    client.force_login(guardian)
    assert client.get("/outreach/videos/moderation/").status_code == 404
    assert client.post(f"/outreach/videos/{waiting.key}/approve/").status_code == 404
    client.force_login(moderator)
    page = client.get("/outreach/videos/moderation/")
    assert page.status_code == 200 and waiting.key in page.text
    answer = client.post(f"/outreach/videos/{waiting.key}/reject/", {"reason": ""}, headers=EN)
    assert answer.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == StoryVideo.Status.READY
    client.post(f"/outreach/videos/{waiting.key}/approve/")
    waiting.refresh_from_db()
    assert waiting.status == StoryVideo.Status.PUBLISHED
    # Approving twice says so, and changes nothing.
    again = client.post(f"/outreach/videos/{waiting.key}/approve/", follow=True, headers=EN)
    assert "cannot go from" in again.text
    client.post(f"/outreach/videos/{waiting.key}/withdraw/", {"reason": "家长要求"})
    waiting.refresh_from_db()
    assert waiting.status == StoryVideo.Status.WITHDRAWN and waiting.reason == "家长要求"


def test_the_moderator_finds_the_queue_among_their_places(moderator, guardian):
    from banshi.outreach.roles import VIDEO_MODERATOR, videos_places

    assert videos_places(moderator) == [VIDEO_MODERATOR]
    assert videos_places(guardian) == []


def test_a_player_may_ask_for_the_headers_only(client, published):
    answer = client.head(f"/outreach/videos/{published.key}/video.mp4")
    assert answer.status_code == 200 and answer["Accept-Ranges"] == "bytes"
    assert answer["Content-Length"] == str(video_file(published.video_path).stat().st_size)


def test_the_guardian_sees_their_converted_video_on_its_page(client, guardian, waiting):
    client.force_login(guardian)
    page = client.get(f"/outreach/videos/{waiting.key}/")
    assert 'id="video-preview"' in page.text and f"/outreach/videos/{waiting.key}/video.mp4" in page.text
    assert 'id="video-upload"' not in page.text
