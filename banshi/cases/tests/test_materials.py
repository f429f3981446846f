import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from banshi.cases.models import Upload
from banshi.cases.services import upload_create
from banshi.cases.services.materials import upload_path
from banshi.conftest import PDF_BYTES, png_bytes
from banshi.lib.errors import FieldErrors


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (20, 10), "blue")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (29.0, 33.0, 0.0)}  # GPS latitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_an_image_is_re_encoded_without_its_metadata_and_stored_outside_the_web_root(resident):
    upload = upload_create(owner=resident, file=SimpleUploadedFile("photo.jpg", jpeg_with_exif()))
    path = upload_path(upload)
    assert path.is_file()
    assert Path(settings.STATIC_ROOT) not in path.parents
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    with Image.open(path) as stored:
        assert not stored.getexif()
    assert b"SecretCam" not in path.read_bytes()


def test_a_pdf_is_accepted_as_it_is(resident):
    upload = upload_create(owner=resident, file=SimpleUploadedFile("scan.pdf", PDF_BYTES))
    assert upload.kind == "pdf"
    assert upload_path(upload).read_bytes() == PDF_BYTES


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("notes.pdf", b"just some text, not a pdf at all", "not a PDF, JPEG or PNG"),
        ("photo.pdf", png_bytes(), "not what its name says"),
        ("photo.exe", png_bytes(), "not what its name says"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "not a readable image"),
        ("cut.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n", "not a complete PDF"),
        ("empty.png", b"", "empty"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(resident, name, content, words):
    with pytest.raises(FieldErrors) as caught:
        upload_create(owner=resident, file=SimpleUploadedFile(name, content))
    assert words in caught.value.errors["file"]
    assert not Upload.objects.exists()
    assert not Path(settings.MATERIALS_DIR).exists() or not any(Path(settings.MATERIALS_DIR).rglob("*.*"))


def test_a_file_over_the_size_limit_is_refused(resident, settings):
    settings.MATERIAL_MAX_BYTES = 1024 * 1024
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024) + b"\n%%EOF\n"
    with pytest.raises(FieldErrors) as caught:
        upload_create(owner=resident, file=SimpleUploadedFile("big.pdf", big))
    assert "larger than 1 MB" in caught.value.errors["file"]
    assert not Upload.objects.exists()


def test_the_same_file_uploaded_twice_is_stored_once(resident):
    first = upload_create(owner=resident, file=SimpleUploadedFile("a.png", png_bytes("red")))
    second = upload_create(owner=resident, file=SimpleUploadedFile("b.png", png_bytes("red")))
    assert first.pk == second.pk
    assert Upload.objects.count() == 1
