"""The audit event types of residents' accounts."""

from enum import StrEnum, unique


@unique
class EventType(StrEnum):
    """`Event.event_type` as stored: a value never changes, existing rows carry it."""

    USER_SIGNED_UP = "user.signed_up"
    USER_SIGNUP_CODE_SENT = "user.signup_code_sent"  # subject: the code's row; no account exists yet
    USER_SIGNUP_CODE_LOCKED = "user.signup_code_locked"
    USER_PASSWORD_CODE_SENT = "user.password_code_sent"
    USER_PASSWORD_CODE_LOCKED = "user.password_code_locked"
    USER_PASSWORD_SET = "user.password_set"
    USER_PASSWORD_CHANGED = "user.password_changed"  # by an administrator, in the admin
    API_TOKEN_ISSUED = "api_token.issued"
    API_TOKEN_REVOKED = "api_token.revoked"
