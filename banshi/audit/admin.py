from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from banshi.audit.models import Access, Event


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


@admin.register(Access)
class AccessAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "actor",
        "resident",
        "kind",
        "purpose",
        "via",
        "application_id",
        "task_id",
        "upload_id",
        "certificate_id",
        "call_id",
    ]
    list_filter = ["kind", "purpose", "via"]
    list_select_related = ["actor", "resident"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Access | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Access | None = None) -> bool:
        return False
