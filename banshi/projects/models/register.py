"""The register of livelihood projects (民生实事): a project at a level and in an area, with its owner,
budget, dates, status and progress; its indicators (target and actual), milestones, yearly stage targets,
progress updates with photos and documents, and the residents' problem reports it answers. A parent's
progress (and the totals of its indicators) rolls up from its children, weighted by their budget or by a
set weight.

Who may report on a project: the users in its `owners`, or in the `owners` of any project above it (the
owner of Banan's renovation reports on each of its 126 communities). Membership of the owner unit alone
gives no right to edit: a unit has many officers, and a project names the few who answer for it."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Indicator",
    "Milestone",
    "Project",
    "ProjectReport",
    "StageTarget",
    "Update",
    "UpdateDocument",
    "UpdatePhoto",
]


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

    TRANSITIONS = {
        Status.PROPOSED: {Status.PLANNED, Status.CANCELLED},
        Status.PLANNED: {Status.IN_PROGRESS, Status.CANCELLED},
        Status.IN_PROGRESS: {Status.COMPLETED, Status.CANCELLED},
        # A completed project found unfinished at the year-end check goes back to work.
        Status.COMPLETED: {Status.VERIFIED, Status.IN_PROGRESS},
        Status.VERIFIED: set(),
        Status.CANCELLED: set(),
    }
    # The progress a status carries (as Decidim's result statuses do): reaching it sets the progress to at
    # least this; a status without one keeps the progress as it is.
    DEFAULT_PROGRESS: dict[str, Decimal | None] = {
        Status.PROPOSED: Decimal(0),
        Status.PLANNED: Decimal(0),
        Status.IN_PROGRESS: Decimal(5),
        Status.COMPLETED: Decimal(100),
        Status.VERIFIED: Decimal(100),
        Status.CANCELLED: None,
    }

    class RollUp(models.TextChoices):
        BUDGET = "budget", _("by budget")
        WEIGHT = "weight", _("by set weight")

    code = models.CharField(
        _("code"),
        max_length=40,
        blank=True,
        default="",
        help_text=_("The project's key in imports and exports, e.g. 2026-CQ-01."),
    )
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
    roll_up = models.CharField(
        _("children weighted"), max_length=10, choices=RollUp.choices, default=RollUp.BUDGET
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
        indexes = [
            models.Index(fields=["year", "level", "status"], name="project_register"),
            # The register's default order, so that a page of it is read from the index.
            models.Index(fields=["-year", "level", "name", "id"], name="project_register_order"),
            models.Index(fields=["area", "year"], name="project_area_year"),
            models.Index(fields=["category", "year"], name="project_category_year"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="project_code_unique"),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100), name="project_progress_percent"
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="project_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """What a project promises in numbers: communities 126/126, households 41,000, lifts, m², yuan. A
    parent's indicator with the `code` of its children's indicators is their total."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("indicator"), max_length=100)
    unit = models.CharField(_("unit of measure"), max_length=20, blank=True)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2)
    actual = models.DecimalField(_("actual"), max_digits=16, decimal_places=2, default=Decimal(0))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["project_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="project_indicator_code_unique"),
            models.CheckConstraint(
                condition=Q(target__gte=0) & Q(actual__gte=0), name="project_indicator_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.actual}/{self.target} {self.unit}"

    @property
    def percentage(self) -> Decimal | None:
        """The actual as a share of the target, in per cent (above 100 when exceeded); None for no target."""
        if not self.target:
            return None
        return (self.actual * 100 / self.target).quantize(Decimal("0.1"))


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project_id", "due", "id"]
        indexes = [models.Index(fields=["due"], condition=Q(done_at__isnull=True), name="milestone_open_due")]

    def __str__(self) -> str:
        return self.title


class StageTarget(models.Model):
    """A multi-year project's promise for one year: the progress it should have reached by `due` (the end
    of that year unless set)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages")
    year = models.PositiveSmallIntegerField(_("year"))
    target_progress = models.DecimalField(_("progress to reach (%)"), max_digits=5, decimal_places=2)
    due = models.DateField(_("due"))
    description = models.CharField(_("what is to be done"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("yearly stage target")
        verbose_name_plural = _("yearly stage targets")
        ordering = ["project_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="project_stage_one_a_year"),
            models.CheckConstraint(
                condition=Q(target_progress__gte=0) & Q(target_progress__lte=100),
                name="project_stage_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.year}: {self.target_progress}%"


class Update(models.Model):
    """An owner's report of progress: what was done, with photos, documents, and the indicators' actuals
    as they were reported (`readings`: [{"code", "name", "unit", "old", "new"}])."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("what was done"))
    progress = models.DecimalField(_("progress (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    readings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("posted"))

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["project_id", "-created_at", "-id"]
        indexes = [models.Index(fields=["project", "-created_at"], name="project_update_newest")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.created_at:%Y-%m-%d}"


class UpdatePhoto(models.Model):
    """A photo of an update, re-encoded as a JPEG without metadata, stored outside the web root."""

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="photos")
    path = models.CharField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["update_id", "id"]

    def __str__(self) -> str:
        return self.path


class UpdateDocument(models.Model):
    """A PDF attached to an update (a plan, an acceptance report), checked to be one by its content."""

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="documents")
    path = models.CharField(max_length=200)
    name = models.CharField(_("file name"), max_length=120)
    size = models.PositiveIntegerField()
    pages = models.PositiveIntegerField()

    class Meta:
        ordering = ["update_id", "id"]

    def __str__(self) -> str:
        return self.name


class ProjectReport(models.Model):
    """A residents' problem report (problems.Report) the project answers: shown on the project's page by
    its public information only."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="report_links")
    report = models.ForeignKey("problems.Report", on_delete=models.CASCADE, related_name="project_links")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "report"], name="project_report_once")]

    def __str__(self) -> str:
        return f"{self.project_id} → {self.report_id}"
