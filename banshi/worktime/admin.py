from django.contrib import admin

from banshi.worktime.models import CalendarOverride
from banshi.worktime.services import calendar_override_change, calendar_override_delete, calendar_override_set


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Holidays and make-up working days, consulted before the chinese-calendar package. A day
    entered twice, or as both a holiday and a working day, is refused by the model's clean(). Every
    save and delete goes through the services, which audit it."""

    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        if change:
            saved = calendar_override_change(
                actor=request.user, override_id=obj.pk, day=obj.date, kind=obj.kind, name=obj.name
            )
        else:
            saved = calendar_override_set(actor=request.user, day=obj.date, kind=obj.kind, name=obj.name)
        obj.pk, obj.date, obj.kind, obj.name = saved.pk, saved.date, saved.kind, saved.name

    def delete_model(self, request, obj):
        calendar_override_delete(actor=request.user, day=obj.date)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            calendar_override_delete(actor=request.user, day=obj.date)
