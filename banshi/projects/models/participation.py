"""Residents' and deputies' say on the livelihood projects: selection rounds (proposals, shortlisted
candidates, the opinion survey and the deputies' secret ballot, both run by `banshi.polls`), the
deputies' roll (人大代表), consultations on a draft plan, on-site office sessions (现场办公) and the
year-end verdict (人大验单)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from banshi.projects.models.register import Project

__all__ = [
    "Candidate",
    "Comment",
    "Consultation",
    "ConsultationFile",
    "Deputy",
    "OnSiteSession",
    "Proposal",
    "Round",
    "SessionProblem",
    "Verdict",
]


class Deputy(models.Model):
    """A people's congress deputy (人大代表): votes in the selection rounds of their area (or every
    area, when none) and rates completed projects at year end as a deputy."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deputy")
    area = models.ForeignKey(
        "directory.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The congress the deputy sits in; empty for the city's."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")

    def __str__(self) -> str:
        return str(self.user)


class Round(models.Model):
    """A selection round (群众点单、代表定单) for a level and area, in phases with dates."""

    class Phase(models.TextChoices):
        PROPOSALS = "proposals", _("proposals")
        SHORTLISTING = "shortlisting", _("shortlisting")
        SURVEY = "survey", _("opinion survey")
        VOTE = "vote", _("deputies' vote")
        CLOSED = "closed", _("closed")

    TRANSITIONS = {
        Phase.PROPOSALS: {Phase.SHORTLISTING},
        Phase.SHORTLISTING: {Phase.SURVEY},
        Phase.SURVEY: {Phase.VOTE},
        Phase.VOTE: {Phase.CLOSED},
        Phase.CLOSED: set(),
    }

    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Project.Level.choices)
    area = models.ForeignKey(
        "directory.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year of the projects"))
    organiser = models.ForeignKey(
        "directory.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organising unit"),
    )
    places = models.PositiveSmallIntegerField(_("places"))
    threshold_numerator = models.PositiveSmallIntegerField(default=1)
    threshold_denominator = models.PositiveSmallIntegerField(default=2)
    survey_residents_only = models.BooleanField(
        _("only residents of the area answer the survey"), default=False
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.PROPOSALS)
    proposals_close_at = models.DateTimeField(_("proposals close at"))
    survey_opens_at = models.DateTimeField(_("survey opens at"))
    survey_closes_at = models.DateTimeField(_("survey closes at"))
    vote_opens_at = models.DateTimeField(_("vote opens at"))
    vote_closes_at = models.DateTimeField(_("vote closes at"))
    survey = models.OneToOneField(
        "polls.Survey", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ballot = models.OneToOneField(
        "polls.Ballot", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("selection round")
        verbose_name_plural = _("selection rounds")
        ordering = ["-year", "-created_at"]

    def __str__(self) -> str:
        return self.title


class Proposal(models.Model):
    """A resident's proposal for a project (群众点单), moderated by the round's staff."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting moderation")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    TRANSITIONS = {
        Status.PENDING: {Status.ACCEPTED, Status.REJECTED},
        Status.ACCEPTED: set(),
        Status.REJECTED: set(),
    }

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("what should be done, and why"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    moderation_note = models.CharField(_("moderator's note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("submitted at"))
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["round", "status"], name="projects_proposal_round")]

    def __str__(self) -> str:
        return self.title


class Candidate(models.Model):
    """A shortlisted project, with its cost, description and completion date; `project` is the
    register's project it became when the deputies chose it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="candidates")
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="candidates"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    cost = models.DecimalField(_("cost (yuan)"), max_digits=16, decimal_places=2)
    completion_date = models.DateField(_("to be completed by"))
    project = models.OneToOneField(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="candidate"
    )
    created_at = models.DateTimeField(_("shortlisted at"))

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "proposal"], name="projects_candidate_proposal_once"),
            models.CheckConstraint(condition=models.Q(cost__gte=Decimal(0)), name="projects_candidate_cost"),
        ]

    def __str__(self) -> str:
        return self.name


class Consultation(models.Model):
    """A draft plan put to residents between two dates (征求意见); the final plan says what the
    opinions changed."""

    class Status(models.TextChoices):
        OPEN = "open", _("open for opinions")
        FINALISED = "finalised", _("final plan published")

    TRANSITIONS = {Status.OPEN: {Status.FINALISED}, Status.FINALISED: set()}

    title = models.CharField(_("title"), max_length=200)
    draft = models.TextField(_("draft plan"))
    area = models.ForeignKey(
        "directory.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organiser = models.ForeignKey(
        "directory.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="consultations"
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    final_plan = models.TextField(_("final plan"), blank=True)
    changes = models.TextField(_("what the opinions changed"), blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at"]

    def __str__(self) -> str:
        return self.title


class ConsultationFile(models.Model):
    """A document (PDF only, checked by content) or an image (re-encoded, metadata stripped) of a draft
    plan, kept in the database: they are small and few."""

    class Kind(models.TextChoices):
        PDF = "pdf", _("document (PDF)")
        IMAGE = "image", _("image")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    data = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("consultation file")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Comment(models.Model):
    class Stance(models.TextChoices):
        AGREE = "agree", _("agree")
        DISAGREE = "disagree", _("disagree")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stance = models.CharField(_("agree or disagree"), max_length=10, choices=Stance.choices)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("sent at"))
    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.text[:40]}"


class OnSiteSession(models.Model):
    """An on-site office session (现场办公): departments meet residents where the problem is."""

    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("where"), max_length=200)
    held_at = models.DateTimeField(_("when"))
    area = models.ForeignKey(
        "directory.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organiser = models.ForeignKey(
        "directory.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    units = models.ManyToManyField(
        "directory.Agency", blank=True, related_name="+", verbose_name=_("units present")
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="onsite_sessions"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("on-site office session")
        verbose_name_plural = _("on-site office sessions")
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return self.title


class SessionProblem(models.Model):
    """A problem raised at a session and the answer given there; `report_number` is the residents'
    problem report it was filed as (the problems app's reference), if it was."""

    session = models.ForeignKey(OnSiteSession, on_delete=models.CASCADE, related_name="problems")
    problem = models.TextField(_("problem raised"))
    answer = models.TextField(_("answer given"), blank=True)
    report_number = models.CharField(_("problem report"), max_length=24, blank=True)
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("problem raised on site")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.problem[:60]


class Verdict(models.Model):
    """A resident's or a deputy's year-end rating of a completed project (人大验单), one per person."""

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("satisfied")
        FAIRLY_SATISFIED = "fairly_satisfied", _("fairly satisfied")
        DISSATISFIED = "dissatisfied", _("dissatisfied")
        ABSTAIN = "abstain", _("abstain")

    class As(models.TextChoices):
        RESIDENT = "resident", _("resident")
        DEPUTY = "deputy", _("deputy")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="verdicts")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rated_as = models.CharField(_("rated as"), max_length=10, choices=As.choices)
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)
    created_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("year-end verdict")
        verbose_name_plural = _("year-end verdicts")
        constraints = [
            models.UniqueConstraint(fields=["project", "rater"], name="projects_one_verdict_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.rating}"
