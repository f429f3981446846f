from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "banshi.stats"
    verbose_name = _("Open numbers")

    def ready(self) -> None:
        from banshi.directory.roles import role_provider_register
        from banshi.stats import figures  # noqa: F401 (the figures register themselves)
        from banshi.stats.roles import numbers_places

        role_provider_register(numbers_places)
