from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from banshi.catalog.definition import BundleDef, ServiceDef
from banshi.catalog.models import Bundle, BundleVersion
from banshi.directory.models import Agency, Window
from banshi.lib.codes import SmsCode
from banshi.worktime.hours import office_day_end


class Upload(models.Model):
    """A file a person uploaded, stored once outside the web root and shared by every service that
    needs it."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="uploads")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=200)
    path = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.kind})"

    @property
    def content_type(self) -> str:
        return {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}[self.kind]


class Application(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        CORRECTION_NEEDED = "correction_needed", _("correction needed")
        COMPLETE = "complete", _("complete")
        CLOSED = "closed", _("closed with refusals")
        WITHDRAWN = "withdrawn", _("withdrawn")

    TRANSITIONS = {
        Status.IN_PROGRESS: {Status.CORRECTION_NEEDED, Status.COMPLETE, Status.CLOSED, Status.WITHDRAWN},
        # Closed while waiting for a correction: refused as a whole (`application_reject`).
        Status.CORRECTION_NEEDED: {Status.IN_PROGRESS, Status.CLOSED, Status.WITHDRAWN},
        Status.COMPLETE: set(),
        Status.CLOSED: set(),
        Status.WITHDRAWN: set(),
    }
    OPEN = (Status.IN_PROGRESS, Status.CORRECTION_NEEDED)

    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        WINDOW = "window", _("at a window")
        VIDEO = "video", _("by video")

    class ResultDelivery(models.TextChoices):
        WINDOW = "window", _("collected at the window")
        POST = "post", _("by post")

    number = models.CharField(_("application number"), max_length=24, unique=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications_submitted"
    )
    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="applications")
    bundle_version = models.ForeignKey(BundleVersion, on_delete=models.PROTECT, related_name="applications")
    answers = models.JSONField(default=dict)
    values = models.JSONField(default=dict)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"))
    deadline = models.DateTimeField(_("promised by"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # True when a deadline was counted through a year the working calendar does not know (Monday to
    # Friday assumed); the pages say so beside the date.
    deadline_estimated = models.BooleanField(default=False)
    result_delivery = models.CharField(
        _("results delivered"), max_length=10, choices=ResultDelivery.choices, default=ResultDelivery.WINDOW
    )
    tracking_number = models.CharField(_("postal tracking number"), max_length=40, blank=True)
    # Where posted results go: the resident gives it (or the clerk for them) whatever the channel.
    post_recipient = models.CharField(_("recipient"), max_length=30, blank=True)
    post_phone = models.CharField(_("recipient's mobile number"), max_length=11, blank=True)
    post_address = models.CharField(_("postal address"), max_length=200, blank=True)
    post_postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawing"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed by the applicant"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("results handed over"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=80, blank=True, default="")
    # sha256 of what was sent with the idempotency key (bundle, answers, values, materials), so that the
    # key reused for something else is refused rather than answered with this application. Empty for
    # applications submitted before it was kept.
    submission_digest = models.CharField(max_length=64, blank=True, default="")

    # Not a column: the tasks a submission just created, set on the application it returns (a retry
    # answered with the first application has none).
    submitted_tasks: list["Task"]

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="application_idempotent",
            )
        ]
        # The open numbers count applications by the day they were submitted and completed.
        indexes = [
            models.Index(fields=["applicant", "-submitted_at"]),
            models.Index(fields=["submitted_at"], name="application_submitted"),
            models.Index(fields=["completed_at"], name="application_completed"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        """The applicant's status page."""
        return reverse("cases:application_detail", args=[self.number])

    @property
    def spec(self) -> BundleDef:
        return self.bundle_version.spec

    @property
    def postal_address_complete(self) -> bool:
        return all((self.post_recipient, self.post_phone, self.post_address, self.post_postcode))


class SubjectClaim(models.Model):
    """The subject of an application (for the newborn bundle: the mother and the moment of the
    birth), held while the application is open or complete: one baby, one application. `key` is a
    sha256 of the fields the bundle names in `subject`, so no personal data is kept twice; `near_key`
    the same with dates and times cut to the day, for the officers' warning of a possible duplicate
    (a birth time typed differently). Unique in the database, so two submissions at the same moment
    cannot both hold it; deleted when the application closes, so the subject may be applied for
    again."""

    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=64)
    near_key = models.CharField(max_length=64, db_index=True)
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="subject_claim")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bundle", "key"], name="subject_claim_unique")]

    def __str__(self) -> str:
        return f"{self.bundle_id}:{self.key[:12]}"


class Task(models.Model):
    """One service of an application, worked by one agency."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting for other services")
        READY = "ready", _("ready")
        CLAIMED = "claimed", _("being handled")
        RETURNED = "returned", _("returned for correction")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        CANCELLED = "cancelled", _("cancelled")

    TRANSITIONS = {
        Status.WAITING: {Status.READY, Status.CANCELLED},
        Status.READY: {Status.CLAIMED, Status.CANCELLED},
        # CANCELLED from an open state: the applicant withdrew the application, or it was refused as a
        # whole.
        Status.CLAIMED: {Status.READY, Status.APPROVED, Status.RETURNED, Status.REJECTED, Status.CANCELLED},
        # CLAIMED: a correction goes back to the officer who returned the task.
        Status.RETURNED: {Status.READY, Status.CLAIMED, Status.CANCELLED},
        Status.APPROVED: set(),
        Status.REJECTED: set(),
        Status.CANCELLED: set(),
    }
    OPEN = (Status.WAITING, Status.READY, Status.CLAIMED, Status.RETURNED)
    # Tasks whose clock runs: a waiting task has no deadline yet, a returned one is paused.
    RUNNING = (Status.READY, Status.CLAIMED)

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="tasks")
    service = models.CharField(_("service"), max_length=60)
    position = models.PositiveSmallIntegerField(default=0)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="tasks")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.WAITING)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks_claimed",
    )
    ready_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_remaining = models.DurationField(null=True, blank=True)
    outputs = models.JSONField(default=dict, blank=True)
    return_reason = models.TextField(blank=True)
    return_items = models.JSONField(default=list, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    deadline_estimated = models.BooleanField(default=False)
    # Set once by the deadline sweep (compare-and-set), so each warning is sent once.
    due_soon_notified_at = models.DateTimeField(null=True, blank=True)
    late_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["application_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "service"], name="task_one_per_service")
        ]
        indexes = [
            models.Index(fields=["agency", "status", "deadline"]),
            # The open numbers count the tasks due on each day, every agency's.
            models.Index(fields=["deadline"], name="task_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.application.number}/{self.service}"

    def get_absolute_url(self) -> str:
        """The officer's page of the task."""
        return reverse("cases:work_task", args=[self.pk])

    @property
    def spec(self) -> ServiceDef:
        return self.application.spec.services[self.service]

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def is_refused(self) -> bool:
        """Refused, or cancelled because a service it depends on was refused: both say why."""
        return self.status in (self.Status.REJECTED, self.Status.CANCELLED)

    def is_overdue(self, now: datetime) -> bool:
        return bool(self.deadline and self.deadline < now and self.is_running)

    def is_due_today(self, now: datetime) -> bool:
        """Running, not late yet, and due before the offices' day ends."""
        return bool(self.deadline and now <= self.deadline < office_day_end(now) and self.is_running)


class Correction(models.Model):
    """One return of a task and the resident's answer to it: who returned it, why, the items named,
    and what changed (old and new side by side). Kept on the case, out of the audit log, because the
    values are personal data."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="corrections")
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField()
    reason = models.TextField()
    items = models.JSONField(default=list)
    # [{"item": "fields.x", "old": value, "new": value}, {"item": "materials.y", "old": upload id, "new": …}]
    changes = models.JSONField(default=list, blank=True)
    corrected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["task_id", "returned_at", "id"]
        indexes = [models.Index(fields=["returned_at"], name="correction_returned")]

    def __str__(self) -> str:
        return f"correction {self.pk} of task {self.task_id}"


class ApplicationMaterial(models.Model):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="materials")
    key = models.CharField(max_length=60)
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="+")
    replaced = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "key"],
                condition=Q(replaced=False),
                name="one_current_material_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.key}"


class Rating(models.Model):
    """The applicant's evaluation of a finished application on the five-level 好差评 scale. A poor
    rating must be followed up by a supervisor."""

    class Level(models.IntegerChoices):
        VERY_SATISFIED = 5, _("very satisfied")
        SATISFIED = 4, _("satisfied")
        FAIRLY_SATISFIED = 3, _("fairly satisfied")
        DISSATISFIED = 2, _("dissatisfied")
        VERY_DISSATISFIED = 1, _("very dissatisfied")

    POOR = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="rating")
    level = models.PositiveSmallIntegerField(_("rating"), choices=Level.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("rated"))
    followed_up_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    follow_up_note = models.TextField(_("follow-up"), blank=True)

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("reached, the problem is resolved")
        UNRESOLVED = "unresolved", _("reached, the problem is not resolved yet")
        NOT_REACHED = "not_reached", _("could not be reached")

    follow_up_outcome = models.CharField(
        _("outcome of the call"), max_length=20, blank=True, choices=Outcome.choices
    )

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [
            models.Index(fields=["level", "followed_up_at"]),
            models.Index(fields=["created_at"], name="rating_created"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.level}"


class WindowConfirmation(SmsCode):
    """A code sent by SMS to a resident so that they confirm the application a window clerk submits
    for them. Only a keyed digest of the code is stored."""

    PHONE_LOOKUP = "applicant__phone"

    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=80)  # the draft's idempotency key
    draft_digest = models.CharField(max_length=64)  # what the resident was asked to confirm
    code_digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("window confirmation code")
        verbose_name_plural = _("window confirmation codes")
        indexes = [models.Index(fields=["clerk", "token", "-created_at"])]

    def __str__(self) -> str:
        return f"confirmation {self.pk} for {self.applicant_id}"


class Draft(models.Model):
    """The one form of a bundle as far as it is filled in, kept on the server (never in the cookie): by
    a resident for themselves, or by a window clerk for the resident they serve. Once sent, only the
    number of the application it became is kept (for a resent submit); either is deleted 30 days after
    its last change (`cases.draft.drafts_purge`)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    # Whose application it is: the owner's own, or the resident a window clerk fills it in for.
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    bundle_code = models.CharField(max_length=40)
    token = models.CharField(max_length=80)  # the submission's idempotency key
    answers = models.JSONField(default=dict, blank=True)
    values = models.JSONField(default=dict, blank=True)
    materials = models.JSONField(default=dict, blank=True)  # material key → upload id
    submitted_number = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("draft application")
        verbose_name_plural = _("draft applications")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "applicant", "bundle_code"], name="cases_draft_one_per_bundle"
            )
        ]

    def __str__(self) -> str:
        return f"draft {self.bundle_code} of {self.owner_id} for {self.applicant_id}"
