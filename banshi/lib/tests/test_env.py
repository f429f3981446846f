"""Settings read from the environment fail loudly at start-up on a malformed value."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from banshi.lib.env import env_bool, env_int, env_json_list, env_list, env_tile_url


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "on"])
def test_a_true_boolean_is_read_in_any_usual_spelling(monkeypatch, raw):
    monkeypatch.setenv("BANSHI_FLAG", raw)
    assert env_bool("BANSHI_FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_a_false_boolean_is_read_in_any_usual_spelling(monkeypatch, raw):
    monkeypatch.setenv("BANSHI_FLAG", raw)
    assert env_bool("BANSHI_FLAG", True) is False


def test_an_unset_boolean_is_the_default(monkeypatch):
    monkeypatch.delenv("BANSHI_FLAG", raising=False)
    assert env_bool("BANSHI_FLAG", True) is True
    assert env_bool("BANSHI_FLAG", False) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "ture", "y e s"])
def test_a_malformed_boolean_fails_loudly_naming_the_variable_and_the_value(monkeypatch, raw):
    monkeypatch.setenv("BANSHI_FLAG", raw)
    with pytest.raises(ImproperlyConfigured) as refused:
        env_bool("BANSHI_FLAG", False)
    assert "BANSHI_FLAG must be a boolean" in str(refused.value) and repr(raw) in str(refused.value)


def test_a_malformed_number_or_json_list_fails_loudly(monkeypatch):
    monkeypatch.setenv("BANSHI_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="BANSHI_NUMBER must be a whole number, not 'ten'"):
        env_int("BANSHI_NUMBER", 1)
    monkeypatch.setenv("BANSHI_JSON", '{"urls": "stun:x"}')
    with pytest.raises(ImproperlyConfigured, match="BANSHI_JSON must be a JSON list, not dict"):
        env_json_list("BANSHI_JSON", [])
    monkeypatch.setenv("BANSHI_JSON", "[")
    with pytest.raises(ImproperlyConfigured, match="BANSHI_JSON must be a JSON list"):
        env_json_list("BANSHI_JSON", [])


def test_a_list_drops_blanks_around_commas(monkeypatch):
    monkeypatch.setenv("BANSHI_HOSTS", " a.example , ,b.example,")
    assert env_list("BANSHI_HOSTS", []) == ["a.example", "b.example"]


def test_a_tile_server_url_gives_its_origin_for_the_csp(monkeypatch):
    monkeypatch.setenv("MAP_TILE_URL", " https://tiles.example.gov.cn:8443/osm/{z}/{x}/{y}.png ")
    assert env_tile_url("MAP_TILE_URL") == (
        "https://tiles.example.gov.cn:8443/osm/{z}/{x}/{y}.png",
        "https://tiles.example.gov.cn:8443",
    )
    monkeypatch.setenv("MAP_TILE_URL", "")
    assert env_tile_url("MAP_TILE_URL") == ("", "")
    monkeypatch.delenv("MAP_TILE_URL")
    assert env_tile_url("MAP_TILE_URL") == ("", "")


@pytest.mark.parametrize(
    "raw",
    [
        "tiles.example/{z}/{x}/{y}.png",  # no scheme
        "ftp://tiles.example/{z}/{x}/{y}.png",
        "https://tiles.example/{z}/{x}.png",  # no {y}
        "https://tiles.example; script-src *//{z}/{x}/{y}.png",  # would widen the CSP
        "https://{s}.tiles.example/{z}/{x}/{y}.png",  # an origin the CSP cannot name
    ],
)
def test_a_malformed_tile_server_url_fails_loudly(monkeypatch, raw):
    monkeypatch.setenv("MAP_TILE_URL", raw)
    with pytest.raises(ImproperlyConfigured, match="MAP_TILE_URL must be an http"):
        env_tile_url("MAP_TILE_URL")
