"""The results of a complete application leave the administration: handed over at the window, or posted
to the resident with a tracking number. One service records either, for whoever may record it."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.accounts.models import User
from banshi.audit.services import event_record
from banshi.cases.events import EventType
from banshi.cases.models import Application, Task
from banshi.catalog.definition import BundleDef
from banshi.directory.selectors import agency_ids_for_officer, window_for_clerk
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.lib.text import text_field
from banshi.notify.services import notification_send

# The bundle field that holds the postal address; the answers that make it apply ask for post.
POSTAL_ADDRESS_FIELD = "delivery.address"
TRACKING_MAX = 40


def posts_results(spec: BundleDef, answers: dict[str, Any]) -> bool:
    return POSTAL_ADDRESS_FIELD in spec.plan(answers).fields


def _may_record(actor: User, application: Application, delivery: str) -> bool:
    """The clerk of the window that accepted a walk-in application records either way of delivery; an
    officer of an agency with a task in any application records a posting."""
    if application.channel == Application.Channel.WINDOW and application.window_id is not None:
        window = window_for_clerk(user=actor)
        if window is not None and window.pk == application.window_id:
            return True
    if delivery == Application.ResultDelivery.POST:
        agency_ids = agency_ids_for_officer(user=actor)
        return Task.objects.filter(application_id=application.pk, agency_id__in=agency_ids).exists()
    return False


def application_results_sent(
    *, actor: User, application_id: int, delivery: Any, tracking_number: Any = ""
) -> Application:
    """Record that a complete application's results left: handed to the resident at the window, or
    posted with a tracking number (the resident is told)."""
    D = Application.ResultDelivery
    if delivery not in D.values:
        raise FieldErrors({"delivery": _("is not one of the choices")})
    tracking_number = text_field(
        tracking_number if isinstance(tracking_number, str) else "",
        field="tracking_number",
        limit=TRACKING_MAX,
    )
    if delivery == D.POST and not tracking_number:
        raise FieldErrors({"tracking_number": _("is required when the results are posted")})
    if delivery == D.WINDOW:
        tracking_number = ""
    now = timezone.now()
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("applicant")
            .filter(pk=application_id)
            .first()
        )
        if application is None or not _may_record(actor, application, delivery):
            raise NotFound
        by_window = application.channel == Application.Channel.WINDOW
        if not by_window and application.result_delivery != D.POST:
            raise Conflict(_("The resident collects the results of this application at the window."))
        if application.status != Application.Status.COMPLETE:
            raise Conflict(_("Only a complete application's results can be handed over."))
        if application.handed_over_at is not None:
            raise Conflict(_("The results of this application were already handed over."))
        application.result_delivery = delivery
        application.tracking_number = tracking_number
        application.handed_over_at = now
        application.save(update_fields=["result_delivery", "tracking_number", "handed_over_at"])
        event_record(
            actor=actor,
            subject=application,
            event_type=EventType.APPLICATION_POSTED
            if delivery == D.POST
            else EventType.APPLICATION_HANDED_OVER,
            new_state=delivery,
            extra={"window": application.window_id, "delivery": delivery},
            at=now,
        )
        if delivery == D.POST:
            notification_send(
                user=application.applicant,
                title=_("The certificates of application %(number)s were posted")
                % {"number": application.number},
                body=_("Tracking number: %(tracking)s") % {"tracking": tracking_number},
                url=application.get_absolute_url(),
            )
    return application
