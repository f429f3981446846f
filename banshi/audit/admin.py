from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
