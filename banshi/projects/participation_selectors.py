"""Reads of the selection rounds, consultations, on-site sessions and verdicts, for the pages. The
polls' counts are read only once their phase is closed (the polls return none before)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from banshi.directory.models import Area
from banshi.polls import services as polls
from banshi.polls.selectors import BallotResult, SurveyResult, ballot_result, ballot_turnout, survey_result
from banshi.problems.models import Category
from banshi.projects.models import Candidate, Consultation, OnSiteSession, Project, Proposal, Round, Verdict
from banshi.projects.participation_access import is_deputy, may_run

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from banshi.accounts.models import User

SIMILAR_MAX = 5
_WORDS = re.compile(r"[\w]+")


def rounds_list() -> QuerySet[Round]:
    return Round.objects.select_related("area", "organiser").order_by("-year", "-created_at")


def round_get(round_id: int) -> Round | None:
    return Round.objects.select_related("area", "organiser", "survey", "ballot").filter(pk=round_id).first()


@dataclass
class RoundPage:
    round: Round
    staff: bool
    candidates: list[Candidate]
    proposals: list[Proposal]
    pending: list[Proposal] = field(default_factory=list)
    survey_open: bool = False
    may_answer: bool = False
    has_answered: bool = False
    survey_result: SurveyResult | None = None
    support: dict[str, dict[str, int]] = field(default_factory=dict)
    vote_open: bool = False
    may_vote: bool = False
    has_voted: bool = False
    turnout: tuple[int, int] | None = None
    ballot_result: BallotResult | None = None
    takes_proposals: bool = False


def round_page(round_: Round, *, user: User | AnonymousUser, now: datetime) -> RoundPage:
    staff = may_run(user, round_.organiser)
    page = RoundPage(
        round=round_,
        staff=staff,
        candidates=list(Candidate.objects.filter(round=round_).select_related("proposal", "project")),
        proposals=list(Proposal.objects.filter(round=round_, status=Proposal.Status.ACCEPTED)),
        takes_proposals=round_.phase == Round.Phase.PROPOSALS and now < round_.proposals_close_at,
    )
    if staff:
        page.pending = list(Proposal.objects.filter(round=round_, status=Proposal.Status.PENDING))
    if round_.survey is not None:
        survey = round_.survey
        page.survey_open = round_.phase == Round.Phase.SURVEY and polls.survey_is_open(survey, now)
        if user.is_authenticated:
            page.may_answer = polls.may_answer(survey, user)
            page.has_answered = survey.responses.filter(respondent_id=user.pk).exists()
        page.survey_result = survey_result(survey, now=now)
        if page.survey_result is not None:
            page.support = {
                row.key: {key: count for key, _label, count in row.choices}
                for row in page.survey_result.questions
            }
            for candidate in page.candidates:
                candidate.support = page.support.get(str(candidate.pk))  # type: ignore[attr-defined]
    if round_.ballot is not None:
        ballot = round_.ballot
        page.vote_open = round_.phase == Round.Phase.VOTE and polls.ballot_is_open(ballot, now)
        if user.is_authenticated:
            page.may_vote = polls.may_vote(ballot, user)
            page.has_voted = polls.has_voted(ballot, user)
        page.turnout = ballot_turnout(ballot)
        page.ballot_result = ballot_result(ballot, now=now)
    return page


def residence_areas(round_: Round) -> list[Area]:
    """The round's area and the streets and townships in it, for a resident to say where they live."""
    if round_.area is None:
        return []
    return [round_.area, *Area.objects.filter(parent=round_.area).order_by("code")]


def _fragments(text: str) -> list[str]:
    """The words of `text`, and of a run of Chinese characters its pairs (a word of two characters is
    the commonest): "加装电梯" gives 加装, 装电, 电梯."""
    found: list[str] = []
    for word in _WORDS.findall(text):
        if word.isascii():
            if len(word) >= 3:
                found.append(word.lower())
        elif len(word) <= 2:
            found.append(word)
        else:
            found += [word[i : i + 2] for i in range(len(word) - 1)]
    return list(dict.fromkeys(found))[:12]


def similar_proposals(text: str) -> list[Proposal]:
    """Earlier accepted proposals (of any round) that share the most words with `text`, best first."""
    fragments = _fragments(text)
    if not fragments:
        return []
    query = Q()
    for fragment in fragments:
        query |= Q(title__icontains=fragment)
    found = list(
        Proposal.objects.filter(query, status=Proposal.Status.ACCEPTED)
        .select_related("round")
        .order_by("-created_at")[:50]
    )
    score = {p.pk: sum(fragment in p.title.lower() for fragment in fragments) for p in found}
    found.sort(key=lambda p: -score[p.pk])
    return found[:SIMILAR_MAX]


def filing_categories() -> QuerySet[Category]:
    return Category.objects.filter(active=True).order_by("pk")


# --- verdicts and the project's panel -----------------------------------------------------------


@dataclass(frozen=True)
class VerdictSummary:
    total: int
    by_rating: list[tuple[str, str, int, int]]  # key, label, residents, deputies

    @property
    def satisfied_share(self) -> int | None:
        """Satisfied and fairly satisfied, as a percentage of those who did not abstain."""
        counted = sum(r + d for key, _l, r, d in self.by_rating if key != Verdict.Rating.ABSTAIN)
        if not counted:
            return None
        happy = sum(
            r + d
            for key, _l, r, d in self.by_rating
            if key in (Verdict.Rating.SATISFIED, Verdict.Rating.FAIRLY_SATISFIED)
        )
        return round(100 * happy / counted)


def verdict_summary(counts: Counter[tuple[str, str]]) -> VerdictSummary:
    rows = [
        (key, str(label), counts[(key, Verdict.As.RESIDENT)], counts[(key, Verdict.As.DEPUTY)])
        for key, label in Verdict.Rating.choices
    ]
    return VerdictSummary(total=sum(counts.values()), by_rating=rows)


def verdicts_of(project: Project) -> VerdictSummary:
    counts: Counter[tuple[str, str]] = Counter(
        {
            (row["rating"], row["rated_as"]): row["n"]
            for row in _count(Verdict.objects.filter(project=project))
        }
    )
    return verdict_summary(counts)


def _count(queryset: QuerySet[Verdict]) -> Any:
    from django.db.models import Count

    return queryset.values("rating", "rated_as").annotate(n=Count("pk"))


@dataclass
class VerdictRow:
    project: Project
    summary: VerdictSummary


def verdicts_page(*, year: int | None = None) -> list[VerdictRow]:
    """The completed projects with their verdicts, in two queries."""
    from django.db.models import Count

    projects = Project.objects.filter(status__in=(Project.Status.COMPLETED, Project.Status.VERIFIED))
    if year is not None:
        projects = projects.filter(year=year)
    listed = list(projects.select_related("area").order_by("-year", "name")[:200])
    counts: dict[int, Counter[tuple[str, str]]] = {project.pk: Counter() for project in listed}
    for row in (
        Verdict.objects.filter(project__in=listed)
        .values("project_id", "rating", "rated_as")
        .annotate(n=Count("pk"))
    ):
        counts[row["project_id"]][(row["rating"], row["rated_as"])] = row["n"]
    return [VerdictRow(project, verdict_summary(counts[project.pk])) for project in listed]


@dataclass
class ProjectPanel:
    verdicts: VerdictSummary
    ratable: bool
    my_rating: str
    candidate: Candidate | None
    consultations: list[Consultation]
    sessions: list[OnSiteSession]
    is_deputy: bool


def project_panel(project: Project, *, user: User | AnonymousUser) -> ProjectPanel:
    candidate = Candidate.objects.select_related("round", "proposal").filter(project=project).first()
    mine = (
        Verdict.objects.filter(project=project, rater_id=user.pk).values_list("rating", flat=True).first()
        if user.is_authenticated
        else None
    )
    return ProjectPanel(
        verdicts=verdicts_of(project),
        ratable=project.status in (Project.Status.COMPLETED, Project.Status.VERIFIED),
        my_rating=mine or "",
        candidate=candidate,
        consultations=list(Consultation.objects.filter(project=project)),
        sessions=list(OnSiteSession.objects.filter(project=project).prefetch_related("units")),
        is_deputy=is_deputy(user),
    )


def consultations_list() -> QuerySet[Consultation]:
    return Consultation.objects.select_related("area", "organiser", "project")


def sessions_list() -> QuerySet[OnSiteSession]:
    return OnSiteSession.objects.select_related("area", "organiser", "project").prefetch_related("units")
