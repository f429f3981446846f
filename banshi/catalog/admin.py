from django.contrib import admin

from banshi.catalog.models import Bundle, BundleVersion


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):
    list_display = ["code", "active", "current"]
    list_editable = ["active"]
    readonly_fields = ["current"]


@admin.register(BundleVersion)
class BundleVersionAdmin(admin.ModelAdmin):
    list_display = ["bundle", "digest", "loaded_at"]
    readonly_fields = ["bundle", "digest", "definition", "loaded_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
