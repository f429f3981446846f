from banshi.cases.services.correct import application_correct
from banshi.cases.services.decide import (
    application_reject,
    task_approve,
    task_claim,
    task_reject,
    task_release,
    task_return,
)
from banshi.cases.services.delivery import application_results_sent
from banshi.cases.services.materials import upload_create
from banshi.cases.services.submit import application_submit, application_submit_online

__all__ = [
    "application_correct",
    "application_reject",
    "application_results_sent",
    "application_submit",
    "application_submit_online",
    "task_approve",
    "task_claim",
    "task_reject",
    "task_release",
    "task_return",
    "upload_create",
]
