from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from banshi.certificates.models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only: documents are issued by approvals and revoked by officers, each with its audit event."""

    list_display = ["number", "document_type", "agency", "status", "issued_at", "revoked_at"]
    list_filter = ["status", "agency", "document_type"]
    search_fields = ["number"]
    exclude = ["content"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
