"""Zero trips to the end: the application whose documents a clerk accepted on a video call is sent
from home, and its results are posted to the resident, the officer recording the tracking number."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from banshi.accounts.models import User
from banshi.audit.services import event_record
from banshi.cases.models import Application
from banshi.cases.services.delivery import posts_results
from banshi.cases.services.submit import application_repeated, application_submit, submission_digest
from banshi.catalog.selectors import bundle_open
from banshi.lib.errors import Conflict, NotFound
from banshi.remote.events import EventType
from banshi.remote.models import CallSession
from banshi.remote.selectors import prereview_passed


def application_submit_after_call(
    *, actor: User, session_id: int, answers: Any, values: Any, materials: Any, idempotency_key: str = ""
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
                digest = submission_digest(
                    bundle_code=existing.bundle.code, answers=answers, values=values, materials=materials
                )
                return application_repeated(existing, digest=digest)
            raise Conflict(_("The pre-review of this call was already used for another application."))
        bundle = bundle_open(code=session.draft.get("bundle") or "")
        if (
            session.status != CallSession.Status.ENDED
            or bundle is None
            or not isinstance(answers, dict)
            or not isinstance(materials, dict)
            or not prereview_passed(session, spec=bundle.current_spec, answers=answers, materials=materials)
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
            event_type=EventType.CALL_APPLICATION_SENT,
            extra={"application": application.number, "delivery": application.result_delivery},
        )
    return application
