"""The XML writer writes what ElementTree would, byte for byte, and the JSON writer what the
specification's examples show: lists for Items, numbers for coordinates."""

import json
from decimal import Decimal

from banshi.open311.renderers import Items, to_json, to_xml, to_xml_tree

DOCUMENT = Items(
    "request",
    [
        {
            "service_request_id": "P1",
            "status_notes": "a < b & c > d \x01 \ud800 \"quoted\" 'single' 路灯",
            "empty": "",
            "none": None,
            "yes": True,
            "no": False,
            "lat": Decimal("29.563010"),
            "count": 3,
            "nested": {"inner": Items("note", [{"summary": "x"}, {"summary": ""}]), "nothing": {}},
            "notes": Items("note", []),
        },
        {"service_request_id": "P2"},
    ],
)


def test_the_xml_writer_writes_what_elementtree_writes():
    assert to_xml("service_requests", DOCUMENT) == to_xml_tree("service_requests", DOCUMENT)
    assert to_xml("service_requests", Items("request", [])) == to_xml_tree(
        "service_requests", Items("request", [])
    )
    assert b"<empty />" in to_xml("service_requests", DOCUMENT)
    assert b"a &lt; b &amp; c &gt; d \xef\xbf\xbd" in to_xml("service_requests", DOCUMENT)


def test_the_json_writer_writes_lists_numbers_and_booleans():
    document = Items("request", [dict(DOCUMENT.items[0], status_notes='路灯 "quoted"'), DOCUMENT.items[1]])
    found = json.loads(to_json(document))
    assert found[0]["lat"] == 29.56301 and found[0]["yes"] is True and found[0]["none"] is None
    assert found[0]["nested"] == {"inner": [{"summary": "x"}, {"summary": ""}], "nothing": {}}
    assert found[0]["notes"] == [] and found[1] == {"service_request_id": "P2"}
    assert '路灯 \\"quoted\\"' in to_json(document).decode()


def test_the_index_of_open_requests_names_the_open_states():
    from banshi.problems.models import Report

    index = next(index for index in Report._meta.indexes if index.name == "problems_report_public_open")
    assert dict(index.condition.children)["status__in"] == list(Report.OPEN)
