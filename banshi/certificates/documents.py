"""The printable document: an A4 PDF in Chinese with a QR code leading to the public verification page.
Rendered on request (about 0.2–0.5 s a page) and never stored: the PDF holds personal data."""

from typing import Any
from urllib.parse import quote

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from banshi.catalog.definition import BundleDef
from banshi.catalog.forms import display_value
from banshi.certificates.models import Certificate
from banshi.directory.models import Area

DOCUMENT_LANGUAGE = "zh-hans"


def verification_url(certificate: Certificate) -> str:
    """The public check with the document's verification code, so that a scan shows its details."""
    number, code = quote(certificate.number, safe=""), quote(certificate.verification_code, safe="")
    return f"{settings.PUBLIC_URL}/verify/{number}?code={code}"


def qr_data_uri(content: str) -> str:
    return segno.make(content, error="m", micro=False).svg_data_uri(scale=4, border=4)


def certificate_pdf(*, certificate: Certificate) -> bytes:
    # Imported here: WeasyPrint takes most of a second to import, and only this view needs it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    with translation.override(DOCUMENT_LANGUAGE):
        html = render_to_string("certificates/document.html", document_context(certificate))
    # Everything the page needs is inline; refusing other URLs keeps a value in the page from ever
    # making the renderer fetch a file or a network address.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()


def document_context(certificate: Certificate) -> dict[str, Any]:
    spec = certificate.application.spec
    content = certificate.content or {}
    field_keys = [key for key, _value in content.get("fields", [])]
    areas = _area_names(spec, field_keys)
    rows = [
        {"label": str(spec.fields[key].label), "value": display_value(spec.fields[key], value, areas=areas)}
        for key, value in content.get("fields", [])
        if key in spec.fields
    ]
    labels = {
        key: output.label for service in spec.services.values() for key, output in service.produces.items()
    }
    rows += [
        {"label": str(labels[key]) if key in labels else key, "value": value}
        for key, value in content.get("outputs", [])
    ]
    url = verification_url(certificate)
    return {
        "certificate": certificate,
        "title": certificate.title_text,
        "label": certificate.label_text,
        "agency": certificate.agency.name,
        "issued_on": timezone.localdate(certificate.issued_at),
        "rows": rows,
        "verification_url": url,
        "verification_code": certificate.verification_code_display,
        "qr": qr_data_uri(url),
        "revoked": not certificate.is_valid,
    }


def _area_names(spec: BundleDef, keys: list[str]) -> dict[str, str]:
    if not any(spec.fields[key].type == "area" for key in keys if key in spec.fields):
        return {}
    # An area field holds a district or county: the streets and communities below them are not read.
    return dict(
        Area.objects.exclude(kind__in=[Area.Kind.STREET, Area.Kind.COMMUNITY]).values_list("code", "name")
    )
