from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class WorktimeConfig(AppConfig):
    name = "banshi.worktime"
    verbose_name = _("Working calendar")

    def ready(self) -> None:
        from banshi.worktime.calendar import clear_calendar_cache
        from banshi.worktime.models import CalendarOverride

        post_save.connect(
            clear_calendar_cache, sender=CalendarOverride, dispatch_uid="calendar-override-save"
        )
        post_delete.connect(
            clear_calendar_cache, sender=CalendarOverride, dispatch_uid="calendar-override-delete"
        )
