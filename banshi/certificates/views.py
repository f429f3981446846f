"""The document download and the public verification page."""

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from banshi.accounts.http import AuthenticatedHttpRequest
from banshi.accounts.throttle import throttled
from banshi.audit.models import Access
from banshi.audit.services import access_record
from banshi.certificates.documents import certificate_pdf
from banshi.certificates.selectors import (
    certificate_for_verification,
    certificate_for_viewer,
    certificate_number_exists,
    code_as_typed,
    is_code_shaped,
    is_number_shaped,
    public_facts,
)
from banshi.directory.selectors import agency_ids_for_officer

# The answers in which the number was well formed, so the form offers it again beside the code.
NUMBER_KEPT = {"code_needed", "code_malformed", "no_match"}


@login_required
@require_GET
def certificate_download(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    certificate = certificate_for_viewer(user=request.user, number=number)
    if certificate is None:
        raise Http404
    application = certificate.application
    if application.applicant_id != request.user.pk:
        # Staff: an officer of the issuing agency, for its task, or a clerk of the window that accepted
        # the application.
        officer = certificate.agency_id in agency_ids_for_officer(user=request.user)
        access_record(
            actor=request.user,
            resident_id=application.applicant_id,
            kind=Access.Kind.CERTIFICATE,
            purpose=Access.Purpose.TASK if officer else Access.Purpose.WINDOW,
            application_id=application.pk,
            task_id=certificate.task_id,
            certificate_id=certificate.pk,
            agency_id=certificate.agency_id if officer else None,
            window_id=None if officer else application.window_id,
        )
    response = HttpResponse(certificate_pdf(certificate=certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@throttled("verify")
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """The form to type a number, and its verification code, read off a paper document."""
    typed = request.GET.get("number")
    if typed is None:
        return _verify_page(request, state="ask", status=200)
    number = "".join(typed.split()).upper()
    if not is_number_shaped(number):
        return _verify_page(request, state="malformed", status=400)
    url = reverse("certificates:verify", kwargs={"number": number})
    code = code_as_typed(request.GET.get("code") or "")
    return redirect(f"{url}?{urlencode({'code': code})}" if code else url)


@require_GET
@throttled("verify")
def verify(request: HttpRequest, number: str) -> HttpResponse:
    """Anyone may check a number. The number alone says only whether a document has it; with the
    verification code printed beside it (the QR code holds both) they learn whether it is genuine and
    current, never who holds it beyond a masked name, and never why a document was revoked."""
    if not is_number_shaped(number):
        return _verify_page(request, state="malformed", status=404)
    code = code_as_typed(request.GET.get("code") or "")
    if not code:
        if not certificate_number_exists(number=number):
            return _verify_page(request, state="unknown", status=404, number=number)
        return _verify_page(request, state="code_needed", status=200, number=number)
    if not is_code_shaped(code):
        return _verify_page(request, state="code_malformed", status=400, number=number)
    certificate = certificate_for_verification(number=number, code=code)
    if certificate is None:
        return _verify_page(request, state="no_match", status=404, number=number)
    facts = public_facts(certificate)
    return _verify_page(request, state=facts["status"], status=200, number=number, facts=facts)


def _verify_page(
    request: HttpRequest, *, state: str, status: int, number: str = "", facts: dict[str, Any] | None = None
) -> HttpResponse:
    context = {
        "state": state,
        "number": number,
        "facts": facts,
        "number_kept": number if state in NUMBER_KEPT else "",
    }
    response = render(request, "certificates/verify.html", context, status=status)
    # A document can be revoked at any moment: never answer from a cache.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
