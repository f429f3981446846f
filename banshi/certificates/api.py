"""Certificates: public verification of a number, and revocation by the issuing agency."""

from datetime import date

from ninja import Field, Router, Schema

from banshi.certificates.selectors import certificate_for_verification, public_facts
from banshi.certificates.services import REASON_MAX_LENGTH, certificate_revoke
from banshi.lib.errors import NotFound
from banshi.lib.schemas import errors

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


def _verification(number: str) -> dict:
    certificate = certificate_for_verification(number=number)
    if certificate is None:
        raise NotFound()
    return public_facts(certificate)


@router.get(
    "/certificates/{number}/verify",
    auth=None,
    response={200: VerificationOut, **errors(404, 429)},
    operation_id="banshi_api_certificates_certificate_verify",
)
def certificate_verify(request, number: str):
    """Whether a document number is genuine (`valid`) or `revoked`, with nothing that identifies the
    holder beyond a masked name. An unknown or malformed number is a 404."""
    return _verification(number)


class RevokeIn(Schema):
    reason: str = Field(min_length=1, max_length=REASON_MAX_LENGTH)


@router.post(
    "/certificates/{number}/revoke",
    response={200: VerificationOut, **errors(400, 401, 404, 409)},
    operation_id="banshi_api_certificates_certificate_revoke_operation",
)
def certificate_revoke_operation(request, number: str, payload: RevokeIn):
    """An officer of the issuing agency revokes a document, giving the reason (kept for the agency
    and the audit log, never shown on the verification page). Revoking twice is a 409."""
    certificate_revoke(actor=request.auth, number=number, reason=payload.reason)
    return _verification(number)
