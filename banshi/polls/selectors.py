"""Reads of the polls: who may answer or vote, and the counts, which exist only once a survey or a
ballot is closed (nothing is shown while it is open).

The counting rule of a ballot:
- present: the voters who cast a ballot in it (blank papers included), i.e. the number of marks;
- a candidate passes with more than `threshold` of the present (default: more than half);
- of the passing candidates, the most voted take the places; when candidates with equal votes straddle
  the last place, none of them is chosen: they are all reported as tied, for a run-off decided by the
  organiser, and the places they contend for stay open."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from fractions import Fraction

from django.db.models import Count
from django.utils import timezone

from banshi.polls.models import Answer, Ballot, BallotCandidate, Choice, Paper, Survey, VoterMark
from banshi.polls.services import ballot_is_closed, survey_is_closed


class Outcome(StrEnum):
    CHOSEN = "chosen"
    TIED = "tied"  # passed, but tied for the last place: a run-off decides
    NOT_CHOSEN = "not_chosen"  # passed, but fewer votes than the places allowed
    FAILED = "failed"  # did not pass the threshold


@dataclass(frozen=True)
class CandidateCount:
    key: str
    label: str
    votes: int
    passes: bool
    outcome: Outcome


@dataclass(frozen=True)
class BallotResult:
    places: int
    present: int
    threshold: Fraction
    rows: list[CandidateCount]
    eligible: int

    @property
    def chosen(self) -> list[str]:
        return [row.key for row in self.rows if row.outcome == Outcome.CHOSEN]

    @property
    def tied(self) -> list[str]:
        return [row.key for row in self.rows if row.outcome == Outcome.TIED]

    @property
    def needed(self) -> int:
        """The fewest votes that pass: more than threshold × present."""
        return int(self.threshold * self.present) + 1


def count_papers(
    *,
    candidates: list[tuple[str, str]],
    papers: list[list[str]],
    places: int,
    present: int,
    threshold: Fraction,
) -> list[CandidateCount]:
    """The counting rule on plain values (see the module's docstring)."""
    votes = Counter(key for paper in papers for key in paper)
    passing = sorted(
        (key for key, _label in candidates if Fraction(votes[key]) > threshold * present),
        key=lambda key: -votes[key],
    )
    outcome: dict[str, Outcome] = {}
    if len(passing) <= places:
        outcome = dict.fromkeys(passing, Outcome.CHOSEN)
    else:
        boundary = votes[passing[places - 1]]
        above = [key for key in passing if votes[key] > boundary]
        at = [key for key in passing if votes[key] == boundary]
        outcome = dict.fromkeys(above, Outcome.CHOSEN)
        # The tie takes in the last place only when the tied candidates do not all fit in it.
        fits = len(above) + len(at) <= places
        outcome |= dict.fromkeys(at, Outcome.CHOSEN if fits else Outcome.TIED)
        outcome |= {key: Outcome.NOT_CHOSEN for key in passing if votes[key] < boundary}
    rows = [
        CandidateCount(
            key=key,
            label=label,
            votes=votes[key],
            passes=key in passing,
            outcome=outcome.get(key, Outcome.FAILED),
        )
        for key, label in candidates
    ]
    return sorted(rows, key=lambda row: -row.votes)


def ballot_result(ballot: Ballot, *, now: datetime | None = None) -> BallotResult | None:
    """The count, or None while the ballot is not closed."""
    if not ballot_is_closed(ballot, now or timezone.now()):
        return None
    candidates = list(BallotCandidate.objects.filter(ballot=ballot).values_list("key", "label"))
    papers = list(Paper.objects.filter(ballot=ballot).values_list("choices", flat=True))
    present = VoterMark.objects.filter(ballot=ballot).count()
    return BallotResult(
        places=ballot.places,
        present=present,
        threshold=ballot.threshold,
        eligible=ballot.roll.members.count(),
        rows=count_papers(
            candidates=candidates,
            papers=papers,
            places=ballot.places,
            present=present,
            threshold=ballot.threshold,
        ),
    )


def ballot_turnout(ballot: Ballot) -> tuple[int, int]:
    """(voted, on the roll): shown while open too, as it says nothing of the choices."""
    return VoterMark.objects.filter(ballot=ballot).count(), ballot.roll.members.count()


@dataclass
class QuestionCount:
    question_id: int
    key: str
    text: str
    choices: list[tuple[str, str, int]] = field(default_factory=list)  # key, label, count


@dataclass(frozen=True)
class SurveyResult:
    responses: int
    questions: list[QuestionCount]


def survey_result(survey: Survey, *, now: datetime | None = None) -> SurveyResult | None:
    """The counts per choice, or None while the survey is open."""
    if not survey_is_closed(survey, now or timezone.now()):
        return None
    counts = dict(
        Answer.objects.filter(response__survey=survey)
        .values("choice_id")
        .annotate(n=Count("pk"))
        .values_list("choice_id", "n")
    )
    questions: dict[int, QuestionCount] = {}
    for choice in (
        Choice.objects.filter(question__survey=survey)
        .select_related("question")
        .order_by("question__position", "question_id", "position", "pk")
    ):
        question = choice.question
        row = questions.setdefault(question.pk, QuestionCount(question.pk, question.key, question.text))
        row.choices.append((choice.key, choice.label, counts.get(choice.pk, 0)))
    return SurveyResult(responses=survey.responses.count(), questions=list(questions.values()))
