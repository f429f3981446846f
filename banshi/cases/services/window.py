"""What a window clerk (综合窗口) does for a walk-in resident: open an account for them, submit the one
form on their behalf once they confirm it with a code sent to their phone."""

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from banshi.accounts.models import User
from banshi.audit.services import event_record
from banshi.cases.events import EventType
from banshi.cases.models import Application, WindowConfirmation
from banshi.cases.selectors import identity_token
from banshi.cases.services.submit import application_repeated, application_submit, submission_digest
from banshi.catalog.selectors import bundle_open
from banshi.directory.models import Window
from banshi.lib import codes
from banshi.lib.errors import Conflict, FieldErrors
from banshi.lib.personal import normalise_phone, phone_problem
from banshi.lib.text import ascii_digits, text_field
from banshi.notify.services import sms_send


def resident_create(*, actor: User, window: Window, phone: str, display_name: str) -> User:
    """An account for a resident who has none, opened by a clerk. It has no usable password; the
    resident can set one later."""
    phone = normalise_phone(phone or "")
    errors = {}
    if problem := phone_problem(phone):
        errors["phone"] = _(problem)
    try:
        display_name = text_field(display_name, field="display_name", limit=60, required=True)
    except FieldErrors as problem:
        errors |= problem.errors
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        if User.objects.filter(phone=phone).exists() or User.objects.filter(username=phone).exists():
            raise FieldErrors({"phone": _("is already registered")})
        user = User(username=User.normalize_username(phone), phone=phone, display_name=display_name)
        user.set_unusable_password()
        # ON CONFLICT DO NOTHING: two clerks opening the same resident's account at once get one
        # account and a message, never a failed INSERT, whose values (the phone number and the name)
        # the database server would write to its log. The unusable password is random: the row that
        # carries it is this one.
        User.objects.bulk_create([user], ignore_conflicts=True)
        created = User.objects.filter(username=user.username, password=user.password).first()
        if created is None:
            raise FieldErrors({"phone": _("is already registered")})
        user = created
        event_record(
            actor=actor,
            subject=user,
            event_type=EventType.USER_CREATED_AT_WINDOW,
            extra={"window": window.pk},
        )
    return user


def _draft_digest(*, bundle_code: str, answers: Any, values: Any, materials: Any) -> str:
    payload = {"bundle": bundle_code, "answers": answers, "values": values, "materials": materials}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _code_digest(token: str, code: str) -> str:
    return codes.code_digest("banshi.cases.window_confirmation", token, code)


def _latest_confirmation(*, actor: User, applicant: User, token: str) -> QuerySet[WindowConfirmation]:
    return WindowConfirmation.objects.filter(clerk=actor, applicant=applicant, token=token).order_by(
        "-created_at", "-id"
    )


def _code_send(
    *,
    actor: User,
    window: Window,
    resident: User,
    token: str,
    draft_digest: str,
    extra: dict[str, Any],
    message: Callable[[str], str],
) -> WindowConfirmation:
    """Text the resident a new code for `token` (at most one a minute, within the daily caps), kept as
    a confirmation of `draft_digest`, audited; `message` writes the text around the code."""
    if not resident.phone:
        raise Conflict(_("The resident has no mobile number to send a code to."))
    now = timezone.now()
    last = (
        _latest_confirmation(actor=actor, applicant=resident, token=token)
        .filter(used_at__isnull=True)
        .first()
    )
    if codes.sent_too_recently(last, now):
        raise Conflict(_("A code was sent less than a minute ago. Wait a moment before sending another."))
    if refused := codes.send_refused(resident.phone, now):
        raise Conflict(refused)
    code = codes.code_new()
    with transaction.atomic():
        confirmation = WindowConfirmation.objects.create(
            clerk=actor,
            applicant=resident,
            window=window,
            token=token,
            draft_digest=draft_digest,
            code_digest=_code_digest(token, code),
            created_at=now,
            expires_at=now + codes.LIFETIME,
        )
        event_record(
            actor=actor,
            subject=confirmation,
            event_type=EventType.WINDOW_CONFIRMATION_SENT,
            extra={"window": window.pk, **extra},
            at=now,
        )
        sms_send(phone=resident.phone, text=message(code), valid_until=confirmation.expires_at)
    return confirmation


def confirmation_code_send(
    *,
    actor: User,
    window: Window,
    applicant: User,
    bundle_code: str,
    answers: Any,
    values: Any,
    materials: Any,
    idempotency_key: str,
) -> WindowConfirmation:
    """Text a 6-digit code to the resident, valid for the application exactly as it is now. The code
    itself is only in the text message."""
    if not applicant.phone:
        raise Conflict(_("The resident has no mobile number to send a code to."))
    bundle = bundle_open(code=bundle_code)
    if bundle is None:
        raise FieldErrors({"bundle": _("is not an open bundle")})
    name = bundle.current_spec.name

    def message(code: str) -> str:
        return _(
            "Banshi: your confirmation code is %(code)s. Tell it to the clerk of %(window)s only if you "
            "want to send the application “%(bundle)s”. It is valid for %(minutes)d minutes."
        ) % {"code": code, "window": window.name, "bundle": name, "minutes": codes.LIFETIME_MINUTES}

    return _code_send(
        actor=actor,
        window=window,
        resident=applicant,
        token=(idempotency_key or "")[:80],
        draft_digest=_draft_digest(
            bundle_code=bundle_code, answers=answers, values=values, materials=materials
        ),
        extra={"bundle": bundle_code},
        message=message,
    )


def _code_problem(
    confirmation: WindowConfirmation, *, code: str, draft_digest: str, phone: str, actor: User, now: datetime
) -> str | None:
    """Why the code does not confirm the application, counting a wrong try; None when it does."""
    changed = not constant_time_compare(draft_digest, confirmation.draft_digest)
    verdict = codes.code_check(
        confirmation,
        offered=_code_digest(confirmation.token, ascii_digits(code.strip())),
        kept=confirmation.code_digest,
        phone=phone,
        now=now,
        refused=_("was sent before the application was changed: send a new code") if changed else None,
    )
    if verdict.locked:
        event_record(
            actor=actor, subject=confirmation, event_type=EventType.WINDOW_CONFIRMATION_LOCKED, at=now
        )
    return verdict.problem


def application_submit_at_window(
    *,
    actor: User,
    window: Window,
    applicant: User,
    code: str,
    bundle_code: str,
    answers: Any,
    values: Any,
    materials: Any,
    idempotency_key: str,
) -> Application:
    """Submit the application a clerk filled in for a resident, once the resident has given the code
    sent to their phone. A wrong code is counted and writes nothing else; a repeated request after
    success returns the same application."""
    token = (idempotency_key or "")[:80]
    digest = _draft_digest(bundle_code=bundle_code, answers=answers, values=values, materials=materials)
    now = timezone.now()
    with transaction.atomic():
        confirmation = (
            _latest_confirmation(actor=actor, applicant=applicant, token=token).select_for_update().first()
        )
        if confirmation is not None and confirmation.used_at is not None:
            existing = Application.objects.filter(applicant=applicant, idempotency_key=token).first()
            if existing is not None:
                return application_repeated(
                    existing,
                    digest=submission_digest(
                        bundle_code=bundle_code, answers=answers, values=values, materials=materials
                    ),
                )
        problem: str | None
        if confirmation is None or confirmation.used_at is not None or confirmation.window_id != window.pk:
            problem = _("has not been sent yet: send a code first")
        else:
            problem = _code_problem(
                confirmation,
                code=code,
                draft_digest=digest,
                phone=applicant.phone or "",
                actor=actor,
                now=now,
            )
        if problem is None and confirmation is not None:
            application = application_submit(
                actor=actor,
                applicant=applicant,
                bundle_code=bundle_code,
                answers=answers,
                values=values,
                materials=materials,
                idempotency_key=token,
                channel=Application.Channel.WINDOW,
                window=window,
            )
            application.confirmed_at = now
            application.save(update_fields=["confirmed_at"])
            confirmation.used_at = now
            confirmation.save(update_fields=["used_at"])
            event_record(
                actor=actor,
                subject=application,
                event_type=EventType.APPLICATION_CONFIRMED,
                extra={"window": window.pk, "confirmation": confirmation.pk},
                at=now,
            )
            return application
    # Raised after the block, so that the counted attempt is kept.
    raise FieldErrors({"code": problem or ""})


_IDENTITY = "identity"


def _identity_token(resident: User) -> str:
    return identity_token(resident.pk)


def identity_code_send(*, actor: User, window: Window, resident: User) -> WindowConfirmation:
    """Text the resident at the counter a code: read out to the clerk, it shows the clerk the resident's
    own details in full (masked until then)."""

    def message(code: str) -> str:
        return _(
            "Banshi: your code is %(code)s. Tell it to the clerk of %(window)s only if you want them to "
            "see your details and applications in full. It is valid for %(minutes)d minutes."
        ) % {"code": code, "window": window.name, "minutes": codes.LIFETIME_MINUTES}

    return _code_send(
        actor=actor,
        window=window,
        resident=resident,
        token=_identity_token(resident),
        draft_digest=_IDENTITY,
        extra={"purpose": _IDENTITY},
        message=message,
    )


def identity_confirm(*, actor: User, window: Window, resident: User, code: Any) -> WindowConfirmation:
    """The code the resident read out: right, it opens the clerk's full view of them for
    `IDENTITY_VIEW_LASTS`; wrong, it is counted like every code (and writes nothing else)."""
    code = code if isinstance(code, str) else ""
    now = timezone.now()
    with transaction.atomic():
        confirmation = (
            _latest_confirmation(actor=actor, applicant=resident, token=_identity_token(resident))
            .select_for_update()
            .first()
        )
        problem: str | None
        if confirmation is None or confirmation.used_at is not None or confirmation.window_id != window.pk:
            problem = _("has not been sent yet: send a code first")
        else:
            problem = _code_problem(
                confirmation,
                code=code,
                draft_digest=_IDENTITY,
                phone=resident.phone or "",
                actor=actor,
                now=now,
            )
        if problem is None and confirmation is not None:
            confirmation.used_at = now
            confirmation.save(update_fields=["used_at"])
            event_record(
                actor=actor,
                subject=confirmation,
                event_type=EventType.WINDOW_IDENTITY_CONFIRMED,
                extra={"window": window.pk, "resident": resident.pk},
                at=now,
            )
            return confirmation
    raise FieldErrors({"code": problem or ""})
