"""Selection rounds: created by staff; residents propose (moderated); staff shortlist candidates; the
residents' opinion survey and the deputies' secret ballot run through `banshi.polls`; the chosen
candidates become projects of the register.

A round moves one phase at a time (`Round.TRANSITIONS`), by its staff. Moving on ends the phase before:
the proposals stop; the survey is closed (its counts become public); the ballot is closed and counted
(its counts become public) and each chosen candidate becomes a planned project. Within a phase, the
dates are the polls': a survey answer or a vote outside them is refused."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.audit.services import event_record
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.lib.states import check_move
from banshi.lib.text import text_field
from banshi.polls import services as polls
from banshi.polls.selectors import ballot_result
from banshi.projects.models import Candidate, Deputy, Project, Proposal, Round
from banshi.projects.participation_access import require_staff
from banshi.projects.participation_events import EventType
from banshi.projects.services.register import project_enter

if TYPE_CHECKING:
    from banshi.accounts.models import User
    from banshi.directory.models import Agency, Area

SUBJECT_TYPE = "projects.round"
SUPPORT_CHOICES = (
    ("support", "support"),
    ("neutral", "no view"),
    ("oppose", "oppose"),
)


def support_choices() -> list[tuple[str, str]]:
    return [
        ("support", _("I support it")),
        ("neutral", _("No view")),
        ("oppose", _("I oppose it")),
    ]


def round_create(
    *,
    actor: User,
    title: str,
    level: str,
    area: Area | None,
    year: int,
    organiser: Agency | None,
    places: int,
    proposals_close_at: datetime,
    survey_opens_at: datetime,
    survey_closes_at: datetime,
    vote_opens_at: datetime,
    vote_closes_at: datetime,
    threshold: Fraction = Fraction(1, 2),
    survey_residents_only: bool = False,
) -> Round:
    require_staff(actor, organiser)
    errors: dict[str, str] = {}
    clean_title = ""
    try:
        clean_title = text_field(title, field="title", limit=200, required=True)
    except FieldErrors as problem:
        errors |= problem.errors
    if level not in Project.Level.values:
        errors["level"] = _("is not a level of projects")
    if places < 1:
        errors["places"] = _("must be at least 1")
    if not 0 <= threshold < 1:
        errors["threshold"] = _("must be a share from 0 up to, but not including, 1")
    order = [
        ("survey_opens_at", proposals_close_at, survey_opens_at),
        ("survey_closes_at", survey_opens_at, survey_closes_at),
        ("vote_opens_at", survey_closes_at, vote_opens_at),
        ("vote_closes_at", vote_opens_at, vote_closes_at),
    ]
    for field, before, after in order:
        if after < before or (field.endswith("closes_at") and after == before):
            errors[field] = _("must come after the phase before it")
    if errors:
        raise FieldErrors(errors)
    now = timezone.now()
    with transaction.atomic():
        round_ = Round.objects.create(
            title=clean_title,
            level=level,
            area=area,
            year=year,
            organiser=organiser,
            places=places,
            threshold_numerator=threshold.numerator,
            threshold_denominator=threshold.denominator,
            survey_residents_only=survey_residents_only,
            proposals_close_at=proposals_close_at,
            survey_opens_at=survey_opens_at,
            survey_closes_at=survey_closes_at,
            vote_opens_at=vote_opens_at,
            vote_closes_at=vote_closes_at,
            created_at=now,
            updated_at=now,
        )
        event_record(
            actor=actor, subject=round_, event_type=EventType.ROUND_CREATED, new_state=round_.phase, at=now
        )
    return round_


# --- proposals ------------------------------------------------------------------------------------


def proposal_submit(*, actor: User, round_id: int, title: Any, text: Any) -> Proposal:
    """A resident's proposal, while the round takes proposals; it waits for moderation."""
    if not actor.is_authenticated:
        raise NotFound()
    round_ = Round.objects.filter(pk=round_id).first()
    if round_ is None:
        raise NotFound()
    now = timezone.now()
    if round_.phase != Round.Phase.PROPOSALS or now >= round_.proposals_close_at:
        raise Conflict(_("This round no longer takes proposals."))
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for field, value, limit, multiline in (("title", title, 120, False), ("text", text, 4000, True)):
        try:
            values[field] = text_field(value, field=field, limit=limit, required=True, multiline=multiline)
        except FieldErrors as problem:
            errors |= problem.errors
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        proposal = Proposal.objects.create(
            round=round_, author=actor, title=values["title"], text=values["text"], created_at=now
        )
        event_record(
            actor=actor,
            subject=proposal,
            event_type=EventType.PROPOSAL_SUBMITTED,
            new_state=proposal.status,
            at=now,
            extra={"round": round_.pk},
        )
    return proposal


def proposal_moderate(*, actor: User, proposal_id: int, accept: bool, note: Any = "") -> Proposal:
    """Accept a proposal (it is shown and may be shortlisted) or reject it, with a note to its author."""
    proposal = Proposal.objects.select_related("round__organiser").filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound()
    require_staff(actor, proposal.round.organiser)
    if proposal.round.phase not in (Round.Phase.PROPOSALS, Round.Phase.SHORTLISTING):
        raise Conflict(_("The proposals of this round can no longer be moderated."))
    clean_note = text_field(note, field="note", limit=300)
    new = Proposal.Status.ACCEPTED if accept else Proposal.Status.REJECTED
    now = timezone.now()
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        check_move(Proposal, locked.status, new)
        old = locked.status
        locked.status, locked.moderation_note, locked.moderated_at = new, clean_note, now
        locked.save(update_fields=["status", "moderation_note", "moderated_at"])
        event_record(
            actor=actor,
            subject=locked,
            event_type=EventType.PROPOSAL_ACCEPTED if accept else EventType.PROPOSAL_REJECTED,
            old_state=old,
            new_state=new,
            reason=clean_note,
            at=now,
        )
    return locked


# --- candidates -----------------------------------------------------------------------------------


def _cost(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise FieldErrors({"cost": _("must be a number of yuan")})
    try:
        cost = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise FieldErrors({"cost": _("must be a number of yuan")}) from None
    if not cost.is_finite() or cost < 0:
        raise FieldErrors({"cost": _("must be a number of yuan, not negative")})
    if cost >= Decimal(10) ** 14:
        raise FieldErrors({"cost": _("is too large")})
    return cost.quantize(Decimal("0.01"))


def candidate_shortlist(
    *,
    actor: User,
    round_id: int,
    name: Any,
    description: Any,
    cost: Any,
    completion_date: date | None,
    proposal_id: int | None = None,
) -> Candidate:
    """Put a candidate on the round's shortlist, from an accepted proposal or on the staff's own."""
    round_ = Round.objects.select_related("organiser").filter(pk=round_id).first()
    if round_ is None:
        raise NotFound()
    require_staff(actor, round_.organiser)
    if round_.phase != Round.Phase.SHORTLISTING:
        raise Conflict(_("Candidates are shortlisted in the shortlisting phase only."))
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for field, value, limit, multiline in (
        ("name", name, 200, False),
        ("description", description, 4000, True),
    ):
        try:
            values[field] = text_field(value, field=field, limit=limit, required=True, multiline=multiline)
        except FieldErrors as problem:
            errors |= problem.errors
    try:
        values["cost"] = _cost(cost)
    except FieldErrors as problem:
        errors |= problem.errors
    if not isinstance(completion_date, date):
        errors["completion_date"] = _("is required")
    elif completion_date.year < round_.year:
        errors["completion_date"] = _("must not be before the round's year")
    proposal = None
    if proposal_id is not None:
        proposal = Proposal.objects.filter(pk=proposal_id, round=round_).first()
        if proposal is None or proposal.status != Proposal.Status.ACCEPTED:
            errors["proposal"] = _("is not an accepted proposal of this round")
        elif Candidate.objects.filter(round=round_, proposal=proposal).exists():
            errors["proposal"] = _("is already on the shortlist")
    if errors or completion_date is None:
        raise FieldErrors(errors)
    now = timezone.now()
    with transaction.atomic():
        candidate = Candidate.objects.create(
            round=round_,
            proposal=proposal,
            name=values["name"],
            description=values["description"],
            cost=values["cost"],
            completion_date=completion_date,
            created_at=now,
        )
        event_record(
            actor=actor,
            subject=candidate,
            event_type=EventType.CANDIDATE_SHORTLISTED,
            at=now,
            extra={
                "round": round_.pk,
                "proposal": proposal.pk if proposal else None,
                "cost": str(values["cost"]),
            },
        )
    return candidate


# --- phases ---------------------------------------------------------------------------------------


def _subject(round_: Round) -> tuple[str, str, str]:
    return (SUBJECT_TYPE, str(round_.pk), round_.title)


def deputies_for(round_: Round) -> list[User]:
    """The active deputies of the round's area (or of an area above it) and the city's."""
    lineage: list[int] = []
    area = round_.area
    while area is not None:
        lineage.append(area.pk)
        area = area.parent
    deputies = Deputy.objects.filter(active=True).select_related("user")
    return [d.user for d in deputies if d.area_id is None or d.area_id in lineage]


def _open_survey(actor: User, round_: Round, candidates: Sequence[Candidate]) -> None:
    round_.survey = polls.survey_create(
        actor=actor,
        title=round_.title,
        subject=_subject(round_),
        opens_at=round_.survey_opens_at,
        closes_at=round_.survey_closes_at,
        questions=[
            polls.QuestionSpec(text=candidate.name, key=str(candidate.pk), choices=SUPPORT_CHOICES)
            for candidate in candidates
        ],
        area=round_.area if round_.survey_residents_only else None,
    )


def _open_ballot(actor: User, round_: Round, candidates: Sequence[Candidate]) -> None:
    voters = deputies_for(round_)
    if not voters:
        raise Conflict(_("No deputy is on the roll of this round's area: the vote cannot open."))
    roll = polls.roll_draw(actor=actor, name=round_.title, users=voters)
    round_.ballot = polls.ballot_create(
        actor=actor,
        title=round_.title,
        subject=_subject(round_),
        places=round_.places,
        candidates=[(str(candidate.pk), candidate.name) for candidate in candidates],
        roll=roll,
        opens_at=round_.vote_opens_at,
        closes_at=round_.vote_closes_at,
        threshold=Fraction(round_.threshold_numerator, round_.threshold_denominator),
    )


def _choose(actor: User, round_: Round, now: datetime) -> list[Candidate]:
    """Close and count the ballot; each chosen candidate becomes a planned project of the register."""
    if round_.ballot is None:
        raise Conflict(_("This round has no ballot to count."))
    ballot = polls.ballot_close(actor=actor, ballot=round_.ballot)
    result = ballot_result(ballot, now=now)
    if result is None:  # closed just now, so it is counted; kept for the type checker
        raise Conflict(_("This round has no ballot to count."))
    chosen = list(Candidate.objects.filter(round=round_, pk__in=[int(key) for key in result.chosen]))
    for candidate in chosen:
        project = project_enter(
            actor=actor,
            name=candidate.name,
            description=candidate.description,
            level=round_.level,
            area=round_.area,
            year=round_.year,
            owner_unit=round_.organiser,
            budget=candidate.cost,
            end_date=candidate.completion_date,
            status=Project.Status.PLANNED,
        )
        candidate.project = project
        candidate.save(update_fields=["project"])
        event_record(
            actor=actor,
            subject=candidate,
            event_type=EventType.CANDIDATE_CHOSEN,
            at=now,
            extra={"round": round_.pk, "project": project.pk},
        )
    return chosen


def round_advance(*, actor: User, round_id: int, to: str) -> Round:
    """Move the round to its next phase `to` (named, so that a form sent twice does not skip one)."""
    round_ = Round.objects.select_related("organiser").filter(pk=round_id).first()
    if round_ is None:
        raise NotFound()
    require_staff(actor, round_.organiser)
    now = timezone.now()
    with transaction.atomic():
        locked = (
            Round.objects.select_for_update(of=("self",))
            .select_related("area", "survey", "ballot")
            .get(pk=round_.pk)
        )
        old = locked.phase
        check_move(Round, old, to)
        candidates = list(Candidate.objects.filter(round=locked))
        fields = ["phase", "updated_at"]
        extra: dict[str, Any] = {}
        if to == Round.Phase.SURVEY:
            if len(candidates) <= locked.places:
                raise Conflict(
                    _("The shortlist needs more candidates than places (%(places)d) before the survey.")
                    % {"places": locked.places}
                )
            _open_survey(actor, locked, candidates)
            fields.append("survey")
        elif to == Round.Phase.VOTE:
            if locked.survey is not None:
                polls.survey_close(actor=actor, survey=locked.survey)
            _open_ballot(actor, locked, candidates)
            fields.append("ballot")
        elif to == Round.Phase.CLOSED:
            extra["projects"] = [candidate.project_id for candidate in _choose(actor, locked, now)]
        locked.phase, locked.updated_at = to, now
        locked.save(update_fields=fields)
        event_record(
            actor=actor,
            subject=locked,
            event_type=EventType.ROUND_MOVED,
            old_state=old,
            new_state=to,
            at=now,
            extra=extra,
        )
    return locked


def round_vote(*, actor: User, round_id: int, choices: Sequence[Any]) -> None:
    """A deputy's secret vote on the round's candidates (`choices`: candidates' ids)."""
    round_ = Round.objects.filter(pk=round_id).first()
    if round_ is None:
        raise NotFound()
    if round_.phase != Round.Phase.VOTE or round_.ballot_id is None:
        raise Conflict(_("This round is not in its vote."))
    polls.ballot_vote(actor=actor, ballot_id=round_.ballot_id, choices=[str(choice) for choice in choices])


def round_answer_survey(*, actor: User, round_id: int, answers: dict[str, Any]) -> None:
    """A resident's answers to the round's opinion survey (`answers`: candidate's id → choice key)."""
    round_ = Round.objects.filter(pk=round_id).first()
    if round_ is None:
        raise NotFound()
    if round_.phase != Round.Phase.SURVEY or round_.survey_id is None:
        raise Conflict(_("This round is not in its opinion survey."))
    questions = dict(round_.survey.questions.values_list("key", "pk"))  # type: ignore[union-attr]
    unknown = [key for key in answers if key not in questions]
    if unknown:
        raise FieldErrors({f"c{unknown[0]}": _("is not a candidate of this round")})
    by_question = {f"q{pk}": f"c{key}" for key, pk in questions.items()}
    try:
        polls.survey_answer(
            actor=actor,
            survey_id=round_.survey_id,
            answers={str(questions[key]): value for key, value in answers.items()},
        )
    except FieldErrors as problem:
        # The polls name a question; the round's form names the candidate it asks about.
        raise FieldErrors(
            {by_question.get(name, name): text for name, text in problem.errors.items()}
        ) from None


def deputy_add(*, actor: User | None, user: User, area: Area | None = None) -> Deputy:
    """Put `user` on the deputies' roll (idempotent)."""
    with transaction.atomic():
        deputy, created = Deputy.objects.get_or_create(user=user, defaults={"area": area})
        if created:
            event_record(actor=actor, subject=deputy, event_type=EventType.DEPUTY_ADDED)
    return deputy
