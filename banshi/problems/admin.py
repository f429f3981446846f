from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from banshi.problems.models import Category, HotlineMember, RoutingRule, Tier, Unit, UnitMember
from banshi.problems.services.reference import reference_delete, reference_save

if TYPE_CHECKING:
    from banshi.accounts.models import User


def _staff(request: HttpRequest) -> User:
    # Only signed-in staff reach the admin.
    return cast("User", request.user)


class AuditedAdmin(admin.ModelAdmin):
    """Every save and delete goes through the app's reference services, which audit it."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        reference_save(actor=_staff(request), obj=obj, changed=list(form.changed_data))

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        reference_delete(actor=_staff(request), obj=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            reference_delete(actor=_staff(request), obj=obj)


@admin.register(Tier)
class TierAdmin(AuditedAdmin):
    list_display = ["code", "name_zh", "name_en", "clock", "first_contact_hours", "closing_hours"]


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["code", "name_zh", "name_en", "tier", "active", "position"]
    list_filter = ["tier", "active"]
    search_fields = ["code", "name_zh", "name_en"]


class UnitMemberInline(admin.TabularInline):
    """The unit's officers, shown only: they are added and removed on their own page, audited there."""

    model = UnitMember
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["code", "name_zh", "kind", "district", "agency", "active"]
    list_filter = ["kind", "active", "district"]
    search_fields = ["code", "name_zh", "name_en"]
    inlines = [UnitMemberInline]


@admin.register(UnitMember)
class UnitMemberAdmin(AuditedAdmin):
    list_display = ["user", "unit"]
    list_filter = ["unit"]
    autocomplete_fields = ["user"]


@admin.register(HotlineMember)
class HotlineMemberAdmin(AuditedAdmin):
    list_display = ["user", "role"]
    list_filter = ["role"]
    autocomplete_fields = ["user"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    list_display = ["district", "category", "unit"]
    list_filter = ["district", "category"]
    autocomplete_fields = ["unit"]
