"""How the results of an application reach the resident, whatever the channel it came by: collected at
the window, or posted to a full postal address (recipient, mobile number, address, postcode). The resident
(or the clerk of the window that accepted it) chooses and can change it until the results leave; then they
are handed over at the window, or posted with a tracking number the resident is texted. One service
records either, for whoever may record it."""

import re
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
from banshi.lib.personal import normalise_phone, phone_problem
from banshi.lib.text import ascii_digits, text_field
from banshi.notify.services import notification_send

# The bundle field that holds the postal address; the answers that make it apply ask for post.
POSTAL_ADDRESS_FIELD = "delivery.address"
TRACKING_MAX = 40
RECIPIENT_MAX = 30
ADDRESS_MAX = 200
_POSTCODE = re.compile(r"^[0-9]{6}$")


def posts_results(spec: BundleDef, answers: dict[str, Any]) -> bool:
    return POSTAL_ADDRESS_FIELD in spec.plan(answers).fields


def delivery_at_submission(
    spec: BundleDef, answers: dict[str, Any], values: dict[str, Any], applicant: User
) -> dict[str, str]:
    """The delivery an application starts with, from the answers of its form: by post when they ask for
    it, to the address typed there, the applicant named as recipient with their mobile number. The
    postcode the form does not ask is given on the status page before anything is posted."""
    if not posts_results(spec, answers):
        return {"result_delivery": Application.ResultDelivery.WINDOW}
    return {
        "result_delivery": Application.ResultDelivery.POST,
        "post_recipient": (applicant.display_name or "")[:RECIPIENT_MAX],
        "post_phone": (applicant.phone or "")[:11],
        "post_address": str(values.get(POSTAL_ADDRESS_FIELD) or "")[:ADDRESS_MAX],
    }


def _clean_address(recipient: Any, phone: Any, address: Any, postcode: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for key, value, limit in (("recipient", recipient, RECIPIENT_MAX), ("address", address, ADDRESS_MAX)):
        try:
            clean[key] = text_field(
                value if isinstance(value, str) else "", field=key, limit=limit, required=True
            )
        except FieldErrors as exc:
            errors |= exc.errors
    if "address" in clean and len(clean["address"]) < 5:
        errors["address"] = _("is too short to be a full address")
    phone_text = phone if isinstance(phone, str) else ""
    if not phone_text.strip():
        errors["phone"] = _("is required")
    elif problem := phone_problem(phone_text):
        errors["phone"] = _(problem)
    else:
        clean["phone"] = normalise_phone(phone_text)
    postcode_text = ascii_digits(postcode.strip()) if isinstance(postcode, str) else ""
    if not postcode_text:
        errors["postcode"] = _("is required")
    elif not _POSTCODE.match(postcode_text):
        errors["postcode"] = _("must be the 6 digits of a postcode")
    else:
        clean["postcode"] = postcode_text
    if errors:
        raise FieldErrors(errors)
    return clean


def _may_choose(actor: User, application: Application) -> bool:
    if application.applicant_id == actor.pk:
        return True
    if application.channel == Application.Channel.WINDOW and application.window_id is not None:
        window = window_for_clerk(user=actor)
        return window is not None and window.pk == application.window_id
    return False


def application_delivery_set(
    *,
    actor: User,
    application_id: int,
    delivery: Any,
    recipient: Any = "",
    phone: Any = "",
    address: Any = "",
    postcode: Any = "",
) -> Application:
    """Choose how the results reach the resident: collected at the window, or posted to a full postal
    address. Until they leave, whatever the channel the application came by."""
    D = Application.ResultDelivery
    if delivery not in D.values:
        raise FieldErrors({"delivery": _("is not one of the choices")})
    clean = _clean_address(recipient, phone, address, postcode) if delivery == D.POST else {}
    with transaction.atomic():
        now = timezone.now()
        application = Application.objects.select_for_update(of=("self",)).filter(pk=application_id).first()
        if application is None or not _may_choose(actor, application):
            raise NotFound
        if application.handed_over_at is not None:
            raise Conflict(_("The results of this application were already handed over."))
        if application.status not in (*Application.OPEN, Application.Status.COMPLETE):
            raise Conflict(_("This application has no results to deliver."))
        old = application.result_delivery
        application.result_delivery = delivery
        application.post_recipient = clean.get("recipient", "")
        application.post_phone = clean.get("phone", "")
        application.post_address = clean.get("address", "")
        application.post_postcode = clean.get("postcode", "")
        application.save(
            update_fields=[
                "result_delivery",
                "post_recipient",
                "post_phone",
                "post_address",
                "post_postcode",
            ]
        )
        # The address is personal data: it stays on the application, out of the audit log.
        event_record(
            actor=actor,
            subject=application,
            event_type=EventType.APPLICATION_DELIVERY_SET,
            old_state=old,
            new_state=delivery,
            at=now,
        )
    return application


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
        if delivery == D.POST and not application.postal_address_complete:
            raise Conflict(_("The postal address of this application is not complete yet."))
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
