"""Lecture programmes, speakers, venues, quotas, lectures, registrations, check-ins and ratings.

An organiser unit (`OrganiserUnit`) is the outreach app's own: a 宣讲团 or the propaganda department of a
district, with the area it works in. It is not a `directory.Agency`, since the units that run lectures
(a district's lecture group, a school's party branch) are not the government's service agencies. Its
organisers (`Organiser`) run its programmes.

The six kinds of venue (六进) a programme takes its lectures into are `VenueKind`: offices, villages and
community courtyards, schools, companies, communities and barracks. A speaker of each of the five kinds
of veteran (五老) goes back to one of them (`SPEAKER_GOES_BACK_TO`); retired police and legal workers go
back to police stations and courts, which count as offices."""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from banshi.directory.models import Area
from banshi.lib.codes import SmsCode, code_digest

__all__ = [
    "SPEAKER_GOES_BACK_TO",
    "CheckIn",
    "CheckInCode",
    "Lecture",
    "LecturePhoto",
    "Organiser",
    "OrganiserUnit",
    "Programme",
    "Quota",
    "Rating",
    "Registration",
    "Speaker",
    "VenueKind",
]


class VenueKind(models.TextChoices):
    OFFICE = "office", _("offices (进机关)")
    VILLAGE = "village", _("villages and community courtyards (进农村·村社院坝)")
    SCHOOL = "school", _("schools (进学校)")
    COMPANY = "company", _("companies (进企业)")
    COMMUNITY = "community", _("communities (进社区)")
    BARRACKS = "barracks", _("barracks (进军营)")


class OrganiserUnit(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))

    class Meta:
        verbose_name = _("organiser unit")
        verbose_name_plural = _("organiser units")

    def __str__(self) -> str:
        return self.name


class Organiser(models.Model):
    """A user who runs the programmes of a unit (宣讲组织员)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(OrganiserUnit, on_delete=models.CASCADE, related_name="organisers")

    class Meta:
        verbose_name = _("organiser")
        verbose_name_plural = _("organisers")
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="outreach_organiser_once")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.unit_id}"


class Programme(models.Model):
    unit = models.ForeignKey(OrganiserUnit, on_delete=models.PROTECT, related_name="programmes")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    # The kinds of venue (`VenueKind` values) the programme must reach.
    venue_kinds = models.JSONField(_("kinds of venue"), default=list)
    starts_on = models.DateField(_("starts on"))
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="outreach_programme_name")]

    def __str__(self) -> str:
        return self.name


class Speaker(models.Model):
    class Kind(models.TextChoices):
        CADRE = "cadre", _("retired cadre (离退休干部)")
        VILLAGE_SECRETARY = "village_secretary", _("retired village party secretary (老村支书)")
        TEACHER = "teacher", _("retired teacher (老教师)")
        WORKER = "worker", _("retired worker (老工人)")
        POLICE = "police", _("retired police or legal worker (老政法干警)")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    home_unit = models.CharField(_("home unit"), max_length=100)
    topics = models.CharField(_("topics"), max_length=200, blank=True)
    # The speaker's own account, when they have one: they rate their lectures with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["programme_id", "id"]

    def __str__(self) -> str:
        return self.name


# Where each kind of veteran goes back to, as the kind of venue it counts as.
SPEAKER_GOES_BACK_TO = {
    Speaker.Kind.CADRE: (VenueKind.OFFICE, _("offices they worked in")),
    Speaker.Kind.VILLAGE_SECRETARY: (VenueKind.VILLAGE, _("their villages")),
    Speaker.Kind.TEACHER: (VenueKind.SCHOOL, _("their schools")),
    Speaker.Kind.WORKER: (VenueKind.COMPANY, _("their companies")),
    Speaker.Kind.POLICE: (VenueKind.OFFICE, _("police stations and courts")),
}


class Quota(models.Model):
    class Kind(models.TextChoices):
        LECTURES_PER_MONTH = "per_month", _("lectures held each month")
        EACH_VENUE_KIND_PER_QUARTER = "venue_quarter", _("lectures in each kind of venue each quarter")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="quotas")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    minimum = models.PositiveIntegerField(_("at least"))

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind"], name="outreach_quota_once"),
            models.CheckConstraint(condition=Q(minimum__gte=1), name="outreach_quota_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.kind} ≥ {self.minimum}"


def _checkin_token() -> str:
    return secrets.token_urlsafe(12)


class Lecture(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        HELD = "held", _("held")
        CLOSED = "closed", _("closed")
        CANCELLED = "cancelled", _("cancelled")

    # A lecture is held once someone checks in; the organiser closes it afterwards with its summary
    # (attendance is final then), also one nobody checked in to; one that did not happen is cancelled.
    TRANSITIONS: ClassVar[dict[Status, set[Status]]] = {
        Status.SCHEDULED: {Status.HELD, Status.CLOSED, Status.CANCELLED},
        Status.HELD: {Status.CLOSED},
        Status.CLOSED: set(),
        Status.CANCELLED: set(),
    }
    # Held or closed: the lecture took place and counts towards the quotas.
    TOOK_PLACE: ClassVar[set[Status]] = {Status.HELD, Status.CLOSED}

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="lectures")
    speaker = models.ForeignKey(Speaker, on_delete=models.PROTECT, related_name="lectures")
    topic = models.CharField(_("topic"), max_length=120)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue_kind = models.CharField(_("kind of venue"), max_length=12, choices=VenueKind.choices)
    venue_name = models.CharField(_("venue"), max_length=100)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    address = models.CharField(_("address"), max_length=200)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    walk_ins = models.PositiveIntegerField(_("walk-ins"), default=0)
    summary = models.TextField(_("summary"), blank=True)
    checkin_token = models.CharField(max_length=24, unique=True, default=_checkin_token)
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lecture")
        verbose_name_plural = _("lectures")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["programme", "starts_at"]),
            models.Index(fields=["speaker", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="outreach_lecture_ends"
            ),
        ]

    def __str__(self) -> str:
        return self.topic


class Registration(models.Model):
    lecture = models.ForeignKey(Lecture, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [models.UniqueConstraint(fields=["lecture", "user"], name="outreach_register_once")]

    def __str__(self) -> str:
        return f"{self.lecture_id}: {self.user_id}"


class CheckIn(models.Model):
    class Method(models.TextChoices):
        SIGNED_IN = "signed_in", _("signed in")
        SMS = "sms", _("phone and text code")
        ORGANISER = "organiser", _("by the organiser")

    lecture = models.ForeignKey(Lecture, on_delete=models.CASCADE, related_name="checkins")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    phone = models.CharField(_("mobile number"), max_length=11, blank=True)
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(
                fields=["lecture", "user"], condition=Q(user__isnull=False), name="outreach_checkin_user_once"
            ),
            models.UniqueConstraint(
                fields=["lecture", "phone"], condition=~Q(phone=""), name="outreach_checkin_phone_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lecture_id}: check-in {self.pk}"


class CheckInCode(SmsCode):
    """The code texted to a mobile number to check in to a lecture without an account; only the
    number's latest code for the lecture counts."""

    PHONE_LOOKUP = "phone"

    lecture = models.ForeignKey(Lecture, on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(max_length=11)
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("check-in code")
        verbose_name_plural = _("check-in codes")
        indexes = [models.Index(fields=["lecture", "phone", "-created_at"])]

    def __str__(self) -> str:
        return f"check-in code {self.pk}"

    @staticmethod
    def digest_of(lecture_id: int, phone: str, code: str) -> str:
        return code_digest("banshi.outreach.checkin_code", f"{lecture_id}:{phone}", code)


class Rating(models.Model):
    class By(models.TextChoices):
        SPEAKER = "speaker", _("the speaker")
        AUDIENCE = "audience", _("the audience")

    lecture = models.ForeignKey(Lecture, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    by = models.CharField(_("by"), max_length=10, choices=By.choices)
    stars = models.PositiveSmallIntegerField(_("rating"))
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["lecture", "user"], name="outreach_rate_once"),
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="outreach_rating_range"),
        ]

    def __str__(self) -> str:
        return f"{self.lecture_id}: {self.stars}"


class LecturePhoto(models.Model):
    """A photo of a lecture held, re-encoded as a JPEG without metadata, stored outside the web root."""

    lecture = models.ForeignKey(Lecture, on_delete=models.CASCADE, related_name="photos")
    path = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("lecture photo")
        verbose_name_plural = _("lecture photos")
        ordering = ["lecture_id", "id"]

    def __str__(self) -> str:
        return f"{self.lecture_id}: photo {self.pk}"
