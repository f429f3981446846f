"""What every answer tells the browser: a Content-Security-Policy that runs only the site's own scripts
and styles, a Permissions-Policy with every device off (the call page alone may use the camera and the
microphone: banshi/remote/tests/test_call_page.py), HSTS behind TLS, and `Cache-Control: no-store` on
whatever may carry personal data. No template has an inline script, event handler or style."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
# The certificate's PDF template is rendered by WeasyPrint, never served as a page.
NOT_A_PAGE = {"certificates/templates/certificates/document.html"}


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_and_api_answers_run_only_the_sites_own_scripts_and_styles(api_as):
    for response in (Client().get("/"), api_as().get("/api/v1/bundles")):
        assert response.status_code == 200
        policy = directives(response)
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
        assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'self'"]
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_every_device_is_off_but_geolocation_for_the_site_itself():
    policy = dict(item.split("=") for item in Client().get("/")["Permissions-Policy"].split(", "))
    assert policy["camera"] == policy["microphone"] == policy["display-capture"] == "()"
    assert policy["geolocation"] == "(self)"


def test_no_template_has_an_inline_script_an_event_handler_or_a_style():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
    style = re.compile(r"<style\b|\sstyle\s*=", re.I)
    found = []
    for path in sorted((ROOT / "banshi").rglob("templates/**/*.html")):
        name = path.relative_to(ROOT / "banshi").as_posix()
        if name in NOT_A_PAGE:
            continue
        text = path.read_text(encoding="utf-8")
        found += [
            f"{name}: {pattern.pattern}"
            for pattern in (inline_script, handler, style)
            if pattern.search(text)
        ]
    assert found == []


def test_a_signed_in_users_pages_and_every_api_answer_are_never_stored(resident, api_as):
    for response in (
        signed_in(resident).get("/applications/"),
        signed_in(resident).get("/"),
        api_as().get("/api/v1/bundles"),
        api_as(resident).get("/api/v1/tasks"),
    ):
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    # A public page to someone not signed in carries nothing of anyone.
    assert "no-store" not in Client().get("/").get("Cache-Control", "")


def test_an_anonymous_page_showing_what_the_session_holds_is_never_stored(catalog):
    client = Client()
    assert client.post("/accounts/password/", {"phone": "13900000009"}).status_code == 302
    response = client.get("/accounts/password/set/")
    assert "13900000009" in response.content.decode() and "no-store" in response["Cache-Control"]


def test_static_files_keep_their_long_caching_whoever_asks(production_static, resident):
    response = signed_in(resident).get(staticfiles_storage.url("css/site.css"))
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]


def test_the_api_docs_load_swagger_ui_from_the_site_itself():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "/static/ninja/swagger-ui.css" in page
    assert "http" not in page  # no address elsewhere: no CDN, no validator badge


def test_behind_tls_hsts_is_sent_and_plain_http_is_redirected(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = Client().get("/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/"
    secure = Client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200 and secure["Strict-Transport-Security"] == "max-age=31536000"
