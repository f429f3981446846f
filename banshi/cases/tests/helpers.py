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


def run_worker() -> None:
    """Run the task worker in this process until the queue is empty (what `make run` does in the
    background). Only in tests marked `django_db(transaction=True)`: the worker closes the connection
    between tasks, which the rolled-back transaction of an ordinary test cannot survive. The worker
    installs its own signal handlers; they are put back afterwards."""
    import io
    import signal

    from django.core.management import call_command

    names = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {name: signal.getsignal(name) for name in names}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0, stdout=io.StringIO())
    finally:
        for name, handler in saved.items():
            signal.signal(name, handler)
