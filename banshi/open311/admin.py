from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from banshi.accounts.models import User
from banshi.open311.models import ApiClient
from banshi.open311.services import api_key_issue, api_key_revoke


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """A client is added by its name alone: the key is made then and shown once, in the message of the
    page that follows; only its digest is kept. A key is revoked by the action, never edited."""

    list_display = ["name", "active", "created_at", "revoked_at"]
    list_filter = ["active"]
    search_fields = ["name"]
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: ApiClient | None = None) -> Any:
        return ["name"] if obj is None else ["name", "active", "created_at", "revoked_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiClient | None = None) -> list[str]:
        return [] if obj is None else ["name", "active", "created_at", "revoked_at"]

    def has_change_permission(self, request: HttpRequest, obj: ApiClient | None = None) -> bool:
        # The list and its revoke action only; a client's own page is read-only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: ApiClient | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        key, client = api_key_issue(actor=cast(User, request.user), name=form.cleaned_data["name"])
        obj.pk, obj.digest, obj.created_at = client.pk, client.digest, client.created_at
        messages.warning(
            request,
            _("The API key of %(name)s, shown this once (copy it now; only its digest is kept): %(key)s")
            % {"name": client.name, "key": key},
        )

    @admin.action(description=gettext_lazy("Revoke the keys of the selected clients"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        revoked = 0
        for client in queryset.filter(active=True):
            api_key_revoke(actor=cast(User, request.user), client_id=client.pk)
            revoked += 1
        self.message_user(
            request,
            ngettext("%(count)d key was revoked.", "%(count)d keys were revoked.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )
