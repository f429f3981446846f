"""Certificates: public verification of a number, and revocation by the issuing agency."""

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from banshi.accounts.http import ApiRequest
from banshi.accounts.throttle import rate_refusal
from banshi.certificates.selectors import (
    certificate_for_verification,
    certificate_number_exists,
    code_as_typed,
    is_code_shaped,
    public_facts,
)
from banshi.certificates.services import REASON_MAX_LENGTH, certificate_revoke
from banshi.lib.errors import FieldErrors, NotFound
from banshi.lib.schemas import Lines, errors

# Operation ids keep the names they were published under: generated clients call them by these names.
router = Router(tags=["certificates"])


class VerificationOut(Schema):
    """With the right code, the public facts; by the number alone, only that a document has it
    (`code_required`), every other fact null."""

    number: str
    status: Literal["valid", "revoked", "code_required"]
    document_type: str | None
    issuing_agency: str | None
    issued_on: date | None
    revoked_on: date | None
    holder: str | None


def _number_only(number: str) -> dict[str, Any]:
    facts: dict[str, Any] = dict.fromkeys(
        ("document_type", "issuing_agency", "issued_on", "revoked_on", "holder")
    )
    return {"number": number, "status": "code_required", **facts}


@router.get(
    "/certificates/{number}/verify",
    auth=None,
    response={200: VerificationOut, **errors(400, 404, 429)},
    operation_id="banshi_api_certificates_certificate_verify",
)
def certificate_verify(request: HttpRequest, number: str, code: str = "") -> Any:
    """Whether a document number is genuine (`valid`) or `revoked`, given the verification `code`
    printed beside it, with nothing that identifies the holder beyond a masked name. Without a code,
    only whether a document has this number (`code_required`; 404 for an unknown or malformed
    number). A code that is not this number's is a 404 that does not say which of the two was wrong."""
    refusal = rate_refusal(request, "verify")
    if refusal is not None:
        return refusal
    code = code_as_typed(code)
    if not code:
        if not certificate_number_exists(number=number):
            raise NotFound()
        return _number_only(number)
    if not is_code_shaped(code):
        raise FieldErrors({"code": _("must be the 10 letters and digits printed beside the number")})
    certificate = certificate_for_verification(number=number, code=code)
    if certificate is None:
        message = _("no document has this number and verification code")
        return Status(404, {"errors": [{"field": "", "message": message}]})
    return public_facts(certificate)


class RevokeIn(Schema):
    reason: Lines = Field(min_length=1, max_length=REASON_MAX_LENGTH)


@router.post(
    "/certificates/{number}/revoke",
    response={200: VerificationOut, **errors(400, 401, 404, 409)},
    operation_id="banshi_api_certificates_certificate_revoke_operation",
)
def certificate_revoke_operation(request: ApiRequest, number: str, payload: RevokeIn) -> Any:
    """An officer of the issuing agency revokes a document, giving the reason (kept for the agency
    and the audit log, never shown on the verification page). Revoking twice is a 409."""
    certificate = certificate_revoke(actor=request.auth, number=number, reason=payload.reason)
    return public_facts(certificate)
