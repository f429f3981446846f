from django.contrib import admin

from banshi.notify.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "title", "read_at", "sms_sent_at", "email_sent_at"]
