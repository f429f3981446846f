from banshi.cases import services
from banshi.cases.models import Task


def task_of(application, service: str) -> Task:
    return Task.objects.get(application=application, service=service)


def approve(officer, application, service: str, **outputs) -> Task:
    task = task_of(application, service)
    services.task_claim(actor=officer, task_id=task.id)
    return services.task_approve(actor=officer, task_id=task.id, outputs=outputs)


def work_everything(application, officers) -> None:
    """Let each agency approve whatever is ready until nothing is."""
    for _ in range(20):
        ready = list(
            Task.objects.filter(application=application, status=Task.Status.READY).select_related("agency")
        )
        if not ready:
            return
        for task in ready:
            officer = officers[task.agency.code]
            services.task_claim(actor=officer, task_id=task.id)
            services.task_approve(actor=officer, task_id=task.id)
