from django.contrib import admin

from banshi.audit.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "event_type",
        "subject_type",
        "subject_id",
        "actor",
        "old_state",
        "new_state",
    ]
    list_filter = ["event_type", "subject_type"]
    search_fields = ["subject_id", "event_type"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
