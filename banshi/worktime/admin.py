from django.contrib import admin

from banshi.worktime.events import EventType
from banshi.worktime.models import CalendarOverride
from banshi.worktime.services import override_audit


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Holidays and make-up working days, consulted before the chinese-calendar package. A day
    entered twice, or as both a holiday and a working day, is refused by the model's clean()."""

    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        event_type = EventType.CALENDAR_OVERRIDE_CHANGED if change else EventType.CALENDAR_OVERRIDE_SET
        override_audit(actor=request.user, override=obj, event_type=event_type)

    def delete_model(self, request, obj):
        override_audit(actor=request.user, override=obj, event_type=EventType.CALENDAR_OVERRIDE_DELETED)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            override_audit(actor=request.user, override=obj, event_type=EventType.CALENDAR_OVERRIDE_DELETED)
        super().delete_queryset(request, queryset)
