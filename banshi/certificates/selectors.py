from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from banshi.certificates.models import NUMBER_SHAPE, VERIFICATION_CODE_SHAPE, Certificate
from banshi.directory.models import Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from banshi.accounts.models import User
    from banshi.cases.models import Application, Task


def is_number_shaped(number: Any) -> bool:
    return isinstance(number, str) and bool(NUMBER_SHAPE.match(number))


def code_as_typed(text: str) -> str:
    """A verification code as a person types it: spaces and hyphens dropped, lower case forgiven."""
    return "".join(text.split()).replace("-", "").upper()


def is_code_shaped(code: Any) -> bool:
    return isinstance(code, str) and bool(VERIFICATION_CODE_SHAPE.match(code))


def certificate_number_exists(*, number: str) -> bool:
    """All that the number alone tells: whether a document has it."""
    return is_number_shaped(number) and Certificate.objects.filter(number=number).exists()


def certificate_for_verification(*, number: str, code: str) -> Certificate | None:
    """The document with this number, only if `code` is its verification code; None for an unknown
    number and a wrong code alike, so that an answer never says which of the two was wrong."""
    if not is_number_shaped(number) or not is_code_shaped(code):
        return None
    certificate = Certificate.objects.filter(number=number).select_related("agency").first()
    if certificate is None or not constant_time_compare(code, certificate.verification_code):
        return None
    return certificate


def public_facts(certificate: Certificate) -> dict[str, Any]:
    """What anyone holding the number may learn: nothing that identifies the holder."""
    return {
        "number": certificate.number,
        "status": certificate.status,
        "document_type": certificate.title_text,
        "issuing_agency": certificate.agency.name,
        "issued_on": timezone.localdate(certificate.issued_at),
        "revoked_on": timezone.localdate(certificate.revoked_at) if certificate.revoked_at else None,
        "holder": certificate.holder_display,
    }


def certificate_for_viewer(*, user: User | AnonymousUser, number: str) -> Certificate | None:
    """The whole document, for its applicant, the officers of the issuing agency and the clerks of the
    window that accepted the application (who print it for the resident); None for anyone else, so
    that a stranger cannot tell a document they may not see from one that does not exist."""
    if not user.is_authenticated or not is_number_shaped(number):
        return None
    certificate = (
        Certificate.objects.filter(number=number)
        .select_related("agency", "task", "application__bundle_version")
        .first()
    )
    if certificate is None:
        return None
    if certificate.application.applicant_id == user.pk:
        return certificate
    officer = Q(role=Membership.Role.OFFICER, agency_id=certificate.agency_id)
    window_id = certificate.application.window_id
    clerk = Q(role=Membership.Role.CLERK, window_id=window_id) if window_id else Q(pk__in=[])
    staff = Membership.objects.filter(officer | clerk, user=user).exists()
    return certificate if staff else None


def certificates_for_application(*, application: Application) -> list[Certificate]:
    return list(Certificate.objects.filter(application=application).order_by("task__position", "id"))


def certificates_for_task(*, task: Task) -> list[Certificate]:
    return list(Certificate.objects.filter(task=task).select_related("revoked_by").order_by("id"))
