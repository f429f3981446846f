from banshi.cases.models import Application, Task


def test_a_newborn_application_runs_from_submission_to_complete(submit, officers):
    from banshi.cases import services

    application = submit()
    statuses = {t.service: t.status for t in application.tasks.all()}
    assert statuses["birth_medical_certificate"] == Task.Status.READY
    assert statuses["hukou_registration"] == Task.Status.WAITING
    for _ in range(10):
        ready = Task.objects.filter(application=application, status=Task.Status.READY).select_related("agency")
        if not ready:
            break
        for task in ready:
            officer = officers[task.agency.code]
            services.task_claim(actor=officer, task_id=task.id)
            services.task_approve(actor=officer, task_id=task.id)
    application.refresh_from_db()
    assert application.status == Application.Status.COMPLETE
