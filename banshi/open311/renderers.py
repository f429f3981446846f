"""The two formats of GeoReport v2. A document is built once, of dicts, `Items` (a list whose XML
elements are named) and plain values, and written as XML or JSON: booleans are `true`/`false` text in
XML and JSON booleans, ids and codes strings, coordinates numbers, None an empty element or null."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# A request in a format the specification does not know is answered in the one it requires.
DEFAULT_FORMAT = "xml"


@dataclass(frozen=True)
class Items:
    """A list; in XML each item is an element named `name`, inside the element that holds the list."""

    name: str
    items: list[Any]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    # What XML 1.0 cannot hold (an error may quote a client's control character) becomes U+FFFD.
    return NOT_XML.sub("\ufffd", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, Items):
        for item in value.items:
            _fill(ET.SubElement(element, value.name), item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    else:
        element.text = _text(value)


def to_xml_tree(root: str, value: Any) -> bytes:
    """The document through ElementTree: what `to_xml` writes, byte for byte (the tests compare them)."""
    element = ET.Element(root)
    _fill(element, value)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
        element, encoding="utf-8", xml_declaration=False
    )


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _write(out: list[str], name: str, value: Any) -> None:
    """`value` as the element `name`, as ElementTree would write it (an empty one as `<name />`), into
    `out`: a page of a thousand requests is written in a fraction of ElementTree's time."""
    if isinstance(value, Items):
        if not value.items:
            out.append(f"<{name} />")
            return
        out.append(f"<{name}>")
        for item in value.items:
            _write(out, value.name, item)
        out.append(f"</{name}>")
    elif isinstance(value, dict):
        if not value:
            out.append(f"<{name} />")
            return
        out.append(f"<{name}>")
        for key, item in value.items():
            _write(out, key, item)
        out.append(f"</{name}>")
    else:
        text = _text(value)
        out.append(f"<{name}>{_escape(text)}</{name}>" if text else f"<{name} />")


def to_xml(root: str, value: Any) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>\n']
    _write(out, root, value)
    return "".join(out).encode()


def _json_default(value: Any) -> Any:
    if isinstance(value, Items):
        return value.items
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def to_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, default=_json_default).encode()


def render(fmt: str, root: str, value: Any, *, status: int = 200) -> HttpResponse:
    """`root` names the XML root element (the list wrapper of an `Items`); JSON has none."""
    if fmt not in FORMATS:
        fmt = DEFAULT_FORMAT
    body = to_json(value) if fmt == "json" else to_xml(root, value)
    response = HttpResponse(body, status=status, content_type=FORMATS[fmt])
    response["Cache-Control"] = "no-store"
    return response


def errors_response(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    """The specification's error list: `<errors><error><code>…</code><description>…</description>…`,
    in JSON `[{"code": 400, "description": "…"}]`."""
    items = [{"code": status, "description": description} for description in descriptions]
    return render(fmt, "errors", Items("error", items), status=status)
