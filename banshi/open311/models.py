"""Open311 GeoReport v2 clients and what they filed: each client holds an API key (only its digest is
kept), and each filing keeps the client, the token it was answered with and what the report itself has
no column for (the answers to the service's questions, the media address, the contact details given)."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from banshi.problems.models import Report


class ApiClient(models.Model):
    """A system or an app that files reports: named, with one API key, shown once when issued."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class Submission(models.Model):
    """One report as an Open311 client filed it. The contact details are the units' to read, never in
    an answer of the API."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="open311_submission")
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="submissions")
    token = models.CharField(max_length=43, unique=True)
    attributes = models.JSONField(default=dict, blank=True)
    media_url = models.URLField(max_length=1000, blank=True)
    email = models.CharField(max_length=254, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Open311 filing")
        verbose_name_plural = _("Open311 filings")

    def __str__(self) -> str:
        return f"{self.client_id}: {self.report_id}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(16)
