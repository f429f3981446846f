from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import ForeignKey
from django.http import HttpRequest

from banshi.remote.models import VideoHours


@admin.register(VideoHours)
class VideoHoursAdmin(admin.ModelAdmin):
    """Administrators set when each video window takes calls; slots are cut from these hours."""

    list_display = ["window", "weekday", "opens", "closes", "slot_minutes", "capacity"]
    list_filter = ["window"]
    ordering = ["window", "weekday", "opens"]

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "window":
            from banshi.directory.models import Window

            kwargs["queryset"] = Window.objects.filter(kind=Window.Kind.VIDEO)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
