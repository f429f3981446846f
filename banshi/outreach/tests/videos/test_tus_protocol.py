"""The tus server (1.0.0 core, creation, termination) through Django's test client: the headers, the
status codes for each refusal, the size limit on creation and on every PATCH, the session and CSRF."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from banshi.outreach.models import StoryVideo
from banshi.outreach.services.videos import video_file
from banshi.outreach.tests.videos.conftest import started

pytestmark = pytest.mark.django_db
TUS = {"Tus-Resumable": "1.0.0"}
CHUNK = "application/offset+octet-stream"


def metadata(**pairs: str) -> str:
    return ",".join(f"{name} {base64.b64encode(value.encode()).decode()}" for name, value in pairs.items())


def create(client: Client, video: StoryVideo, length: int, **headers: str):
    return client.post(
        "/outreach/tus/",
        headers={
            **TUS,
            "Upload-Length": str(length),
            "Upload-Metadata": metadata(video=video.key),
            **headers,
        },
    )


def patch(client: Client, location: str, offset: int, data: bytes, **headers: str):
    return client.generic(
        "PATCH",
        location,
        data=data,
        content_type=CHUNK,
        headers={**TUS, "Upload-Offset": str(offset), **headers},
    )


@pytest.fixture
def signed_in(client, guardian) -> Client:
    """The guardian's browser, in English: the refusals kept on the video are asserted in it."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(guardian)
    return client


def test_options_says_the_version_extensions_and_largest_upload(client, settings):
    answer = client.options("/outreach/tus/")
    assert answer.status_code == 204
    assert answer["Tus-Resumable"] == answer["Tus-Version"] == "1.0.0"
    assert answer["Tus-Extension"] == "creation,termination"
    assert answer["Tus-Max-Size"] == str(settings.OUTREACH_VIDEO_MAX_BYTES)


def test_an_upload_is_created_written_in_chunks_asked_for_its_offset_and_finished(
    signed_in, guardian, campaign
):
    video = started(guardian, campaign)
    answer = create(signed_in, video, 10)
    assert answer.status_code == 201 and answer["Tus-Resumable"] == "1.0.0"
    location = answer["Location"]
    assert location == f"http://testserver/outreach/tus/{video.key}/"
    head = signed_in.head(location, headers=TUS)
    assert (head.status_code, head["Upload-Offset"], head["Upload-Length"]) == (200, "0", "10")
    assert "no-store" in head["Cache-Control"]
    answer = patch(signed_in, location, 0, b"01234")
    assert (answer.status_code, answer["Upload-Offset"]) == (204, "5")
    # The same chunk again: the upload is past it.
    assert patch(signed_in, location, 0, b"01234").status_code == 409
    answer = patch(signed_in, location, 5, b"56789")
    assert (answer.status_code, answer["Upload-Offset"]) == (204, "10")
    video.refresh_from_db()
    # Ten bytes are no video: refused by the probe, the upload gone.
    assert video.status == StoryVideo.Status.FAILED and "not a video" in video.reason
    assert signed_in.head(location, headers=TUS).status_code == 404
    assert patch(signed_in, location, 10, b"x").status_code == 409  # finished


def test_the_size_limit_holds_on_creation_and_on_every_patch(signed_in, guardian, campaign, settings):
    settings.OUTREACH_VIDEO_MAX_BYTES = 100
    video = started(guardian, campaign)
    answer = create(signed_in, video, 101)
    assert answer.status_code == 413 and answer["Tus-Max-Size"] == "100"
    video.refresh_from_db()
    assert video.upload_length is None
    location = create(signed_in, video, 100)["Location"]
    # Past the declared length, and past the limit, before anything is read.
    assert patch(signed_in, location, 0, b"a" * 101).status_code == 413
    assert patch(signed_in, location, 0, b"a" * 60).status_code == 204
    assert patch(signed_in, location, 60, b"a" * 41).status_code == 413
    assert video_file(video.upload_name).stat().st_size == 60


def test_each_malformed_request_gets_its_status_and_changes_nothing(signed_in, guardian, campaign):
    video = started(guardian, campaign)
    assert signed_in.post("/outreach/tus/", headers={"Upload-Length": "10"}).status_code == 412
    assert (
        signed_in.post("/outreach/tus/", headers={"Tus-Resumable": "0.2.2", "Upload-Length": "10"})[
            "Tus-Version"
        ]
        == "1.0.0"
    )
    assert create(signed_in, video, -1).status_code == 400
    assert signed_in.post("/outreach/tus/", headers={**TUS, "Upload-Length": "ten"}).status_code == 400
    assert signed_in.post("/outreach/tus/", headers={**TUS, "Upload-Defer-Length": "1"}).status_code == 400
    assert (
        signed_in.post(
            "/outreach/tus/", headers={**TUS, "Upload-Length": "10", "Upload-Metadata": "video !!"}
        ).status_code
        == 400
    )
    assert signed_in.post("/outreach/tus/", headers={**TUS, "Upload-Length": "10"}).status_code == 400
    assert (
        signed_in.post(
            "/outreach/tus/",
            headers={**TUS, "Upload-Length": "10", "Upload-Metadata": metadata(video="nope")},
        ).status_code
        == 404
    )
    video.refresh_from_db()
    assert video.upload_length is None
    location = create(signed_in, video, 10)["Location"]
    assert create(signed_in, video, 10).status_code == 409  # one upload a video
    wrong_type = signed_in.generic(
        "PATCH", location, data=b"abc", content_type="text/plain", headers={**TUS, "Upload-Offset": "0"}
    )
    assert wrong_type.status_code == 415
    assert patch(signed_in, location, 0, b"abc", **{"Upload-Offset": "x"}).status_code == 400
    assert signed_in.get(location, headers=TUS).status_code == 405
    assert signed_in.head("/outreach/tus/0123456789abcdef0123456789abcdef/", headers=TUS).status_code == 404
    video.refresh_from_db()
    assert video.upload_offset == 0


def test_another_residents_upload_does_not_exist_for_them_and_nobody_signed_out_writes(
    client, signed_in, guardian, other_resident, campaign
):
    video = started(guardian, campaign)
    location = create(signed_in, video, 10)["Location"]
    other = Client()
    other.force_login(other_resident)
    assert other.head(location, headers=TUS).status_code == 404
    assert patch(other, location, 0, b"abc").status_code == 404
    assert other.delete(location, headers=TUS).status_code == 404
    anonymous = Client()
    assert anonymous.head(location, headers=TUS).status_code == 403
    assert patch(anonymous, location, 0, b"abc").status_code == 403
    assert create(anonymous, video, 10).status_code == 403
    video.refresh_from_db()
    assert video.upload_offset == 0 and video.status == StoryVideo.Status.UPLOADING


def test_termination_removes_the_upload(signed_in, guardian, campaign):
    video = started(guardian, campaign)
    location = create(signed_in, video, 10)["Location"]
    patch(signed_in, location, 0, b"abc")
    assert signed_in.delete(location, headers=TUS).status_code == 204
    assert signed_in.head(location, headers=TUS).status_code == 404
    video.refresh_from_db()
    assert video.status == StoryVideo.Status.FAILED


def test_a_write_needs_the_csrf_token_in_its_header(guardian, campaign):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(guardian)
    video = started(guardian, campaign)
    assert create(browser, video, 10).status_code == 403
    token = "a" * 32
    browser.cookies["csrftoken"] = token
    location = create(browser, video, 10, **{"X-CSRFToken": token})["Location"]
    assert patch(browser, location, 0, b"abc").status_code == 403
    assert patch(browser, location, 0, b"abc", **{"X-CSRFToken": "b" * 32}).status_code == 403
    assert patch(browser, location, 0, b"abc", **{"X-CSRFToken": token}).status_code == 204
