"""The front end's static files: the npm packages vendored by `make vendor` (each as pinned, with its
licence, and nothing else), the files the templates name, and the production storage's hashed and
compressed copies as WhiteNoise serves them."""

import base64
import hashlib
import io
import json
import re
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client

from banshi.conftest import vendor_script, vendored

ROOT = Path(settings.BASE_DIR)
VENDOR_DIR = ROOT / "banshi" / "static" / "vendor"
STATIC_TAG = re.compile(r"""{%\s*static\s+["']([^"']+)["']""")


def tarball(files: dict[str, bytes]) -> bytes:
    """An npm-style package tarball: every file under `package/`."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, content in files.items():
            info = tarfile.TarInfo(f"package/{path}")
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def integrity_of(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


# --- make vendor ---------------------------------------------------------------------------------------


def test_every_vendored_file_is_in_the_manifest_with_its_licence():
    vendor = vendor_script()
    packages = {package.directory: package for package in vendor.load_manifest()}
    assert {"htmx.org", "idiomorph"} <= {package.name for package in packages.values()}
    on_disk = [path.relative_to(VENDOR_DIR).as_posix() for path in VENDOR_DIR.rglob("*") if path.is_file()]
    for path in on_disk:
        directory, _, inside = path.partition("/")
        assert directory in packages, f"{path}: no package of vendor.toml"
        assert inside in packages[directory].files or vendor.is_licence(inside), (
            f"{path}: not kept by vendor.toml"
        )
    for directory, package in packages.items():
        for file in package.files:
            assert (VENDOR_DIR / directory / file).is_file(), (
                f"{directory}/{file} is missing: run make vendor"
            )
        licences = [path for path in (VENDOR_DIR / directory).iterdir() if vendor.is_licence(path.name)]
        assert licences, f"{directory} has no licence"
        assert all(path.read_text(encoding="utf-8").strip() for path in licences)


def test_the_manifest_pins_exact_versions_and_npm_integrity():
    for package in vendor_script().load_manifest():
        assert re.fullmatch(r"\d+\.\d+\.\d+", package.version)
        assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", package.integrity)


def test_the_hash_check_refuses_a_tampered_tarball():
    vendor = vendor_script()
    data = tarball({"LICENSE": b"0BSD", "dist/lib.min.js": b"console.log(1);"})
    pinned = integrity_of(data)
    vendor.check_integrity(data, pinned)  # as published: accepted
    tampered = bytearray(data)
    tampered[len(tampered) // 2] ^= 0x01
    with pytest.raises(vendor.VendorError, match="not the pinned"):
        vendor.check_integrity(bytes(tampered), pinned)
    with pytest.raises(vendor.VendorError):
        vendor.check_integrity(data + b"\0", pinned)


def test_only_the_named_files_and_the_licence_are_kept_from_a_package():
    vendor = vendor_script()
    data = tarball(
        {
            "LICENSE": b"MIT",
            "NOTICE": b"notice",
            "README.md": b"readme",
            "dist/lib.min.js": b"lib",
            "dist/lib.js": b"source",
            "src/LICENSE-of-a-dependency": b"not at the root",
        }
    )
    package = vendor.Package("lib", "1.2.3", ("dist/lib.min.js",), integrity_of(data))
    assert vendor.extract(data, package) == {
        "LICENSE": b"MIT",
        "NOTICE": b"notice",
        "dist/lib.min.js": b"lib",
    }
    with pytest.raises(vendor.VendorError, match="no dist/other.js"):
        vendor.extract(data, vendor.Package("lib", "1.2.3", ("dist/other.js",), package.integrity))
    unlicensed = tarball({"dist/lib.min.js": b"lib"})
    with pytest.raises(vendor.VendorError, match="no licence"):
        vendor.extract(
            unlicensed, vendor.Package("lib", "1.2.3", ("dist/lib.min.js",), integrity_of(unlicensed))
        )


def test_a_manifest_without_an_exact_version_or_a_sha512_is_refused(tmp_path):
    vendor = vendor_script()
    line = '{{ name = "lib", version = "{version}", files = ["lib.js"], integrity = "{integrity}" }}'
    for version, integrity in (("^1.2.3", "sha512-x"), ("1.2.3", "sha1-x"), ("latest", "sha512-x")):
        manifest = tmp_path / "vendor.toml"
        manifest.write_text(f"packages = [{line.format(version=version, integrity=integrity)}]\n")
        with pytest.raises(vendor.VendorError):
            vendor.load_manifest(manifest)
    manifest.write_text(
        'packages = [{ name = "lib", version = "1.2.3", files = ["../x"], integrity = "sha512-x" }]'
    )
    with pytest.raises(vendor.VendorError, match="plain path"):
        vendor.load_manifest(manifest)


# --- what the templates name ---------------------------------------------------------------------------


def test_every_static_file_a_template_names_exists():
    templates = (ROOT / "banshi").rglob("templates/**/*.html")
    named = {name for path in templates for name in STATIC_TAG.findall(path.read_text(encoding="utf-8"))}
    assert {vendored("htmx.org"), vendored("idiomorph")} <= named
    missing = sorted(name for name in named if finders.find(name) is None)
    assert missing == []


# --- the production storage ----------------------------------------------------------------------------


def test_collectstatic_gives_hashed_and_compressed_copies_served_for_good(production_static):
    manifest = json.loads((production_static / "staticfiles.json").read_text())["paths"]
    hashed = manifest[vendored("htmx.org")]
    assert re.fullmatch(re.escape(vendored("htmx.org")[: -len(".js")]) + r"\.[0-9a-f]{12}\.js", hashed)
    for suffix in ("", ".gz", ".br"):
        assert (production_static / f"{hashed}{suffix}").is_file()
    url = staticfiles_storage.url("js/call.js")
    assert re.fullmatch(r"/static/js/call\.[0-9a-f]{12}\.js", url)
    response = Client().get(url)
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
    assert (
        b"".join(response.streaming_content) == (ROOT / "banshi" / "static" / "js" / "call.js").read_bytes()
    )


def test_a_static_file_missing_from_the_manifest_is_an_error(production_static):
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        staticfiles_storage.url("js/no-such-script.js")
