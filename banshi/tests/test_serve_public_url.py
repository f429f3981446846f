"""`make run` (bin/serve) tells the site the address it serves on, so that the QR code of a certificate
opens the verification page of the site that issued it, whatever the port or host."""

import os
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def stand_in_venv(tmp_path):
    """A virtualenv whose uvicorn writes down the public address it was given and exits, and whose
    worker waits to be stopped: bin/serve runs them as it runs the real ones."""
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    seen = tmp_path / "public_url"
    scripts = {
        "uvicorn": f'#!/bin/sh\nprintf "%s" "$BANSHI_PUBLIC_URL" > "{seen}"\n',
        "python": '#!/bin/sh\ncase "$*" in *db_worker*) exec sleep 30;; esac\n',
    }
    for name, body in scripts.items():
        script = bin_dir / name
        script.write_text(body)
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return tmp_path / "venv", seen


def serve(venv: Path, **env: str) -> None:
    environment = {k: v for k, v in os.environ.items() if k != "BANSHI_PUBLIC_URL"}
    environment |= {"VENV": str(venv), "SWEEP_INTERVAL": "1", **env}
    subprocess.run(
        [str(ROOT / "bin" / "serve")],
        env=environment,
        check=True,
        timeout=20,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_the_public_address_is_the_host_and_port_served_on(stand_in_venv):
    venv, seen = stand_in_venv
    serve(venv, HOST="192.168.1.20", PORT="8123")
    assert seen.read_text() == "http://192.168.1.20:8123"
    serve(venv)
    assert seen.read_text() == "http://127.0.0.1:8000"


def test_a_public_address_given_is_kept(stand_in_venv):
    venv, seen = stand_in_venv
    serve(venv, PORT="8123", BANSHI_PUBLIC_URL="https://zwfw.example.gov.cn/banshi")
    assert seen.read_text() == "https://zwfw.example.gov.cn/banshi"


def test_the_certificate_s_qr_code_leads_to_the_public_address(settings):
    from banshi.certificates.documents import verification_url
    from banshi.certificates.models import Certificate

    settings.PUBLIC_URL = "http://192.168.1.20:8123"
    certificate = Certificate(number="CQ-2026-000001", verification_code="ABCD2345")
    assert verification_url(certificate) == "http://192.168.1.20:8123/verify/CQ-2026-000001?code=ABCD2345"
