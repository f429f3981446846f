from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "banshi.outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        from banshi.directory.roles import role_provider_register
        from banshi.outreach.roles import lectures_places

        # Lecture programmes' organisers.
        role_provider_register(lectures_places)
