"""Surveys and secret ballots, for any app above: a subject is named by a generic key and label
(`subject_type`, `subject_id`, `subject_label`), never by a foreign key, so polls know nothing of projects.

A survey asks questions with choices; a person answers once (one `Response` per survey and person, held
by a unique constraint), optionally only when on a voter roll or living in an area.

A ballot is secret. Two tables hold a vote, and nothing joins them:
- `VoterMark` records THAT a voter has voted: keyed by (ballot, voter), unique, so nobody is counted twice;
  it holds no choice.
- `Paper` records WHAT was chosen: no voter, no time, no sequential id (a random UUID is its key). Papers
  are written in the same transaction as the mark, so a vote is both or neither; when the ballot closes
  its papers are written again in a random order under new UUIDs (`ballot_close`), so the order of the
  rows on disk cannot be lined up with the marks' either. No audit event or log line names a paper.

"Present" (the base of the threshold) is the voters who cast a ballot in this ballot, a blank paper
included: the number of marks. A candidate passes with more than `threshold` of them."""

from __future__ import annotations

import uuid
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Answer",
    "Ballot",
    "BallotCandidate",
    "Choice",
    "Paper",
    "Question",
    "Residence",
    "Response",
    "Roll",
    "RollMember",
    "Survey",
    "VoterMark",
]


class Roll(models.Model):
    """A list of the people who may answer or vote (a voter roll), fixed when it is drawn up."""

    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("voter roll")
        verbose_name_plural = _("voter rolls")

    def __str__(self) -> str:
        return self.name


class RollMember(models.Model):
    roll = models.ForeignKey(Roll, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("voter on a roll")
        constraints = [models.UniqueConstraint(fields=["roll", "user"], name="polls_roll_member_once")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.roll_id}"


class Residence(models.Model):
    """The area (a district, street or community) a person says they live in: a survey restricted to an
    area asks only the people living in it or in an area below it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="residence")
    area = models.ForeignKey("directory.Area", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("residence")

    def __str__(self) -> str:
        return f"{self.user_id} in {self.area_id}"


class Subject(models.Model):
    subject_type = models.CharField(_("subject type"), max_length=100)
    subject_id = models.CharField(_("subject id"), max_length=64)
    subject_label = models.CharField(_("subject"), max_length=200, blank=True)

    class Meta:
        abstract = True


class Survey(Subject):
    title = models.CharField(_("title"), max_length=200)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    roll = models.ForeignKey(Roll, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(
        "directory.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="polls_survey_subject")]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    key = models.CharField(_("key"), max_length=64, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    label = models.CharField(_("choice"), max_length=200)
    key = models.CharField(_("key"), max_length=64)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("choice")
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="polls_choice_key_once")]

    def __str__(self) -> str:
        return self.label


class Response(models.Model):
    """One person's answers to a survey (surveys are not secret: a person may see what they answered)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("survey response")
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent"], name="polls_one_response_per_person")
        ]

    def __str__(self) -> str:
        return f"response to {self.survey_id}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT, related_name="answers")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="polls_answer_once")]

    def __str__(self) -> str:
        return f"answer {self.choice_id}"


class Ballot(Subject):
    """A vote with `places` to fill and (usually) more candidates (差额选举). `threshold` is the share of
    the voters present a candidate must exceed (default: more than half)."""

    title = models.CharField(_("title"), max_length=200)
    places = models.PositiveSmallIntegerField(_("places"))
    roll = models.ForeignKey(Roll, on_delete=models.PROTECT, related_name="+")
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    threshold_numerator = models.PositiveSmallIntegerField(default=1)
    threshold_denominator = models.PositiveSmallIntegerField(default=2)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="polls_ballot_subject")]
        constraints = [
            models.CheckConstraint(condition=models.Q(places__gte=1), name="polls_ballot_has_places"),
            models.CheckConstraint(
                condition=models.Q(threshold_denominator__gte=1)
                & models.Q(threshold_numerator__lt=models.F("threshold_denominator")),
                name="polls_ballot_threshold_below_one",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def threshold(self) -> Fraction:
        return Fraction(self.threshold_numerator, self.threshold_denominator)


class BallotCandidate(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="candidates")
    key = models.CharField(_("key"), max_length=64)
    label = models.CharField(_("candidate"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("candidate on a ballot")
        constraints = [models.UniqueConstraint(fields=["ballot", "key"], name="polls_candidate_key_once")]

    def __str__(self) -> str:
        return self.label


class VoterMark(models.Model):
    """THAT a voter voted in a ballot: nothing of what they chose, and no time (the order of marks and
    papers must not line up)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="marks")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("voter's mark")
        constraints = [models.UniqueConstraint(fields=["ballot", "voter"], name="polls_vote_once")]

    def __str__(self) -> str:
        return f"a vote in {self.ballot_id}"


class Paper(models.Model):
    """WHAT one (unknown) voter chose: the keys of the candidates marked, sorted, possibly none (a blank
    paper). No voter, no time, a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="papers")
    choices = models.JSONField(default=list)

    class Meta:
        verbose_name = _("ballot paper")

    def __str__(self) -> str:
        return f"a paper of {self.ballot_id}"
