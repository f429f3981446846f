"""Typed readers for settings taken from the environment; a malformed value fails loudly at start-up."""

import json
import os
import re
from datetime import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_secret(name: str) -> str:
    """A secret from the variable `name` or, so that it stays out of the process's environment, from the
    file named by `name`_FILE (its content, without the final newline); "" when neither is set."""
    value = os.environ.get(name, "")
    file_name = os.environ.get(f"{name}_FILE", "")
    if value and file_name:
        raise ImproperlyConfigured(f"set {name} or {name}_FILE, not both")
    if not file_name:
        return value
    try:
        value = Path(file_name).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ImproperlyConfigured(f"{name}_FILE cannot be read: {exc}") from None
    if not value:
        raise ImproperlyConfigured(f"{name}_FILE names an empty file: {file_name}")
    return value


def env_header(name: str) -> str:
    """An HTTP header's name (`X-Forwarded-Proto`) as Django's request.META key (`HTTP_X_FORWARDED_PROTO`);
    "" when the variable is unset or empty."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ""
    if not re.fullmatch(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*", raw):
        raise ImproperlyConfigured(
            f"{name} must be an HTTP header's name such as X-Forwarded-Proto, not {raw!r}"
        )
    return "HTTP_" + raw.upper().replace("-", "_")


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_office_hours(name: str, default: str) -> tuple[tuple[time, time], ...]:
    """Office hours of every working day as "HH:MM-HH:MM" periods, comma-separated, in order."""
    raw = env_str(name, default)
    try:
        periods = tuple(
            (time.fromisoformat(opens.strip()), time.fromisoformat(closes.strip()))
            for opens, closes in (part.split("-") for part in raw.split(","))
        )
    except ValueError:
        raise ImproperlyConfigured(f'{name} must look like "09:00-12:00,13:30-17:30", not {raw!r}') from None
    if any(opens >= closes for opens, closes in periods) or any(
        earlier[1] > later[0] for earlier, later in zip(periods, periods[1:], strict=False)
    ):
        raise ImproperlyConfigured(f"{name} must list periods in order, each ending after it starts: {raw!r}")
    return periods


def env_json_list(name: str, default: list[Any]) -> list[Any]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"{name} must be a JSON list: {exc}") from None
    if not isinstance(value, list):
        raise ImproperlyConfigured(f"{name} must be a JSON list, not {type(value).__name__}")
    return value


def env_tile_url(name: str) -> tuple[str, str]:
    """A map tile server's URL as Leaflet takes it (`https://tiles.example/{z}/{x}/{y}.png`) and its origin
    (`https://tiles.example`), which the CSP must allow images from; ("", "") when unset or empty."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return "", ""
    origin = re.match(r"(https?://[A-Za-z0-9.-]+(:\d+)?)/\S*$", raw)
    if origin is None or not all(f"{{{part}}}" in raw for part in "zxy"):
        raise ImproperlyConfigured(
            f"{name} must be an http(s) URL with {{z}}, {{x}} and {{y}}, like "
            f"https://tiles.example/{{z}}/{{x}}/{{y}}.png, not {raw!r}"
        )
    return raw, origin.group(1)
