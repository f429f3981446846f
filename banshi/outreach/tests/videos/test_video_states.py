"""The story video's state machine through its services: every allowed arrow, the dangerous forbidden
ones, the guardian's consent, who may moderate, and the sweep of stale uploads and conversions."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from banshi.audit.models import Event
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.outreach.events_videos import VideoEventType
from banshi.outreach.models import StoryVideo
from banshi.outreach.services.videos import (
    video_approve,
    video_file,
    video_reject,
    video_start,
    video_transcode_run,
    video_upload_create,
    video_upload_terminate,
    video_upload_write,
    video_withdraw,
    videos_sweep,
)
from banshi.outreach.tests.videos.conftest import queued_transcodings, run_transcoding, started, uploaded

pytestmark = pytest.mark.django_db
Status = StoryVideo.Status


def events(video: StoryVideo) -> list[tuple[str, str, str]]:
    return list(
        Event.objects.filter(subject_type="outreach.storyvideo", subject_id=str(video.pk))
        .order_by("id")
        .values_list("event_type", "old_state", "new_state")
    )


def test_the_table_names_every_status_and_only_statuses():
    assert set(StoryVideo.TRANSITIONS) == set(Status)
    for moves in StoryVideo.TRANSITIONS.values():
        assert moves <= set(Status)
    # Nothing comes back from an end.
    for end in (Status.REJECTED, Status.FAILED, Status.WITHDRAWN):
        assert StoryVideo.TRANSITIONS[end] == set()
    # Nothing reaches the gallery without a moderator's approval of a converted video.
    assert [state for state, moves in StoryVideo.TRANSITIONS.items() if Status.PUBLISHED in moves] == [
        Status.READY
    ]


def test_a_video_goes_from_upload_through_conversion_and_moderation_to_the_gallery_and_out(
    guardian, campaign, moderator, samples
):
    video = started(guardian, campaign)
    assert video.status == Status.UPLOADING and video.consent_at is not None
    video = uploaded(guardian, campaign, samples["story"], given_name="乐乐")
    assert video.status == Status.UPLOADED and video.duration == pytest.approx(2, abs=0.2)
    assert queued_transcodings() == 1
    assert run_transcoding() == 1
    video.refresh_from_db()
    assert video.status == Status.READY and video.progress == 100
    assert video_file(video.video_path).is_file() and video_file(video.poster_path).is_file()
    # The upload's bytes are gone once converted.
    assert not video_file(video.upload_name).exists()
    video = video_approve(actor=moderator, key=video.key)
    assert video.status == Status.PUBLISHED and video.published_at and video.moderator == moderator
    video = video_withdraw(actor=moderator, key=video.key, reason="家长要求撤下")
    assert video.status == Status.WITHDRAWN and video.reason == "家长要求撤下"
    assert events(video) == [
        (VideoEventType.VIDEO_STARTED, "", Status.UPLOADING),
        (VideoEventType.VIDEO_UPLOAD_CREATED, "", ""),
        (VideoEventType.VIDEO_UPLOADED, Status.UPLOADING, Status.UPLOADED),
        (VideoEventType.VIDEO_TRANSCODING, Status.UPLOADED, Status.TRANSCODING),
        (VideoEventType.VIDEO_READY, Status.TRANSCODING, Status.READY),
        (VideoEventType.VIDEO_PUBLISHED, Status.READY, Status.PUBLISHED),
        (VideoEventType.VIDEO_WITHDRAWN, Status.PUBLISHED, Status.WITHDRAWN),
    ]


def test_the_worker_running_a_conversion_twice_converts_once(guardian, campaign, samples):
    video = uploaded(guardian, campaign, samples["silent"])
    assert video_transcode_run(video_id=video.pk) == "ready"
    assert video_transcode_run(video_id=video.pk) == "skipped"
    video.refresh_from_db()
    assert video.status == Status.READY
    assert [kind for kind, _old, _new in events(video)].count(VideoEventType.VIDEO_READY) == 1


def test_the_moderator_rejects_with_a_reason_the_guardian_reads_and_the_files_are_removed(
    guardian, campaign, moderator, samples, django_capture_on_commit_callbacks
):
    video = uploaded(guardian, campaign, samples["story"])
    run_transcoding()
    video.refresh_from_db()
    with pytest.raises(FieldErrors) as refused:
        video_reject(actor=moderator, key=video.key, reason="  ")
    assert refused.value.errors == {"reason": "is required"}
    with django_capture_on_commit_callbacks(execute=True):
        rejected = video_reject(actor=moderator, key=video.key, reason="声音太小，请重新录制")
    assert rejected.status == Status.REJECTED and rejected.reason == "声音太小，请重新录制"
    assert not video_file(video.video_path).exists() and not video_file(video.poster_path).exists()
    with pytest.raises(Conflict):
        video_approve(actor=moderator, key=video.key)


def test_only_a_moderator_of_the_campaign_moderates_and_only_a_converted_video(
    guardian, other_resident, campaign, moderator, other_moderator, samples
):
    video = uploaded(guardian, campaign, samples["story"])
    # Not converted yet: nothing to approve.
    with pytest.raises(Conflict):
        video_approve(actor=moderator, key=video.key)
    run_transcoding()
    for outsider in (guardian, other_resident, other_moderator):
        with pytest.raises(NotFound):
            video_approve(actor=outsider, key=video.key)
        with pytest.raises(NotFound):
            video_reject(actor=outsider, key=video.key, reason="不行")
    video.refresh_from_db()
    assert video.status == Status.READY
    # A published video is not published again, nor rejected.
    video_approve(actor=moderator, key=video.key)
    with pytest.raises(Conflict):
        video_approve(actor=moderator, key=video.key)
    with pytest.raises(Conflict):
        video_reject(actor=moderator, key=video.key, reason="晚了")


def test_a_video_without_the_guardians_consent_is_refused_and_nothing_is_written(guardian, campaign):
    school_class = campaign.classes.first()
    for consent in (False, None, "on", "yes"):
        with pytest.raises(FieldErrors) as refused:
            video_start(
                actor=guardian,
                campaign=campaign,
                class_id=school_class.pk,
                given_name="明明",
                consent=consent,
            )
        assert set(refused.value.errors) == {"consent"}
    assert not StoryVideo.objects.exists() and not Event.objects.exists()


def test_a_video_needs_a_class_of_the_campaign_and_a_clean_short_given_name(
    guardian, campaign, other_moderator
):
    from banshi.outreach.models import Campaign, CampaignClass

    other = Campaign.objects.get(slug="other")
    foreign = CampaignClass.objects.create(campaign=other, name="一年级1班")
    with pytest.raises(FieldErrors) as refused:
        video_start(actor=guardian, campaign=campaign, class_id=foreign.pk, given_name="", consent=True)
    assert set(refused.value.errors) == {"school_class", "given_name"}
    with pytest.raises(FieldErrors) as refused:
        video_start(
            actor=guardian,
            campaign=campaign,
            class_id=campaign.classes.first().pk,
            given_name="明\x00明",
            consent=True,
        )
    assert set(refused.value.errors) == {"given_name"}
    with pytest.raises(FieldErrors):
        video_start(
            actor=guardian,
            campaign=campaign,
            class_id=campaign.classes.first().pk,
            given_name="明" * 21,
            consent=True,
        )
    assert not StoryVideo.objects.exists()


def test_a_closed_campaign_takes_no_videos(guardian, campaign):
    campaign.open = False
    campaign.save()
    with pytest.raises(Conflict):
        started(guardian, campaign)
    assert not StoryVideo.objects.exists()


def test_a_video_has_one_upload_and_only_its_guardian_sends_it(guardian, other_resident, campaign, samples):
    video = started(guardian, campaign)
    with pytest.raises(NotFound):
        video_upload_create(actor=other_resident, key=video.key, length=1000)
    video_upload_create(actor=guardian, key=video.key, length=1000)
    with pytest.raises(Conflict):
        video_upload_create(actor=guardian, key=video.key, length=1000)
    with pytest.raises(NotFound):
        video_upload_write(
            actor=other_resident, key=video.key, offset=0, length=3, read=io.BytesIO(b"abc").read
        )
    # Not where the upload stands, or past its length.
    with pytest.raises(Conflict):
        video_upload_write(actor=guardian, key=video.key, offset=10, length=3, read=io.BytesIO(b"abc").read)
    with pytest.raises(FieldErrors):
        video_upload_write(
            actor=guardian, key=video.key, offset=0, length=1001, read=io.BytesIO(b"a" * 1001).read
        )
    video.refresh_from_db()
    assert video.upload_offset == 0 and video_file(video.upload_name).stat().st_size == 0


def test_a_connection_dropping_half_way_keeps_what_arrived(guardian, campaign):
    video = started(guardian, campaign)
    video_upload_create(actor=guardian, key=video.key, length=1000)
    stream = io.BytesIO(b"x" * 400)  # the client said 600, then went away
    video = video_upload_write(actor=guardian, key=video.key, offset=0, length=600, read=stream.read)
    assert video.upload_offset == 400 and video.status == Status.UPLOADING
    assert video_file(video.upload_name).read_bytes() == b"x" * 400


def test_the_guardian_cancels_an_upload_and_its_bytes_go(
    guardian, campaign, django_capture_on_commit_callbacks
):
    video = started(guardian, campaign)
    video_upload_create(actor=guardian, key=video.key, length=1000)
    video_upload_write(actor=guardian, key=video.key, offset=0, length=10, read=io.BytesIO(b"y" * 10).read)
    with django_capture_on_commit_callbacks(execute=True):
        video_upload_terminate(actor=guardian, key=video.key)
    video.refresh_from_db()
    assert video.status == Status.FAILED and video.reason
    assert not video_file(video.upload_name).exists()
    with pytest.raises(NotFound):
        video_upload_terminate(actor=guardian, key=video.key)


def test_the_sweep_fails_stale_uploads_and_stuck_conversions_and_leaves_the_rest(
    guardian, campaign, samples, settings, django_capture_on_commit_callbacks
):
    settings.OUTREACH_UPLOAD_STALE_HOURS = 24
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        stale = started(guardian, campaign, "小雨")
        video_upload_create(actor=guardian, key=stale.key, length=1000)
        stuck = uploaded(guardian, campaign, samples["story"], "乐乐")
        StoryVideo.objects.filter(pk=stuck.pk).update(status=Status.TRANSCODING)
    with time_machine.travel(start + timedelta(hours=1, minutes=59), tick=False):
        fresh = started(guardian, campaign, "朵朵")
        assert videos_sweep(now=timezone.now()) == {"uploads": 0, "conversions": 0}
    # A conversion running two hours was left by a worker that died; an upload waits a day.
    with time_machine.travel(start + timedelta(hours=2, minutes=1), tick=False):
        assert videos_sweep(now=timezone.now()) == {"uploads": 0, "conversions": 1}
    with time_machine.travel(start + timedelta(hours=23, minutes=59), tick=False):
        assert videos_sweep(now=timezone.now()) == {"uploads": 0, "conversions": 0}
    with time_machine.travel(start + timedelta(hours=24, minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert videos_sweep(now=timezone.now()) == {"uploads": 1, "conversions": 0}
        assert videos_sweep(now=timezone.now()) == {"uploads": 0, "conversions": 0}
    stale.refresh_from_db()
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == stuck.status == Status.FAILED and stale.reason and stuck.reason
    assert fresh.status == Status.UPLOADING
    assert not video_file(stale.upload_name).exists()


def test_the_sweep_command_says_what_it_failed(guardian, campaign):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("sweep_story_videos", stdout=out)
    assert out.getvalue() == "0 uploads and 0 conversions failed\n"
