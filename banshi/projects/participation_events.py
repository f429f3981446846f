"""The audit event types of the selection rounds, consultations, on-site sessions and verdicts. The
deputies' votes are recorded by `banshi.polls` (which ballot, who voted; never what they chose)."""

from enum import StrEnum, unique


@unique
class EventType(StrEnum):
    ROUND_CREATED = "projects.round_created"
    ROUND_MOVED = "projects.round_moved"
    PROPOSAL_SUBMITTED = "projects.proposal_submitted"
    PROPOSAL_ACCEPTED = "projects.proposal_accepted"
    PROPOSAL_REJECTED = "projects.proposal_rejected"
    CANDIDATE_SHORTLISTED = "projects.candidate_shortlisted"
    CANDIDATE_CHOSEN = "projects.candidate_chosen"
    DEPUTY_ADDED = "projects.deputy_added"
    CONSULTATION_OPENED = "projects.consultation_opened"
    CONSULTATION_FILE_ADDED = "projects.consultation_file_added"
    CONSULTATION_COMMENTED = "projects.consultation_commented"
    CONSULTATION_REPLIED = "projects.consultation_replied"
    CONSULTATION_FINALISED = "projects.consultation_finalised"
    SESSION_RECORDED = "projects.onsite_session_recorded"
    SESSION_PROBLEM_RECORDED = "projects.onsite_problem_recorded"
    SESSION_PROBLEM_FILED = "projects.onsite_problem_filed"
    VERDICT_GIVEN = "projects.verdict_given"
