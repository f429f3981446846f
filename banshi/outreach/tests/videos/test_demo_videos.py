"""The demo's campaign: 重庆市人民小学's 百童讲党史 with its classes, the moderator's role, and short
generated videos (two in the gallery, one waiting), playable files on disk; a second run changes
nothing."""

from __future__ import annotations

import pytest

from banshi.accounts import demo as accounts_demo
from banshi.outreach import demo as outreach_demo
from banshi.outreach.models import Campaign, StoryVideo, VideoModerator
from banshi.outreach.selectors_videos import campaign_counts
from banshi.outreach.services.videos import video_file
from banshi.outreach.tests.videos.test_content_check import ffprobe

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_has_classes_a_moderator_and_videos_and_a_second_run_changes_nothing():
    users = accounts_demo.seed()
    outreach_demo.seed(users=users)
    campaign = Campaign.objects.get()
    assert (campaign.name, campaign.school) == ("百童讲党史", "重庆市人民小学")
    assert "三年级2班" in campaign.classes.values_list("name", flat=True)
    assert VideoModerator.objects.filter(user__username="moderator", campaign=campaign).exists()
    counts = campaign_counts(campaign=campaign)
    assert (counts.received, counts.approved, counts.published) == (3, 2, 2)
    assert StoryVideo.objects.filter(status=StoryVideo.Status.READY).count() == 1
    for video in StoryVideo.objects.all():
        codecs = sorted(stream["codec_name"] for stream in ffprobe(video_file(video.video_path))["streams"])
        assert codecs == ["aac", "h264"] and video_file(video.poster_path).is_file()
    before = sorted(StoryVideo.objects.values_list("key", "status", "video_path"))
    outreach_demo.seed(users=users)
    assert sorted(StoryVideo.objects.values_list("key", "status", "video_path")) == before
    assert Campaign.objects.count() == 1 and VideoModerator.objects.count() == 1
