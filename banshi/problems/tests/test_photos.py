"""Photos of a report: checked by their content and size, at most six, re-encoded as JPEG with every
piece of metadata (the EXIF GPS position first) left behind, and shown only to those who may see the
report."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from banshi.audit.models import Event
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.problems.events import EventType
from banshi.problems.models import Photo, Report
from banshi.problems.photos import photo_path
from banshi.problems.services import report_file_with_photos, report_photos_add
from banshi.problems.tests.conftest import YUZHONG, file_web

pytestmark = pytest.mark.usefixtures("monday_morning")


def jpeg_with_gps(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (29.0, 33.0, 24.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (106.0, 34.0, 12.0),
    }
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def image_bytes(kind: str, size=(32, 32), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (10, 120, 200) if mode == "RGB" else (10, 120, 200, 128)).save(out, kind)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_a_photo_is_kept_as_a_jpeg_without_its_exif_and_gps_position(world):
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as check:
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test's photo does carry a position
    report = file_web(world)

    [photo] = report_photos_add(actor=world.resident, report_id=report.pk, files=[upload(original)])

    data = photo_path(photo).read_bytes()
    assert data.startswith(b"\xff\xd8\xff")
    assert b"Exif" not in data and b"PhoneMaker" not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG"
        assert dict(stored.getexif()) == {}
        assert stored.size == (64, 48) == (photo.width, photo.height)
    assert photo.kind == Photo.Kind.REPORT
    event = Event.objects.get(event_type=EventType.REPORT_PHOTOS_ADDED)
    assert event.extra == {"kind": "report", "count": 1, "photos": [photo.pk]}


def test_png_and_webp_photos_are_stored_as_jpegs_too(world):
    report = file_web(world)
    photos = report_photos_add(
        actor=world.resident,
        report_id=report.pk,
        files=[upload(image_bytes("PNG", mode="RGBA"), "a.png"), upload(image_bytes("WEBP"), "b.webp")],
    )
    assert [photo_path(photo).read_bytes()[:3] for photo in photos] == [b"\xff\xd8\xff"] * 2


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_kept(world, settings):
    report = file_web(world)
    with pytest.raises(FieldErrors) as refused:
        report_photos_add(
            actor=world.resident, report_id=report.pk, files=[upload(b"MZ\x90\x00 not a photo", "x.jpg")]
        )
    assert refused.value.errors == {"photos": "is not a JPEG, PNG or WebP photo"}
    assert not Photo.objects.exists()
    assert not Event.objects.filter(event_type=EventType.REPORT_PHOTOS_ADDED).exists()


def test_a_file_that_claims_to_be_a_jpeg_but_does_not_decode_is_refused(world):
    report = file_web(world)
    with pytest.raises(FieldErrors) as refused:
        report_photos_add(
            actor=world.resident, report_id=report.pk, files=[upload(b"\xff\xd8\xff\xe0" + b"\x00" * 200)]
        )
    assert refused.value.errors == {"photos": "is not a readable image"}
    assert not Photo.objects.exists()


def test_a_photo_over_the_size_limit_is_refused_before_it_is_read(world, settings):
    settings.PROBLEM_PHOTO_MAX_BYTES = 1024 * 1024
    report = file_web(world)

    class Unreadable(SimpleUploadedFile):
        def read(self, *args, **kwargs):
            raise AssertionError("a file over the limit is never read")

    big = Unreadable("big.jpg", b"\xff\xd8\xff" + b"\x00" * (1024 * 1024), content_type="image/jpeg")
    with pytest.raises(FieldErrors) as refused:
        report_photos_add(actor=world.resident, report_id=report.pk, files=[big])
    assert refused.value.errors == {"photos": "is larger than 1 MB"}
    assert not Photo.objects.exists()


def test_a_photo_over_the_pixel_budget_is_refused_from_its_header(world, settings):
    settings.MATERIAL_MAX_PIXELS = 100 * 100
    report = file_web(world)
    with pytest.raises(FieldErrors) as refused:
        report_photos_add(
            actor=world.resident, report_id=report.pk, files=[upload(image_bytes("JPEG", size=(200, 200)))]
        )
    assert "million pixels" in refused.value.errors["photos"]
    assert not Photo.objects.exists()


def test_a_report_has_at_most_six_photos_whoever_adds_them(world):
    report = file_web(world)
    report_photos_add(
        actor=world.resident, report_id=report.pk, files=[upload(image_bytes("JPEG")) for _ in range(4)]
    )
    with pytest.raises(FieldErrors) as refused:
        report_photos_add(
            actor=world.resident, report_id=report.pk, files=[upload(image_bytes("JPEG")) for _ in range(3)]
        )
    assert refused.value.errors == {"photos": "can be at most 6 photos a report"}
    assert Photo.objects.count() == 4


def test_a_bad_photo_among_several_names_its_position_and_keeps_none_of_them(world, settings):
    report = file_web(world)
    files = [upload(image_bytes("JPEG")), upload(b"plain text", "notes.jpg")]
    with pytest.raises(FieldErrors) as refused:
        report_photos_add(actor=world.resident, report_id=report.pk, files=files)
    assert refused.value.errors == {"photos": "is not a JPEG, PNG or WebP photo (photo 2)"}
    assert not Photo.objects.exists()
    assert (
        not any(settings.PROBLEM_PHOTOS_DIR.rglob("*.jpg")) if settings.PROBLEM_PHOTOS_DIR.exists() else True
    )


def test_another_resident_cannot_add_photos_to_a_report(world):
    report = file_web(world)
    with pytest.raises(NotFound):
        report_photos_add(
            actor=world.other_resident, report_id=report.pk, files=[upload(image_bytes("JPEG"))]
        )
    assert not Photo.objects.exists()


def test_closure_photos_are_the_handling_units_not_the_residents(world):
    report = file_web(world)  # sent to the street office by rule
    with pytest.raises(NotFound):
        report_photos_add(
            actor=world.resident, report_id=report.pk, files=[upload(image_bytes("JPEG"))], kind="closure"
        )
    with pytest.raises(Conflict):  # not signed for yet
        report_photos_add(
            actor=world.street_officer,
            report_id=report.pk,
            files=[upload(image_bytes("JPEG"))],
            kind="closure",
        )
    Report.objects.filter(pk=report.pk).update(status=Report.Status.CONTACTED)
    [photo] = report_photos_add(
        actor=world.street_officer, report_id=report.pk, files=[upload(image_bytes("JPEG"))], kind="closure"
    )
    assert photo.kind == Photo.Kind.CLOSURE


def test_a_report_filed_with_a_bad_photo_is_not_filed_at_all(world):
    with pytest.raises(FieldErrors):
        report_file_with_photos(
            actor=world.resident,
            photos=[upload(b"not an image at all", "a.jpg")],
            category="roads",
            description="路灯不亮",
            district=YUZHONG,
            address="解放碑",
        )
    assert not Report.objects.exists()
    assert not Photo.objects.exists()
