"""A multipart POST may carry the request's photo as `media` (the GeoReport v2 extension most clients
send): it is checked by content and size, re-encoded without its metadata (no GPS) and kept as the
report's photo, through the problems app's photo service; `media_url` is then the photo's address. Bad
media is a 400 naming `media`, and nothing is filed."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from banshi.audit.models import Event
from banshi.open311.models import Submission
from banshi.open311.tests.conftest import BASE, ENGLISH, YUZHONG, errors_json, errors_xml, json_of, xml_of
from banshi.problems.events import EventType
from banshi.problems.models import Photo, Report
from banshi.problems.photos import photo_path
from banshi.problems.tests.test_photos import jpeg_with_gps

pytestmark = pytest.mark.django_db

POTHOLE = {
    "service_code": "roads",
    "lat": "29.557",
    "long": "106.577",
    "address_id": YUZHONG,
    "description": "路面塌陷，有一个大坑",
    "attribute[DEPTH]": "30",
}


def _post(client, api_key, fmt="json", **files):
    return client.post(f"{BASE}/requests.{fmt}", {**POTHOLE, "api_key": api_key, **files}, headers=ENGLISH)


def _photo_files(settings) -> list:
    root = settings.PROBLEM_PHOTOS_DIR
    return list(root.rglob("*.jpg")) if root.exists() else []


def test_a_posted_photo_is_kept_without_its_gps_and_its_address_is_the_media_url(
    client, with_questions, api_key, settings
):
    upload = SimpleUploadedFile("pothole.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = _post(client, api_key, media=upload)
    assert response.status_code == 200
    number = json_of(response)[0]["service_request_id"]
    report = Report.objects.get(number=number)
    photo = Photo.objects.get(report=report)
    assert photo.kind == Photo.Kind.REPORT and photo.actor is None
    stored = Image.open(BytesIO(photo_path(photo).read_bytes()))
    assert stored.format == "JPEG" and not stored.getexif()
    media_url = f"http://testserver/problems/photos/{photo.pk}/"
    assert Submission.objects.get(report=report).media_url == media_url
    event = Event.objects.get(event_type=EventType.REPORT_PHOTOS_ADDED, subject_id=str(report.pk))
    assert event.extra["photos"] == [photo.pk] and event.actor is None
    # The request's media_url in the list, the detail (both formats), and the photo served to anyone
    # (the report is public).
    assert json_of(client.get(f"{BASE}/requests/{number}.json"))[0]["media_url"] == media_url
    root = xml_of(client.get(f"{BASE}/requests/{number}.xml"))
    assert root.findtext("request/media_url") == media_url
    listed = json_of(client.get(f"{BASE}/requests.json"))
    assert [item["media_url"] for item in listed if item["service_request_id"] == number] == [media_url]
    served = client.get(f"/problems/photos/{photo.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 not a photo", "media: is not a JPEG, PNG or WebP photo"),
        (b"\xff\xd8\xff" + b"0" * 100, "media: is not a readable image"),
        (b"", "media: is empty"),
    ],
)
def test_a_media_file_that_is_no_photo_is_400_naming_media_and_nothing_is_filed(
    client, with_questions, api_key, settings, content, message
):
    upload = SimpleUploadedFile("p.jpg", content, content_type="image/jpeg")
    response = _post(client, api_key, "xml", media=upload)
    assert response.status_code == 400
    assert errors_xml(response) == [("400", message)]
    assert not Report.objects.exists() and not Photo.objects.exists() and not _photo_files(settings)


def test_a_photo_over_the_size_limit_is_400_naming_media(client, with_questions, api_key, settings):
    settings.PROBLEM_PHOTO_MAX_BYTES = 1024
    upload = SimpleUploadedFile("p.jpg", jpeg_with_gps(size=(400, 300)) + b"\x00" * 2048)
    response = _post(client, api_key, media=upload)
    assert response.status_code == 400
    assert errors_json(response)[0]["description"].startswith("media: is larger than")
    assert not Report.objects.exists() and not _photo_files(settings)


def test_two_photos_another_file_or_media_with_media_url_are_refused_by_name(
    client, with_questions, api_key, settings
):
    def photo(name="p.jpg"):
        return SimpleUploadedFile(name, jpeg_with_gps(), content_type="image/jpeg")

    two = _post(client, api_key, media=[photo(), photo("q.jpg")])
    other = _post(client, api_key, picture=photo())
    both = client.post(
        f"{BASE}/requests.json",
        {**POTHOLE, "api_key": api_key, "media": photo(), "media_url": "https://example.com/p.jpg"},
        headers=ENGLISH,
    )
    assert [response.status_code for response in (two, other, both)] == [400, 400, 400]
    assert errors_json(two)[0]["description"] == "media: give one photo"
    assert errors_json(other)[0]["description"].startswith("picture: files are not taken here")
    assert errors_json(both)[0]["description"] == "media: give a media file or a media_url, not both"
    assert not Report.objects.exists() and not _photo_files(settings)


def test_a_photo_without_a_valid_api_key_is_403_and_not_read(client, with_questions, settings):
    upload = SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(f"{BASE}/requests.json", {**POTHOLE, "api_key": "wrong", "media": upload})
    assert response.status_code == 403
    assert not Report.objects.exists() and not _photo_files(settings)


def test_a_filing_sent_again_keeps_one_photo(client, with_questions, api_key, settings):
    answers = [
        client.post(
            f"{BASE}/requests.json",
            {
                **POTHOLE,
                "api_key": api_key,
                "media": SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg"),
            },
            headers={**ENGLISH, "Idempotency-Key": "once"},
        )
        for _time in range(2)
    ]
    assert [json_of(answer)[0]["service_request_id"] for answer in answers].count(
        json_of(answers[0])[0]["service_request_id"]
    ) == 2
    assert Photo.objects.count() == 1 and len(_photo_files(settings)) == 1
