"""The register of livelihood projects (民生实事): a project at a level and in an area, with its owner,
budget, dates, status and progress; a parent's progress rolls up from its children."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Project"]


class Project(models.Model):
    class Level(models.TextChoices):
        CITY = "city", _("city")
        DISTRICT = "district", _("district")
        STREET = "street", _("street or township")
        COMMUNITY = "community", _("community or village")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")
        VERIFIED = "verified", _("verified")
        CANCELLED = "cancelled", _("cancelled")

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    area = models.ForeignKey(
        "directory.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    category = models.CharField(_("category"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    owner_unit = models.ForeignKey(
        "directory.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    lead = models.CharField(_("lead"), max_length=100, blank=True)
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="owned_projects", verbose_name=_("owners")
    )
    budget = models.DecimalField(_("budget (yuan)"), max_digits=16, decimal_places=2, default=Decimal(0))
    weight = models.DecimalField(
        _("weight in the parent"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    progress = models.DecimalField(_("progress (%)"), max_digits=5, decimal_places=2, default=Decimal(0))
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("livelihood project")
        verbose_name_plural = _("livelihood projects")
        ordering = ["-year", "level", "name"]
        indexes = [models.Index(fields=["year", "level", "status"], name="project_register")]

    def __str__(self) -> str:
        return self.name
