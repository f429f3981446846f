"""The audit event types of surveys and ballots. A vote's event names the ballot and the voter, never a
paper or what was chosen."""

from enum import StrEnum, unique


@unique
class EventType(StrEnum):
    ROLL_DRAWN = "polls.roll_drawn"
    RESIDENCE_DECLARED = "polls.residence_declared"
    SURVEY_CREATED = "polls.survey_created"
    SURVEY_ANSWERED = "polls.survey_answered"
    SURVEY_CLOSED = "polls.survey_closed"
    BALLOT_CREATED = "polls.ballot_created"
    BALLOT_VOTED = "polls.ballot_voted"
    BALLOT_CLOSED = "polls.ballot_closed"
