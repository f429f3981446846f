from banshi.cases.services.correct import application_correct
from banshi.cases.services.decide import (
    application_reject,
    task_approve,
    task_claim,
    task_reject,
    task_release,
    task_return,
)
from banshi.cases.services.delivery import application_delivery_set, application_results_sent
from banshi.cases.services.materials import upload_create
from banshi.cases.services.submit import application_submit, application_submit_online
from banshi.cases.services.withdraw import application_withdraw

__all__ = [
    "application_correct",
    "application_delivery_set",
    "application_reject",
    "application_results_sent",
    "application_submit",
    "application_submit_online",
    "application_withdraw",
    "task_approve",
    "task_claim",
    "task_reject",
    "task_release",
    "task_return",
    "upload_create",
]
