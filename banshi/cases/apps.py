from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "banshi.cases"
    verbose_name = _("Applications")

    def ready(self) -> None:
        from banshi.cases.checks import tasks_backend_check

        checks.register(tasks_backend_check)
