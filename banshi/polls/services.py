"""Writes of the polls: rolls, surveys and their responses, ballots, votes and closing.

Race-safety: a second response or vote by the same person is refused by the database's unique constraint
(`polls_one_response_per_person`, `polls_vote_once`), inside the transaction that writes the rest, so
two submissions arriving at once are one counted and one refused, never two counted."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.audit.services import event_record
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.polls.events import EventType
from banshi.polls.models import (
    Answer,
    Ballot,
    BallotCandidate,
    Choice,
    Paper,
    Question,
    Residence,
    Response,
    Roll,
    RollMember,
    Survey,
    VoterMark,
)

if TYPE_CHECKING:
    from banshi.accounts.models import User
    from banshi.directory.models import Area


@dataclass(frozen=True)
class QuestionSpec:
    text: str
    choices: Sequence[tuple[str, str]]  # (key, label)
    key: str = ""


def roll_draw(*, actor: User | None, name: str, users: Iterable[User], at: datetime | None = None) -> Roll:
    """A voter roll of `users`, fixed from now on."""
    now = at or timezone.now()
    with transaction.atomic():
        roll = Roll.objects.create(name=name[:200], created_at=now)
        members = {user.pk: user for user in users}
        RollMember.objects.bulk_create(RollMember(roll=roll, user_id=pk) for pk in members)
        event_record(
            actor=actor,
            subject=roll,
            event_type=EventType.ROLL_DRAWN,
            at=now,
            extra={"voters": len(members)},
        )
    return roll


def residence_declare(*, actor: User, area_code: Any) -> Residence:
    """Say where `actor` lives (a district, street or community of the directory), for the surveys
    restricted to an area; saying it again replaces it."""
    from banshi.directory.models import Area

    if not actor.is_authenticated:
        raise NotFound()
    area = Area.objects.filter(code=area_code).first() if isinstance(area_code, str) else None
    if area is None:
        raise FieldErrors({"area": _("is not an area of the city")})
    with transaction.atomic():
        residence, _created = Residence.objects.update_or_create(user=actor, defaults={"area": area})
        event_record(
            actor=actor, subject=residence, event_type=EventType.RESIDENCE_DECLARED, extra={"area": area.code}
        )
    return residence


def _check_window(opens_at: datetime, closes_at: datetime) -> None:
    if closes_at <= opens_at:
        raise FieldErrors({"closes_at": _("must be after the opening")})


def survey_create(
    *,
    actor: User | None,
    title: str,
    subject: tuple[str, str, str],
    opens_at: datetime,
    closes_at: datetime,
    questions: Sequence[QuestionSpec],
    roll: Roll | None = None,
    area: Area | None = None,
) -> Survey:
    """A survey on `subject` (type, id, label) open from `opens_at` until `closes_at`."""
    _check_window(opens_at, closes_at)
    if not questions or any(len(q.choices) < 2 for q in questions):
        raise FieldErrors({"questions": _("each question needs at least two choices")})
    now = timezone.now()
    with transaction.atomic():
        survey = Survey.objects.create(
            title=title[:200],
            subject_type=subject[0],
            subject_id=subject[1],
            subject_label=subject[2][:200],
            opens_at=opens_at,
            closes_at=closes_at,
            roll=roll,
            area=area,
            created_at=now,
        )
        for position, spec in enumerate(questions):
            question = Question.objects.create(
                survey=survey, text=spec.text[:300], key=spec.key, position=position
            )
            Choice.objects.bulk_create(
                Choice(question=question, key=key, label=label[:200], position=index)
                for index, (key, label) in enumerate(spec.choices)
            )
        event_record(actor=actor, subject=survey, event_type=EventType.SURVEY_CREATED, at=now)
    return survey


def survey_is_open(survey: Survey, now: datetime) -> bool:
    return survey.closed_at is None and survey.opens_at <= now < survey.closes_at


def survey_is_closed(survey: Survey, now: datetime) -> bool:
    return survey.closed_at is not None or now >= survey.closes_at


def may_answer(survey: Survey, user: User) -> bool:
    """On the survey's roll when it has one; living in its area (or below) when it has one."""
    if not user.is_authenticated:
        return False
    if (
        survey.roll_id is not None
        and not RollMember.objects.filter(roll_id=survey.roll_id, user=user).exists()
    ):
        return False
    if survey.area_id is not None:
        home = Residence.objects.filter(user=user).select_related("area").first()
        area = home.area if home else None
        while area is not None and area.pk != survey.area_id:
            area = area.parent
        if area is None:
            return False
    return True


def survey_answer(*, actor: User, survey_id: int, answers: Mapping[str, Any]) -> Response:
    """`answers` maps a question's id (as text, the form's name `q<id>` stripped) to a choice's key.
    Every question must be answered with one of its choices. Refused, with nothing written: outside
    the survey's dates, by someone it does not ask, or a second time (also when two arrive at once)."""
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        raise NotFound()
    now = timezone.now()
    if not survey_is_open(survey, now):
        raise Conflict(_("This survey is not open."))
    if not may_answer(survey, actor):
        raise Conflict(_("This survey is not for you: it asks only the people on its roll or in its area."))
    questions = list(survey.questions.prefetch_related("choices"))
    errors: dict[str, str] = {}
    chosen: list[tuple[Question, Choice]] = []
    known = {str(question.pk) for question in questions}
    for name in answers:
        if str(name) not in known:
            errors[f"q{name}"] = _("is not a question of this survey")
    for question in questions:
        value = answers.get(str(question.pk))
        choice = next((c for c in question.choices.all() if isinstance(value, str) and c.key == value), None)
        if value in (None, ""):
            errors[f"q{question.pk}"] = _("choose an answer")
        elif choice is None:
            errors[f"q{question.pk}"] = _("is not one of the choices")
        else:
            chosen.append((question, choice))
    if errors:
        raise FieldErrors(errors)
    try:
        with transaction.atomic():
            response = Response.objects.create(survey=survey, respondent=actor, submitted_at=now)
            Answer.objects.bulk_create(
                Answer(response=response, question=question, choice=choice) for question, choice in chosen
            )
            event_record(actor=actor, subject=survey, event_type=EventType.SURVEY_ANSWERED, at=now)
    except IntegrityError:
        raise Conflict(_("You have already answered this survey.")) from None
    return response


def survey_close(*, actor: User | None, survey: Survey) -> Survey:
    now = timezone.now()
    with transaction.atomic():
        updated = Survey.objects.filter(pk=survey.pk, closed_at__isnull=True).update(closed_at=now)
        if updated:
            event_record(actor=actor, subject=survey, event_type=EventType.SURVEY_CLOSED, at=now)
    survey.refresh_from_db(fields=["closed_at"])
    return survey


# --- ballots ---------------------------------------------------------------------------------------


def ballot_create(
    *,
    actor: User | None,
    title: str,
    subject: tuple[str, str, str],
    places: int,
    candidates: Sequence[tuple[str, str]],
    roll: Roll,
    opens_at: datetime,
    closes_at: datetime,
    threshold: Fraction = Fraction(1, 2),
) -> Ballot:
    """A ballot of `candidates` (key, label) for `places`, for the voters of `roll`."""
    _check_window(opens_at, closes_at)
    errors: dict[str, str] = {}
    if places < 1:
        errors["places"] = _("must be at least 1")
    elif len(candidates) < places:
        errors["candidates"] = _("must be at least as many as the places")
    if len({key for key, _label in candidates}) != len(candidates):
        errors["candidates"] = _("must each appear once")
    if not 0 <= threshold < 1:
        errors["threshold"] = _("must be a share from 0 up to, but not including, 1")
    if errors:
        raise FieldErrors(errors)
    now = timezone.now()
    with transaction.atomic():
        ballot = Ballot.objects.create(
            title=title[:200],
            subject_type=subject[0],
            subject_id=subject[1],
            subject_label=subject[2][:200],
            places=places,
            roll=roll,
            opens_at=opens_at,
            closes_at=closes_at,
            threshold_numerator=threshold.numerator,
            threshold_denominator=threshold.denominator,
            created_at=now,
        )
        BallotCandidate.objects.bulk_create(
            BallotCandidate(ballot=ballot, key=key, label=label[:200], position=index)
            for index, (key, label) in enumerate(candidates)
        )
        event_record(
            actor=actor,
            subject=ballot,
            event_type=EventType.BALLOT_CREATED,
            at=now,
            extra={"places": places, "candidates": len(candidates), "threshold": str(threshold)},
        )
    return ballot


def ballot_is_open(ballot: Ballot, now: datetime) -> bool:
    return ballot.closed_at is None and ballot.opens_at <= now < ballot.closes_at


def ballot_is_closed(ballot: Ballot, now: datetime) -> bool:
    return ballot.closed_at is not None or now >= ballot.closes_at


def may_vote(ballot: Ballot, user: User) -> bool:
    return user.is_authenticated and RollMember.objects.filter(roll_id=ballot.roll_id, user=user).exists()


def has_voted(ballot: Ballot, user: User) -> bool:
    return user.is_authenticated and VoterMark.objects.filter(ballot=ballot, voter=user).exists()


def ballot_vote(*, actor: User, ballot_id: int, choices: Iterable[Any]) -> None:
    """Cast `actor`'s vote: the keys of at most `places` candidates of the ballot (none is a blank
    paper). Returns nothing, so that no caller holds the paper. Refused with nothing written: outside the
    ballot's dates, not on its roll, more choices than places, a candidate not on the ballot, a key twice,
    a second vote (also when two arrive at once)."""
    ballot = Ballot.objects.filter(pk=ballot_id).first()
    if ballot is None:
        raise NotFound()
    now = timezone.now()
    if not ballot_is_open(ballot, now):
        raise Conflict(_("This ballot is not open for voting."))
    if not may_vote(ballot, actor):
        raise Conflict(_("You are not on this ballot's roll of voters."))
    keys = [str(choice) for choice in choices]
    known = set(ballot.candidates.values_list("key", flat=True))
    if any(key not in known for key in keys):
        raise FieldErrors({"choices": _("names a candidate who is not on this ballot")})
    if len(set(keys)) != len(keys):
        raise FieldErrors({"choices": _("names a candidate more than once")})
    if len(keys) > ballot.places:
        raise FieldErrors(
            {
                "choices": _("chooses %(chosen)d candidates; at most %(places)d may be chosen")
                % {"chosen": len(keys), "places": ballot.places}
            }
        )
    try:
        with transaction.atomic():
            VoterMark.objects.create(ballot=ballot, voter=actor)
            Paper.objects.create(ballot=ballot, choices=sorted(keys))
            event_record(actor=actor, subject=ballot, event_type=EventType.BALLOT_VOTED, at=now)
    except IntegrityError:
        raise Conflict(_("You have already voted in this ballot.")) from None


def ballot_close(*, actor: User | None, ballot: Ballot) -> Ballot:
    """Close the ballot (also before its closing time) and write its papers again, shuffled, under new
    keys: the order in which they were cast is gone from the table."""
    now = timezone.now()
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.closed_at is None:
            contents = list(Paper.objects.filter(ballot=locked).values_list("choices", flat=True))
            random.SystemRandom().shuffle(contents)
            Paper.objects.filter(ballot=locked).delete()
            Paper.objects.bulk_create(
                Paper(id=uuid.uuid4(), ballot=locked, choices=content) for content in contents
            )
            locked.closed_at = now
            locked.save(update_fields=["closed_at"])
            event_record(
                actor=actor,
                subject=locked,
                event_type=EventType.BALLOT_CLOSED,
                at=now,
                extra={"present": len(contents)},
            )
    ballot.refresh_from_db(fields=["closed_at"])
    return ballot
