from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "banshi.problems"
    verbose_name = _("Residents' problems")

    def ready(self) -> None:
        from banshi.directory.roles import role_provider_register
        from banshi.problems.roles import problems_places

        role_provider_register(problems_places)
