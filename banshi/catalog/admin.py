from collections.abc import Callable
from typing import Any, cast

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from banshi.accounts.models import User
from banshi.catalog.models import Bundle, BundleVersion
from banshi.catalog.services import bundle_close_for_applications, bundle_open_for_applications


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):
    """Bundles come from the bundle files (`manage.py load_catalog`); here they are only opened or
    closed for applications, through the services that audit it."""

    list_display = ["code", "active", "current"]
    readonly_fields = ["code", "active", "current"]
    actions = ["open_for_applications", "close_for_applications"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.action(description=_("Open the selected bundles for applications"), permissions=["change"])
    def open_for_applications(self, request: HttpRequest, queryset: QuerySet[Bundle]) -> None:
        self._set(request, queryset, bundle_open_for_applications)

    @admin.action(description=_("Close the selected bundles for applications"), permissions=["change"])
    def close_for_applications(self, request: HttpRequest, queryset: QuerySet[Bundle]) -> None:
        self._set(request, queryset, bundle_close_for_applications)

    def _set(self, request: HttpRequest, queryset: QuerySet[Bundle], service: Callable[..., Any]) -> None:
        ids = list(queryset.values_list("id", flat=True))
        for bundle_id in ids:
            # Only signed-in staff reach the admin.
            service(actor=cast(User, request.user), bundle_id=bundle_id)
        count = len(ids)
        self.message_user(
            request,
            ngettext("%(count)d bundle updated.", "%(count)d bundles updated.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(BundleVersion)
class BundleVersionAdmin(admin.ModelAdmin):
    list_display = ["bundle", "digest", "loaded_at"]
    readonly_fields = ["bundle", "digest", "definition", "loaded_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
