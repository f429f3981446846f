"""Uploads have a bounded cost: an image is refused from its header over the pixel budget, decoded into a
bounded amount of memory, and a PDF must parse as one."""

import io
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from banshi.cases.models import Upload
from banshi.cases.services import upload_create
from banshi.cases.services.materials import upload_path
from banshi.conftest import pdf_bytes
from banshi.lib.errors import FieldErrors

pytestmark = pytest.mark.django_db


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims `width` × `height` pixels, with a few bytes of compressed data: what
    a decompression bomb looks like before it is decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def refused(owner, name: str, content: bytes) -> str:
    with pytest.raises(FieldErrors) as caught:
        upload_create(owner=owner, file=SimpleUploadedFile(name, content))
    return caught.value.errors["file"]


def nothing_stored() -> bool:
    root = Path(settings.MATERIALS_DIR)
    return not Upload.objects.exists() and (not root.exists() or not any(root.rglob("*.*")))


# --- images ------------------------------------------------------------------------------------------


# Pillow warns of an image between the budget and twice it (and refuses it beyond); the budget refuses both.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(("width", "height"), [(50_000, 50_000), (8_000, 6_000), (40_001, 1_000)])
def test_an_image_over_the_pixel_budget_is_refused_from_its_header(resident, width, height):
    content = png_claiming(width, height)
    assert len(content) < 200
    assert refused(resident, "scan.png", content) == (
        "is too large an image: at most 40 million pixels; send a smaller photo or scan"
    )
    assert nothing_stored()


def test_the_pixel_budget_is_a_setting_and_pillow_refuses_bombs_by_it(resident, settings):
    assert Image.MAX_IMAGE_PIXELS == settings.MATERIAL_MAX_PIXELS == 40_000_000
    settings.MATERIAL_MAX_PIXELS = 1_000
    assert "at most 0.001 million pixels" in refused(resident, "small.png", png_claiming(40, 30))
    settings.MATERIAL_MAX_PIXELS = 2_000
    assert upload_create(owner=resident, file=SimpleUploadedFile("small.png", _png(40, 30))).kind == "png"


def _png(width: int, height: int, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), "teal").save(out, "PNG")
    return out.getvalue()


def _jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(out, "JPEG", quality=80)
    return out.getvalue()


def test_a_large_jpeg_is_decoded_at_a_reduced_size_that_fits_the_memory_budget(resident, settings):
    settings.MATERIAL_DECODE_MAX_MB = 1  # 262,144 pixels of four bytes
    upload = upload_create(owner=resident, file=SimpleUploadedFile("photo.jpg", _jpeg(1600, 1200)))
    with Image.open(upload_path(upload)) as stored:
        assert stored.size == (400, 300)  # a quarter: 1600 × 1200 at a half would still need 1.8 MB
    small = upload_create(owner=resident, file=SimpleUploadedFile("small.jpg", _jpeg(400, 300)))
    with Image.open(upload_path(small)) as stored:
        assert stored.size == (400, 300)


def test_a_png_that_would_not_fit_the_memory_budget_is_refused(resident, settings):
    settings.MATERIAL_DECODE_MAX_MB = 1
    assert refused(resident, "scan.png", _png(600, 500)) == (
        "is too large an image to read: send it smaller, or as a JPEG photo or a PDF"
    )
    assert nothing_stored()
    assert (
        upload_create(owner=resident, file=SimpleUploadedFile("grey.png", _png(600, 500, "L"))).kind == "png"
    )


GENERATE = """
import sys
from PIL import Image
Image.new("RGB", (7800, 5000), "navy").save(sys.argv[1], "JPEG", quality=80)
"""

MEASURE = """
import os, resource, sys, threading
os.environ["DJANGO_SETTINGS_MODULE"] = "banshi.settings"
import django
django.setup()
from banshi.cases.services.materials import _reencode
data = open(sys.argv[1], "rb").read()
sizes = []
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
def work():
    sizes.append(len(_reencode(data, "jpeg", "file")))
threads = [threading.Thread(target=work) for _ in range(3)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(len(sizes), (after - before) // 1024)
"""


def test_three_large_images_re_encoded_at_once_take_a_bounded_amount_of_memory(tmp_path):
    """Three photos of 39 million pixels each, at the same time, in a process of their own (whose peak
    resident memory is measured): decoded whole they would take over a gigabyte."""
    photo = tmp_path / "photo.jpg"
    subprocess.run([sys.executable, "-c", GENERATE, str(photo)], check=True)
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(photo)],
        check=True,
        capture_output=True,
        text=True,
    )
    done, peak_mb = (int(part) for part in result.stdout.split())
    assert done == 3
    assert peak_mb < 300, f"three concurrent re-encodings raised the peak memory by {peak_mb} MB"


# --- PDFs --------------------------------------------------------------------------------------------


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.exe", b"MZ" + b"\x90" * 200)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"%PDF-1.4\n" + _zip() + b"\n%%EOF\n", "not a readable PDF"),
        (
            b"%PDF-1.4\nMZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 500 + b"PE\x00\x00junk\n%%EOF\n",
            "not a readable PDF",
        ),
        (b"%PDF-1.4\n" + b"junk " * 100 + b"\n%%EOF\n", "not a readable PDF"),
        (pdf_bytes(pages=0), "has no pages"),
    ],
    ids=["zip", "executable", "junk", "no pages"],
)
def test_a_file_that_only_starts_like_a_pdf_is_refused(resident, content, words):
    assert words in refused(resident, "scan.pdf", content)
    assert nothing_stored()


def test_a_password_protected_pdf_is_refused(resident):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    assert "password" in refused(resident, "scan.pdf", out.getvalue())
    assert nothing_stored()


def test_a_real_pdf_of_several_pages_is_kept_as_it_is(resident):
    content = pdf_bytes(pages=3)
    upload = upload_create(owner=resident, file=SimpleUploadedFile("scan.pdf", content))
    assert upload_path(upload).read_bytes() == content
