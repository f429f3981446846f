"""The settings outside demo mode refuse to load without a key and real gateways, and read the security
and database options from the environment. Each case loads `banshi/settings.py` in a fresh Python process
with exactly the environment given (this suite itself runs in demo mode)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
KEY = "k" * 50
GATEWAYS = {
    "NOTIFY_SMS_BACKEND": "banshi.notify.tests.backends.SmsOutbox",
    "NOTIFY_EMAIL_BACKEND": "banshi.notify.backends.DjangoEmailBackend",
}
PRODUCTION = {"SECRET_KEY": KEY, **GATEWAYS}
SHOWN = (
    "SECRET_KEY",
    "DEMO",
    "NOTIFY_SMS_BACKEND",
    "NOTIFY_EMAIL_BACKEND",
    "EMAIL_BACKEND",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_ENGINE",
)
SCRIPT = f"""
import json
import banshi.settings as s
db = s.DATABASES["default"]
print(json.dumps({{
    **{{name: getattr(s, name) for name in {SHOWN!r}}},
    "CONN_MAX_AGE": db["CONN_MAX_AGE"],
    "POOL": db.get("OPTIONS", {{}}).get("pool"),
}}))
"""


def load(tmp_path: Path, **env: str) -> dict:
    """The settings loaded with only `env` (and what Python needs to run); ImproperlyConfigured's
    message if they refuse to load."""
    base = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "BANSHI_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )
    if done.returncode:
        assert "django.core.exceptions.ImproperlyConfigured: " in done.stderr, done.stderr
        return {"refused": done.stderr.split("ImproperlyConfigured: ", 1)[1].strip()}
    return json.loads(done.stdout)


def test_outside_demo_mode_the_settings_refuse_to_load_without_a_key(tmp_path):
    refused = load(tmp_path, **GATEWAYS)["refused"]
    assert refused.startswith(
        "SECRET_KEY (or SECRET_KEY_FILE, a file holding it) must be set outside demo mode"
    )
    assert "refused" in load(tmp_path, SECRET_KEY="", **GATEWAYS)
    assert load(tmp_path, **PRODUCTION)["SECRET_KEY"] == KEY


def test_the_demos_fallback_key_exists_only_in_demo_mode(tmp_path):
    demo = load(tmp_path, BANSHI_DEMO="1")
    assert demo["DEMO"] is True and demo["SECRET_KEY"]
    refused = load(tmp_path, **{**PRODUCTION, "SECRET_KEY": demo["SECRET_KEY"]})["refused"]
    assert refused == "SECRET_KEY is the demo's published key: set a key of your own"


def test_the_key_can_come_from_a_file_and_not_from_both(tmp_path):
    key_file = tmp_path / "secret"
    key_file.write_text(f"{KEY}\n")
    assert load(tmp_path, SECRET_KEY_FILE=str(key_file), **GATEWAYS)["SECRET_KEY"] == KEY
    both = load(tmp_path, SECRET_KEY_FILE=str(key_file), **PRODUCTION)["refused"]
    assert both == "set SECRET_KEY or SECRET_KEY_FILE, not both"
    missing = load(tmp_path, SECRET_KEY_FILE=str(tmp_path / "nowhere"), **GATEWAYS)["refused"]
    assert missing.startswith("SECRET_KEY_FILE cannot be read")
    (tmp_path / "empty").write_text("\n")
    empty = load(tmp_path, SECRET_KEY_FILE=str(tmp_path / "empty"), **GATEWAYS)["refused"]
    assert empty.startswith("SECRET_KEY_FILE names an empty file")


@pytest.mark.parametrize("name", ["NOTIFY_SMS_BACKEND", "NOTIFY_EMAIL_BACKEND"])
def test_outside_demo_mode_each_gateway_must_be_set_and_not_the_console(tmp_path, name):
    unset = {key: value for key, value in PRODUCTION.items() if key != name}
    assert load(tmp_path, **unset)["refused"].startswith(
        f"{name} must name a gateway's backend outside demo mode"
    )
    console = load(tmp_path, **{**PRODUCTION, name: "banshi.notify.backends.ConsoleBackend"})["refused"]
    assert console.startswith(f"{name} must name a gateway's backend")


def test_the_demo_writes_messages_to_the_log_and_production_mails_through_smtp(tmp_path):
    demo = load(tmp_path, BANSHI_DEMO="1")
    assert (
        demo["NOTIFY_SMS_BACKEND"] == demo["NOTIFY_EMAIL_BACKEND"] == "banshi.notify.backends.ConsoleBackend"
    )
    assert demo["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    production = load(tmp_path, **PRODUCTION)
    assert production["DEMO"] is False
    assert production["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


def test_hsts_the_https_redirect_and_the_proxys_header_come_from_the_environment(tmp_path):
    plain = load(tmp_path, **PRODUCTION)
    assert (plain["SECURE_HSTS_SECONDS"], plain["SECURE_SSL_REDIRECT"], plain["SECURE_PROXY_SSL_HEADER"]) == (
        0,
        False,
        None,
    )
    behind_tls = load(
        tmp_path,
        **PRODUCTION,
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_SSL_REDIRECT="true",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
    )
    assert behind_tls["SECURE_HSTS_SECONDS"] == 31536000 and behind_tls["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert behind_tls["SECURE_SSL_REDIRECT"] is True
    assert behind_tls["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    refused = load(tmp_path, **PRODUCTION, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https")["refused"]
    assert refused.startswith("SECURE_PROXY_SSL_HEADER must be an HTTP header's name")


def test_sessions_are_kept_in_the_database(tmp_path):
    assert load(tmp_path, **PRODUCTION)["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_connections_are_not_kept_unless_asked_for_and_the_pool_is_for_postgresql(tmp_path):
    assert load(tmp_path, **PRODUCTION)["CONN_MAX_AGE"] == 0
    assert load(tmp_path, **PRODUCTION, DATABASE_CONN_MAX_AGE="600")["CONN_MAX_AGE"] == 600
    postgres = {**PRODUCTION, "DATABASE_URL": "postgres:///banshi?host=/var/run/postgresql"}
    pooled = load(tmp_path, **postgres, DATABASE_POOL="true", DATABASE_POOL_MAX_SIZE="8")
    assert pooled["CONN_MAX_AGE"] == 0 and pooled["POOL"] == {"min_size": 1, "max_size": 8}
    assert load(tmp_path, **postgres)["POOL"] is None
    sqlite = load(tmp_path, **PRODUCTION, DATABASE_POOL="true")["refused"]
    assert sqlite == "DATABASE_POOL needs PostgreSQL (a postgres:// DATABASE_URL)"
    both = load(tmp_path, **postgres, DATABASE_POOL="true", DATABASE_CONN_MAX_AGE="60")["refused"]
    assert both == "DATABASE_POOL and DATABASE_CONN_MAX_AGE exclude each other: set one"
