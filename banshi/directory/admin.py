from django.contrib import admin

from banshi.directory.models import Agency, Area, Membership, Window


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent"]
    search_fields = ["code", "name"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    # Twelve thousand areas with the streets and communities: picked by search, not from a list.
    autocomplete_fields = ["parent"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "area"]
    search_fields = ["code", "name_zh", "name_en"]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area"]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "agency", "window"]
    list_filter = ["role", "agency"]
    autocomplete_fields = ["user"]
