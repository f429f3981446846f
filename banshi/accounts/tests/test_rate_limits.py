"""The anonymous pages answer 429 past a rate per client address (django-ratelimit): certificate
verification, the public checklist, the queue's status fragment and JSON, sign-up, the password-code
request and the API's token endpoint. Another address is not slowed down; after the wait, the same one
is served again."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django_ratelimit.core import _split_rate

from banshi.cases.tests.test_pages import text
from banshi.remote.tests.fixtures import window_fixture  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

RATE = 3
SLOW_DOWN = "There were too many requests from your address. Try again in 1 minute."
CLIENT = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
NOON = datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def rate_limits(settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {group: f"{RATE}/m" for group in settings.RATE_LIMITS}


def client_at(address: str) -> Client:
    return Client(REMOTE_ADDR=address, headers={"Accept-Language": "en"})


def assert_limited_after_the_rate(ask, ok: int, json: bool = False) -> None:
    """`ask` answers `ok` RATE times a minute from an address, then 429; from another address, and after
    the minute, `ok` again."""
    with time_machine.travel(NOON, tick=False) as clock:
        for _ in range(RATE):
            assert ask(client_at(CLIENT)).status_code == ok
        refused = ask(client_at(CLIENT))
        assert refused.status_code == 429
        assert 0 < int(refused["Retry-After"]) <= 60
        if json:
            [error] = refused.json()["errors"]
            assert error["message"] == SLOW_DOWN
        else:
            assert SLOW_DOWN in text(refused)
            assert "<h1>Too many requests</h1>" in text(refused)
        assert ask(client_at(ELSEWHERE)).status_code == ok
        clock.shift(timedelta(seconds=61))
        assert ask(client_at(CLIENT)).status_code == ok


def test_certificate_verification_is_rate_limited(catalog):
    def ask(client):
        return client.get("/verify/CS20260105000001")

    assert_limited_after_the_rate(ask, ok=404)


def test_the_verification_form_shares_the_rate_of_the_verification_page(catalog):
    with time_machine.travel(NOON, tick=False):
        client = client_at(CLIENT)
        for path in ["/verify/", "/verify/CS20260105000001", "/verify/?number=cs 2026 0105 000001"]:
            assert client.get(path).status_code in (200, 302, 404)
        assert client.get("/verify/").status_code == 429


def test_the_public_checklist_is_rate_limited(catalog):
    assert_limited_after_the_rate(lambda client: client.get("/bundles/newborn/checklist/"), ok=200)


def test_the_queue_status_fragment_is_rate_limited(window):
    assert_limited_after_the_rate(lambda client: client.get(f"/video/windows/{window.pk}/queue/status/"), 200)


def test_the_queue_json_is_rate_limited(window):
    path = f"/video/windows/{window.pk}/queue.json"
    assert_limited_after_the_rate(lambda client: client.get(path), ok=200, json=True)


def test_sign_up_is_rate_limited_and_its_page_is_not(catalog):
    def ask(client):
        return client.post("/accounts/signup/", {"phone": "1380000", "display_name": "x"})

    assert_limited_after_the_rate(ask, ok=400)
    with time_machine.travel(NOON, tick=False):
        for _ in range(RATE + 1):
            assert client_at(CLIENT).get("/accounts/signup/").status_code == 200


def test_the_password_code_request_is_rate_limited(catalog):
    assert_limited_after_the_rate(lambda client: client.post("/accounts/password/", {"phone": "1"}), ok=400)


def test_the_api_token_endpoint_is_rate_limited(catalog):
    names = iter(range(100))

    def ask(client):
        # A different unknown name each time: the rate counts requests, whichever account they try.
        payload = {"username": f"nobody{next(names)}", "password": "wrong"}
        return client.post("/api/v1/auth/token", payload, content_type="application/json")

    assert_limited_after_the_rate(ask, ok=400, json=True)


def test_the_api_verification_shares_the_rate_of_the_verification_page(catalog):
    def ask(client):
        return client.get("/api/v1/certificates/CS20260105000001/verify")

    assert_limited_after_the_rate(ask, ok=404, json=True)


def test_a_failing_cache_serves_the_pages_uncounted(catalog, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    for _ in range(RATE + 1):
        assert client_at(CLIENT).get("/verify/CS20260105000001").status_code == 404
    assert "The rate of verify was not counted: the cache failed" in caplog.text


def test_every_configured_rate_is_well_formed():
    from banshi import settings as project

    for group, rate in project.RATE_LIMITS.items():
        count, seconds = _split_rate(rate)
        assert count > 0 and seconds > 0, group
