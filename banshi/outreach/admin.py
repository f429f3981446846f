from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from banshi.outreach.models import (
    Campaign,
    CampaignClass,
    Lecture,
    Organiser,
    OrganiserUnit,
    Programme,
    Quota,
    Speaker,
    StoryVideo,
    VideoModerator,
)

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


# --- story videos ----------------------------------------------------------------------------------------


class CampaignClassInline(admin.TabularInline):
    model = CampaignClass
    extra = 1


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "open", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CampaignClassInline]


@admin.register(VideoModerator)
class VideoModeratorAdmin(admin.ModelAdmin):
    list_display = ["user", "campaign"]
    raw_id_fields = ["user"]


@admin.register(StoryVideo)
class StoryVideoAdmin(admin.ModelAdmin):
    """Read only: a video moves through its services (upload, worker, moderation), never by hand."""

    list_display = ["key", "campaign", "school_class", "status", "created_at"]
    list_filter = ["status", "campaign"]
    readonly_fields = [field.name for field in StoryVideo._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
