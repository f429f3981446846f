from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "banshi.projects"
    verbose_name = _("Livelihood projects")

    def ready(self) -> None:
        from banshi.directory.roles import role_provider_register
        from banshi.projects.participation_roles import participation_places
        from banshi.projects.roles import projects_places

        role_provider_register(projects_places)
        role_provider_register(participation_places)
