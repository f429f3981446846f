"""The applicant takes an application back, with a reason, while no officer has approved a service of
it: its open tasks are cancelled, and the documents the rules issued automatically are revoked."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.accounts.models import User
from banshi.audit.services import event_build
from banshi.cases.events import EventType
from banshi.cases.models import Application, Task
from banshi.cases.services.flow import lock_application, subject_release, write_events
from banshi.certificates.services import certificates_revoke_for_application
from banshi.lib.errors import Conflict, NotFound
from banshi.lib.states import check_move
from banshi.lib.text import text_field
from banshi.notify.services import notification_send

S = Task.Status
WITHDRAW_REASON_MAX = 500


def approved_by_officer(tasks: list[Task]) -> bool:
    """Whether an officer approved a service: the worker's automatic approvals name no officer and do
    not count (their documents are revoked with the withdrawal)."""
    return any(task.status == S.APPROVED and task.claimed_by_id is not None for task in tasks)


def may_withdraw(application: Application, tasks: list[Task]) -> bool:
    return application.status in Application.OPEN and not approved_by_officer(tasks)


def application_withdraw(*, actor: User, application_id: int, reason: Any) -> Application:
    """The applicant withdraws their own application. Conflict once an officer approved a service or
    the application is finished."""
    reason = text_field(reason, field="reason", limit=WITHDRAW_REASON_MAX, required=True, multiline=True)
    with transaction.atomic():
        now = timezone.now()
        if not Application.objects.filter(pk=application_id, applicant=actor).exists():
            raise NotFound()
        application, tasks = lock_application(application_id)
        if application.status not in Application.OPEN:
            raise Conflict(_("This application is finished and can no longer be withdrawn."))
        if approved_by_officer(tasks):
            raise Conflict(_("A service of this application was approved: it can no longer be withdrawn."))
        old = application.status
        check_move(Application, old, Application.Status.WITHDRAWN)
        events = []
        holders = {
            task.claimed_by_id: task for task in tasks if task.status == S.CLAIMED and task.claimed_by_id
        }
        for task in tasks:
            if task.status not in Task.OPEN:
                continue
            check_move(Task, task.status, S.CANCELLED)
            task_old = task.status
            task.status, task.decided_at = S.CANCELLED, now
            task.decision_reason = _("the applicant withdrew the application")
            task.paused_at, task.paused_remaining = None, None
            task.save(
                update_fields=["status", "decided_at", "decision_reason", "paused_at", "paused_remaining"]
            )
            events.append(
                event_build(
                    actor=actor,
                    subject=task,
                    event_type=EventType.TASK_CANCELLED,
                    old_state=task_old,
                    new_state=S.CANCELLED,
                    at=now,
                    extra={"withdrawn": True},
                )
            )
        application.status = Application.Status.WITHDRAWN
        application.withdrawn_reason = reason
        application.completed_at = now
        application.save(update_fields=["status", "withdrawn_reason", "completed_at"])
        events.insert(
            0,
            event_build(
                actor=actor,
                subject=application,
                event_type=EventType.APPLICATION_WITHDRAWN,
                old_state=old,
                new_state=Application.Status.WITHDRAWN,
                at=now,
                reason=reason,
            ),
        )
        events += certificates_revoke_for_application(
            application=application, actor=actor, reason=_("The application was withdrawn."), now=now
        )
        write_events(events)
        subject_release(application)  # the baby may be applied for again
        for task in holders.values():  # an officer at work on it stops now
            if task.claimed_by is not None:
                notification_send(
                    user=task.claimed_by,
                    title=_("Application %(number)s was withdrawn") % {"number": application.number},
                    body=str(task.spec.name),
                    url=task.get_absolute_url(),
                )
    return application
