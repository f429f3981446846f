from django.contrib import admin
from django.http import HttpRequest

from banshi.outreach.models import Campaign, CampaignClass, StoryVideo, VideoModerator

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
