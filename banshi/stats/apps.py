from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "banshi.stats"
    verbose_name = _("Open numbers")

    def ready(self) -> None:
        # The figures register themselves when their modules are imported.
        from banshi.stats import figures  # noqa: F401
