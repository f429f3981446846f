from typing import cast

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from banshi.accounts.models import ApiToken, User
from banshi.accounts.services import api_token_revoke, user_password_changed


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "phone", "is_staff", "is_active"]
    search_fields = ["username", "display_name", "phone"]
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), (_("Resident"), {"fields": ["phone", "display_name"]}))

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Django's page, then, if the password did change (or was removed), the account's API tokens
        are revoked and the change is audited, in the same transaction. Its sessions end by themselves:
        each carries a hash of the password."""
        with transaction.atomic():
            user = self.get_object(request, unquote(id))
            before = user.password if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None:
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    user_password_changed(actor=cast(User, request.user), user=user)
        return response


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued through the API and only revoked here, through the service (audited)."""

    list_display = ["id", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "expires_at")
    search_fields = ["user__username", "user__phone", "user__display_name"]
    list_select_related = ["user"]
    fields = ("user", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        # The list and its revoke action only; a token's own page is read-only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(actor=cast(User, request.user), token_id=token.pk)
            revoked += 1
        self.message_user(
            request,
            ngettext("%(count)d token was revoked.", "%(count)d tokens were revoked.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )
