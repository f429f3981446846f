"""Residents' problems (群众诉求) as the 12345 practice handles them: each category has a tier with its
time limits, each report is routed by area × category to the unit responsible, handled, closed, and
called back (回访)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from banshi.directory.models import Agency, Area


class _Named(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class Tier(_Named):
    """A class of urgency and its two time limits: the first contact with the resident (响应) and the
    closing of the report (办结), both counted from filing."""

    class Clock(models.TextChoices):
        # Emergencies and risks to life or property do not wait for office hours.
        CALENDAR = "calendar", _("calendar hours")
        # A day of the limit is a working day's office hours on the working calendar (worktime): 24 h is
        # one working day, so a report filed on a Friday night is due at Monday's close.
        WORKING = "working", _("working calendar")

    clock = models.CharField(_("counted in"), max_length=10, choices=Clock.choices)
    first_contact_hours = models.PositiveIntegerField(_("first contact within (hours)"))
    closing_hours = models.PositiveIntegerField(_("closing within (hours)"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_contact_hours__gt=0), name="tier_contact_limit_positive"
            ),
            models.CheckConstraint(condition=Q(closing_hours__gt=0), name="tier_closing_limit_positive"),
        ]


ATTRIBUTE_DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


def validate_attributes(value: Any) -> None:
    """The extra questions a category asks (Open311's service definition): a list of
    `{"code", "datatype", "required", "description", "order", "values": [{"key", "name"}]}`, the values
    for the two list datatypes only."""
    if not isinstance(value, list):
        raise ValidationError(_("must be a list of attributes"))
    codes = set()
    for item in value:
        if not isinstance(item, dict):
            raise ValidationError(_("each attribute must be an object"))
        code = item.get("code")
        if not isinstance(code, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", code) or code in codes:
            raise ValidationError(_("each attribute needs its own code of letters, digits, - and _"))
        codes.add(code)
        if item.get("datatype") not in ATTRIBUTE_DATATYPES:
            raise ValidationError(_("attribute %(code)s has an unknown datatype") % {"code": code})
        if not isinstance(item.get("description", ""), str) or not isinstance(
            item.get("required", False), bool
        ):
            raise ValidationError(_("attribute %(code)s needs a text description") % {"code": code})
        values = item.get("values", [])
        listed = item["datatype"].endswith("valuelist")
        if (
            not isinstance(values, list)
            or listed != bool(values)
            or not all(
                isinstance(v, dict) and isinstance(v.get("key"), str) and isinstance(v.get("name"), str)
                for v in values
            )
        ):
            raise ValidationError(
                _("attribute %(code)s: a list datatype needs values of a key and a name, others none")
                % {"code": code}
            )


class Category(_Named):
    tier = models.ForeignKey(
        Tier, on_delete=models.PROTECT, related_name="categories", verbose_name=_("tier")
    )
    active = models.BooleanField(_("open for reports"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    attributes = models.JSONField(
        _("extra questions"),
        default=list,
        blank=True,
        validators=[validate_attributes],
        help_text=_(
            'Asked of Open311 clients: [{"code": "DEPTH", "datatype": "number", "required": true, '
            '"description": "How deep is it (cm)?", "order": 1}]; the datatypes singlevaluelist and '
            'multivaluelist take "values": [{"key": "1", "name": "…"}].'
        ),
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("problem category")
        verbose_name_plural = _("problem categories")

    def clean(self) -> None:
        # The admin's empty box is None, which the column does not take: no questions.
        if self.attributes is None:
            self.attributes = []


class Unit(_Named):
    """A unit that handles reports (承办单位). A district department is one of the directory's agencies
    and names it; a street office or a utility company is no agency of the directory and stands alone."""

    class Kind(models.TextChoices):
        STREET_OFFICE = "street_office", _("street or township office")
        DEPARTMENT = "department", _("district department")
        UTILITY = "utility", _("utility company")
        OTHER = "other", _("other unit")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    district = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problem_units",
        verbose_name=_("district"),
        help_text=_("Empty for a unit serving the whole city."),
    )
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problem_units",
        verbose_name=_("agency"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("responsible unit")
        verbose_name_plural = _("responsible units")


class UnitMember(models.Model):
    """An officer of a unit: sees and handles its queue."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="problem_units")

    class Meta:
        verbose_name = _("unit officer")
        verbose_name_plural = _("unit officers")
        constraints = [models.UniqueConstraint(fields=["unit", "user"], name="problems_unit_member_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit}"


class HotlineMember(models.Model):
    """A member of the 12345 hotline centre: an operator logs calls, a dispatcher routes what no rule
    routes and what a unit sent back."""

    class Role(models.TextChoices):
        OPERATOR = "operator", _("hotline operator")
        DISPATCHER = "dispatcher", _("dispatcher")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hotline_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("hotline member")
        verbose_name_plural = _("hotline members")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="problems_hotline_role_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class RoutingRule(models.Model):
    """Area × category → unit. A rule without a district holds across the city (a utility's category);
    a rule without a category is its district's fallback unit (兜底), which takes whatever no other rule
    routes there."""

    district = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rules",
        verbose_name=_("category"),
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="rules", verbose_name=_("unit"))

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "category"],
                condition=Q(district__isnull=False, category__isnull=False),
                name="problems_rule_one_per_district_category",
            ),
            models.UniqueConstraint(
                fields=["category"], condition=Q(district__isnull=True), name="problems_rule_one_citywide"
            ),
            models.UniqueConstraint(
                fields=["district"], condition=Q(category__isnull=True), name="problems_rule_one_fallback"
            ),
            models.CheckConstraint(
                condition=Q(district__isnull=False) | Q(category__isnull=False), name="problems_rule_scoped"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district or '*'} × {self.category or '*'} → {self.unit}"


class Report(models.Model):
    """One problem a resident reported."""

    class Status(models.TextChoices):
        NEW = "new", _("waiting for dispatch")
        DISPATCHED = "dispatched", _("sent to the unit")
        SENT_BACK = "sent_back", _("sent back to the dispatcher")
        SIGNED = "signed", _("signed for by the unit")
        CONTACTED = "contacted", _("the unit contacted the resident")
        CLOSED = "closed", _("closed")
        CALLED_BACK = "called_back", _("called back")
        REOPENED = "reopened", _("reopened")
        DUPLICATE = "duplicate", _("duplicate of another report")

    TRANSITIONS = {
        Status.NEW: {Status.DISPATCHED, Status.DUPLICATE},
        Status.DISPATCHED: {Status.SIGNED, Status.SENT_BACK, Status.DUPLICATE},
        Status.SENT_BACK: {Status.DISPATCHED, Status.DUPLICATE},
        Status.SIGNED: {Status.CONTACTED, Status.SENT_BACK, Status.DUPLICATE},
        Status.CONTACTED: {Status.CLOSED, Status.DUPLICATE},
        Status.CLOSED: {Status.CALLED_BACK, Status.REOPENED},
        Status.CALLED_BACK: {Status.REOPENED},
        Status.REOPENED: {Status.SIGNED, Status.DUPLICATE},
        Status.DUPLICATE: set(),
    }
    # In the dispatcher's queue.
    UNROUTED = (Status.NEW, Status.SENT_BACK)
    # In a unit's queue, its clock running.
    AT_UNIT = (Status.DISPATCHED, Status.SIGNED, Status.CONTACTED, Status.REOPENED)
    OPEN = UNROUTED + AT_UNIT  # also in the condition of the index problems_report_public_open
    DONE = (Status.CLOSED, Status.CALLED_BACK)

    class Channel(models.TextChoices):
        WEB = "web", _("website")
        PHONE = "phone", _("hotline call")
        OPEN311 = "open311", _("Open311")

    number = models.CharField(_("reference number"), max_length=24, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    description = models.TextField(_("description"))
    district = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    street = models.CharField(_("street or township"), max_length=60, blank=True)
    community = models.CharField(_("community or village"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    private = models.BooleanField(_("private (not on the public map)"), default=False)
    # The resident: an account, or for a caller without one only the phone number (and the name they
    # gave). Never shown but to the units handling it.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problem_reports",
    )
    reporter_phone = models.CharField(_("reporter's phone"), max_length=11, blank=True)
    reporter_name = models.CharField(_("reporter's name"), max_length=60, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    # 首接负责: the first unit that received the report coordinates it to the end, whoever handles it.
    coordinator = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="coordinated_reports"
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    filed_at = models.DateTimeField(_("filed"))
    # When the time limits began: the filing, or the latest reopening.
    clock_started_at = models.DateTimeField()
    first_contact_due = models.DateTimeField(_("first contact due"))
    closing_due = models.DateTimeField(_("closing due"))
    deadline_estimated = models.BooleanField(default=False)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    contacted_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    called_back_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField()
    # The filer's key for the filing (an API client's Idempotency-Key, a page's form token), prefixed with
    # whoever filed it: the same filing sent again is answered with this report.
    idempotency_key = models.CharField(max_length=120, blank=True, default="")
    # Set once by the deadline sweep (compare-and-set), so each warning is sent once.
    due_soon_notified_at = models.DateTimeField(null=True, blank=True)
    late_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="problems_report_idempotent",
            )
        ]
        indexes = [
            models.Index(fields=["unit", "status", "closing_due"]),
            models.Index(fields=["status", "filed_at"]),
            models.Index(fields=["category", "filed_at"]),
            models.Index(fields=["reporter", "-filed_at"]),
            # The newest public reports of any status first (Open311's GET requests, the map).
            models.Index(
                fields=["-filed_at", "-id"], condition=Q(private=False), name="problems_report_public_new"
            ),
            # The same of one service (Open311's service_code) and of the open ones (status=open): the
            # newest thousand read from the index alone, whatever the size of the table.
            models.Index(
                fields=["category", "-filed_at", "-id"],
                condition=Q(private=False),
                name="problems_report_public_cat",
            ),
            models.Index(
                fields=["-filed_at", "-id"],
                condition=Q(
                    private=False,
                    status__in=["new", "sent_back", "dispatched", "signed", "contacted", "reopened"],
                ),
                name="problems_report_public_open",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def current_due(self) -> datetime | None:
        """The deadline that counts now: the first contact until it is made, then the closing; none once
        closed."""
        if self.status not in self.OPEN:
            return None
        return self.first_contact_due if self.contacted_at is None else self.closing_due


class Assignment(models.Model):
    """Each time a report reached a unit or the dispatcher: the history of who held it."""

    class Kind(models.TextChoices):
        FILED = "filed", _("routed when filed")
        ROUTED = "routed", _("routed by the dispatcher")
        SENT_BACK = "sent_back", _("sent back to the dispatcher")
        REOPENED = "reopened", _("reopened")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="assignments")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    # How the unit was found: "rule", "citywide", "fallback", "dispatcher"; empty when sent back.
    via = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["report_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.kind} → {self.unit_id}"


class Contact(models.Model):
    class Kind(models.TextChoices):
        PHONE = "phone", _("phone call")
        VISIT = "visit", _("visit")
        MESSAGE = "message", _("text or online message")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="contacts")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("contact by"), max_length=10, choices=Kind.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.report_id}: {self.kind}"


class Note(models.Model):
    """A progress note: public ones are the resident's (and the public map's) to read, internal ones
    the units' and the dispatcher's only."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notes")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    public = models.BooleanField(_("public"))
    text = models.TextField(_("note"))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["report_id", "created_at", "id"]
        indexes = [models.Index(fields=["report", "public", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.report_id}: note {self.pk}"


class Closure(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="closures")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("what was done"))
    created_at = models.DateTimeField()
    # A closing the resident reopened never counts as solved, whatever its callback said.
    reopened_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.report_id}: closed"


class Reopening(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reopenings")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("why it is not fixed"))
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.report_id}: reopened"


class Callback(models.Model):
    """The answer to the callback (回访): whether the problem is solved and how satisfied the resident is."""

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("satisfied")
        FAIRLY_SATISFIED = "fairly_satisfied", _("fairly satisfied")
        DISSATISFIED = "dissatisfied", _("dissatisfied")

    class By(models.TextChoices):
        RESIDENT = "resident", _("the resident, online")
        STAFF_PHONE = "staff_phone", _("staff, by phone")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="callbacks")
    closure = models.OneToOneField(Closure, on_delete=models.CASCADE, related_name="callback")
    solved = models.BooleanField(_("solved"))
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices)
    by = models.CharField(max_length=20, choices=By.choices)
    comment = models.TextField(_("comment"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.report_id}: {self.satisfaction}"


class Follower(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="problems_followed"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="problems_follow_once")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.report_id}"


class Photo(models.Model):
    """A photo of a report: the resident's of the problem, or the unit's of what was done. Stored
    re-encoded as a JPEG without its metadata (no EXIF, so no GPS), outside the web root, and served only
    to those who may see the report."""

    class Kind(models.TextChoices):
        REPORT = "report", _("photo of the problem")
        CLOSURE = "closure", _("photo of what was done")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    path = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # Nobody for a photo an Open311 client sent with its filing.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["report_id", "created_at", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        indexes = [models.Index(fields=["report", "kind"])]

    def __str__(self) -> str:
        return f"{self.report_id}: photo {self.pk}"


# --- the statistics' daily roll-up (see banshi.problems.rollup) -------------------------------------------


class StatsRollup(models.Model):
    """The roll-up's one row: the audit events up to `last_event_id` are rolled up (every day of them);
    `solved` is the running counter as of those events; `through` the day of the latest refresh (none
    before the first)."""

    through = models.DateField(null=True, blank=True)
    last_event_id = models.BigIntegerField(default=0)
    solved = models.IntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"rolled up to event {self.last_event_id}"


class StatsDay(models.Model):
    """How many events of one kind a day recorded, by what decides whether a period counts them: the
    day of the report's duplicate marking, and of the later event that undoes them (see the roll-up).
    Rows of the same key add up; a refresh may write negative counts that correct earlier rows."""

    class Kind(models.IntegerChoices):
        FILED = 1  # later_day: the first dispatch
        DISPATCHED = 2  # later_day: the previous dispatch of the report to the same unit
        CONTACTED = 3
        CLOSED = 4
        # A closing that a period ending on or after due_day may count as not reached; later_day: the
        # callback answer or reopening that reached it.
        UNREACHED = 5
        CALLED_BACK = 6  # later_day: the reopening after the answer

    day = models.DateField()
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    unit = models.CharField(max_length=40, blank=True)
    on_time = models.BooleanField(default=False)
    solved = models.BooleanField(default=False)
    satisfaction = models.CharField(max_length=20, blank=True)
    duplicate_day = models.DateField(null=True, blank=True)
    later_day = models.DateField(null=True, blank=True)
    due_day = models.DateField(null=True, blank=True)
    count = models.IntegerField()

    class Meta:
        # The columns a period's sums read, in the index: PostgreSQL reads the index alone.
        indexes = [
            models.Index(
                fields=["day"],
                include=["kind", "unit", "on_time", "solved", "satisfaction", "duplicate_day", "later_day"]
                + ["due_day", "count"],
                name="problems_statsday_cover",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.unit}: {self.count}"


class StatsMinutes(models.Model):
    """How many first contacts (which=1) or closings (which=2) of a day took exactly `minutes`."""

    day = models.DateField()
    which = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=40, blank=True)
    duplicate_day = models.DateField(null=True, blank=True)
    minutes = models.IntegerField()
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["day"], name="problems_statsminutes_day"),
            # The minutes of a median's bucket, read from the index alone.
            models.Index(
                fields=["which", "unit", "minutes", "day"],
                include=["duplicate_day", "count"],
                name="problems_statsminutes_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.which} {self.unit} {self.minutes}: {self.count}"


class StatsMinuteBucket(models.Model):
    """StatsMinutes in buckets of about a twelfth of their value: where a period's median lies."""

    day = models.DateField()
    which = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=40, blank=True)
    duplicate_day = models.DateField(null=True, blank=True)
    bucket = models.IntegerField()
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["day"],
                include=["which", "unit", "bucket", "duplicate_day", "count"],
                name="problems_statsbucket_cover",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.which} {self.unit} #{self.bucket}: {self.count}"


class StatsMinuteMonth(models.Model):
    """StatsMinuteBucket added up by month (`month` its first day): a year's medians read twelve months'
    buckets, not 365 days'."""

    month = models.DateField()
    which = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=40, blank=True)
    duplicate_day = models.DateField(null=True, blank=True)
    bucket = models.IntegerField()
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["month"],
                include=["which", "unit", "bucket", "duplicate_day", "count"],
                name="problems_statsmonth_cover",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.which} {self.unit} #{self.bucket}: {self.count}"
