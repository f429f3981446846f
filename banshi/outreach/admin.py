from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from banshi.outreach.models import Lecture, Organiser, OrganiserUnit, Programme, Quota, Speaker

# --- lecture programmes: read-only lists; every change goes through the organiser's pages (audited) ---


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OrganiserUnit)
class OrganiserUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "area"]
    raw_id_fields = ["area"]


@admin.register(Organiser)
class OrganiserAdmin(admin.ModelAdmin):
    list_display = ["user", "unit"]
    raw_id_fields = ["user"]


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["name", "unit", "starts_on"]


@admin.register(Speaker)
class SpeakerAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "programme"]


@admin.register(Quota)
class QuotaAdmin(ReadOnlyAdmin):
    list_display = ["programme", "kind", "minimum"]


@admin.register(Lecture)
class LectureAdmin(ReadOnlyAdmin):
    list_display = ["topic", "programme", "starts_at", "status"]
    list_filter = ["status", "venue_kind"]
