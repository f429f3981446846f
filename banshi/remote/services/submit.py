"""Zero trips to the end: the application whose documents a clerk accepted on a video call is sent
from home, and its results are posted to the resident, the officer recording the tracking number."""

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.audit.services import event_record
from banshi.cases.models import Application, Task
from banshi.cases.services.submit import application_submit
from banshi.catalog.selectors import bundle_open
from banshi.directory.selectors import agency_ids_for_officer
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.notify.services import notification_send
from banshi.remote.models import CallSession
from banshi.remote.selectors import prereview_passed

# The bundle field that holds the postal address; the answers that make it apply ask for post.
POSTAL_ADDRESS_FIELD = "delivery.address"
TRACKING_MAX = 40


def posts_results(spec, answers: dict) -> bool:
    return POSTAL_ADDRESS_FIELD in spec.plan(answers).fields


def application_submit_after_call(
    *, actor, session_id: int, answers: Any, values: Any, materials: Any, idempotency_key: str = ""
) -> Application:
    """Send the application whose documents were all accepted on the resident's finished video call:
    channel "video", the call's window, results by post when the answers chose post. The call is
    linked to the application; a call's pre-review is used for one application only."""
    with transaction.atomic():
        session = (
            CallSession.objects.select_for_update(of=("self",))
            .select_related("window")
            .filter(pk=session_id, resident_id=getattr(actor, "pk", None))
            .first()
        )
        if session is None:
            raise NotFound
        if session.application_id is not None:
            existing = Application.objects.filter(pk=session.application_id).first()
            if existing is not None and idempotency_key and existing.idempotency_key == idempotency_key[:80]:
                return existing
            raise Conflict(_("The pre-review of this call was already used for another application."))
        bundle = bundle_open(code=session.draft.get("bundle") or "")
        if (
            session.status != CallSession.Status.ENDED
            or bundle is None
            or not isinstance(answers, dict)
            or not isinstance(materials, dict)
            or not prereview_passed(session, spec=bundle.current.spec, answers=answers, materials=materials)
        ):
            raise Conflict(_("Not every document of this application was accepted on the video call."))
        application = application_submit(
            actor=actor,
            applicant=actor,
            bundle_code=bundle.code,
            answers=answers,
            values=values,
            materials=materials,
            idempotency_key=idempotency_key,
            channel=Application.Channel.VIDEO,
            window=session.window,
        )
        if posts_results(application.spec, application.answers):
            application.result_delivery = Application.ResultDelivery.POST
            application.save(update_fields=["result_delivery"])
        session.application = application
        session.save(update_fields=["application"])
        event_record(
            actor=actor,
            subject=session,
            event_type="call.application_sent",
            extra={"application": application.number, "delivery": application.result_delivery},
        )
    return application


def application_post(*, actor, application_id: int, tracking_number: Any) -> Application:
    """An officer of an agency with a task in the application records that its results were posted,
    with the tracking number; the resident is told."""
    tracking_number = tracking_number.strip() if isinstance(tracking_number, str) else ""
    if not tracking_number:
        raise FieldErrors({"tracking_number": _("is required when the results are posted")})
    if len(tracking_number) > TRACKING_MAX:
        raise FieldErrors({"tracking_number": _("must be at most 40 characters")})
    agency_ids = agency_ids_for_officer(user=actor)
    if not Task.objects.filter(application_id=application_id, agency_id__in=agency_ids).exists():
        raise NotFound
    now = timezone.now()
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("applicant")
            .filter(pk=application_id)
            .first()
        )
        if application is None:
            raise NotFound
        if application.result_delivery != Application.ResultDelivery.POST:
            raise Conflict(_("The resident collects the results of this application at the window."))
        if application.status != Application.Status.COMPLETE:
            raise Conflict(_("Only a complete application's results can be posted."))
        if application.handed_over_at is not None:
            raise Conflict(_("The results of this application were already posted."))
        application.tracking_number = tracking_number
        application.handed_over_at = now
        application.save(update_fields=["tracking_number", "handed_over_at"])
        event_record(
            actor=actor,
            subject=application,
            event_type="application.posted",
            new_state=Application.ResultDelivery.POST,
            extra={"delivery": Application.ResultDelivery.POST},
            at=now,
        )
        notification_send(
            user=application.applicant,
            title=_("The certificates of application %(number)s were posted")
            % {"number": application.number},
            body=_("Tracking number: %(tracking)s") % {"tracking": tracking_number},
            url=reverse("application_detail", args=[application.number]),
        )
    return application
