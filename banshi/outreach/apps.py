from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "banshi.outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        from banshi.directory.roles import role_provider_register
        from banshi.outreach.roles import lectures_places, videos_places

        # Lecture programmes' organisers (and supervisors' quota table), then story videos' moderators.
        role_provider_register(lectures_places)
        role_provider_register(videos_places)
