"""Certificates: public verification of a number, and revocation by the issuing agency."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from banshi.accounts.http import ApiRequest
from banshi.certificates.selectors import certificate_for_verification, public_facts
from banshi.certificates.services import certificate_revoke
from banshi.lib.errors import NotFound
from banshi.lib.schemas import Errors, Lines

# Operation ids keep the names they were published under: generated clients call them by these names.
router = Router(tags=["certificates"])


class VerificationOut(Schema):
    number: str
    status: str
    document_type: str
    issuing_agency: str
    issued_on: date
    revoked_on: date | None
    holder: str


def _verification(number: str) -> dict[str, Any]:
    certificate = certificate_for_verification(number=number)
    if certificate is None:
        raise NotFound()
    return public_facts(certificate)


@router.get(
    "/certificates/{number}/verify",
    auth=None,
    response={200: VerificationOut, 404: Errors},
    operation_id="banshi_api_certificates_certificate_verify",
)
def certificate_verify(request: HttpRequest, number: str) -> dict[str, Any]:
    """Whether a document number is genuine (`valid`) or `revoked`, with nothing that identifies the
    holder beyond a masked name. An unknown or malformed number is a 404."""
    return _verification(number)


class RevokeIn(Schema):
    reason: Lines


@router.post(
    "/certificates/{number}/revoke",
    response={200: VerificationOut, 400: Errors, 404: Errors, 409: Errors},
    operation_id="banshi_api_certificates_certificate_revoke_operation",
)
def certificate_revoke_operation(request: ApiRequest, number: str, payload: RevokeIn) -> dict[str, Any]:
    """An officer of the issuing agency revokes a document, giving the reason (kept for the agency
    and the audit log, never shown on the verification page). Revoking twice is a 409."""
    certificate_revoke(actor=request.auth, number=number, reason=payload.reason)
    return _verification(number)
