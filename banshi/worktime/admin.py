from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from banshi.worktime.models import CalendarOverride
from banshi.worktime.services import calendar_override_change, calendar_override_delete, calendar_override_set

if TYPE_CHECKING:
    from banshi.accounts.models import User


def _staff(request: HttpRequest) -> User:
    # Only signed-in staff reach the admin.
    return cast("User", request.user)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Holidays and make-up working days, consulted before the chinese-calendar package. A day
    entered twice, or as both a holiday and a working day, is refused by the model's clean(). Every
    save and delete goes through the services, which audit it."""

    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: CalendarOverride, form: Any, change: bool) -> None:
        if change:
            saved = calendar_override_change(
                actor=_staff(request), override_id=obj.pk, day=obj.date, kind=obj.kind, name=obj.name
            )
        else:
            saved = calendar_override_set(actor=_staff(request), day=obj.date, kind=obj.kind, name=obj.name)
        obj.pk, obj.date, obj.kind, obj.name = saved.pk, saved.date, saved.kind, saved.name

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        calendar_override_delete(actor=_staff(request), day=obj.date)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarOverride]) -> None:
        for obj in queryset:
            calendar_override_delete(actor=_staff(request), day=obj.date)
