"""What identifies an application's subject, by the fields its bundle names in `subject`: a key for
the same subject exactly, and a near key (dates and times cut to the day) for a possible duplicate
that was typed a little differently. Digests, so that the keys carry no personal data."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from banshi.catalog.definition import BundleDef
from banshi.catalog.outputs import as_date


@dataclass(frozen=True)
class SubjectKeys:
    key: str
    near_key: str


def _digest(code: str, parts: list[str]) -> str:
    text = json.dumps([code, *parts], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _exact(kind: str, value: Any) -> str:
    if kind == "datetime" and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None and timezone.is_aware(moment):
            # The same moment written in another offset is the same birth.
            return moment.astimezone(UTC).replace(second=0, microsecond=0).isoformat()
    return str(value)


def _near(kind: str, value: Any) -> str:
    if kind in ("date", "datetime"):
        day = as_date(value)
        if day is not None:
            return day.isoformat()
    return str(value)


def subject_keys(spec: BundleDef, values: Mapping[str, Any]) -> SubjectKeys | None:
    """The keys of the subject of an application with these (cleaned) values; None when the bundle
    names no subject or a subject field is empty."""
    if not spec.subject or any(values.get(key) in (None, "") for key in spec.subject):
        return None
    kinds = [spec.fields[key].type for key in spec.subject]
    raw = [values[key] for key in spec.subject]
    return SubjectKeys(
        key=_digest(spec.code, [_exact(kind, value) for kind, value in zip(kinds, raw, strict=True)]),
        near_key=_digest(spec.code, [_near(kind, value) for kind, value in zip(kinds, raw, strict=True)]),
    )
