"""The audit event types of the register. A project's timeline, from its proposal to the year-end
verdict, is read from the events whose subject is the project; an event type shows on it when it has a
label here (`TIMELINE`), and the pages of selection and verdicts add theirs with `timeline_label_register`."""

from __future__ import annotations

from enum import StrEnum, unique
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SUBJECT = "projects.project"


@unique
class EventType(StrEnum):
    PROJECT_CREATED = "project.created"
    PROJECT_MOVED = "project.moved"
    PROJECT_CHANGED = "project.changed"
    PROJECT_UPDATE_POSTED = "project.update_posted"
    PROJECT_INDICATOR_SET = "project.indicator_set"
    PROJECT_MILESTONE_DONE = "project.milestone_done"
    PROJECT_MILESTONE_ADDED = "project.milestone_added"
    PROJECT_MILESTONE_REMOVED = "project.milestone_removed"
    PROJECT_STAGE_SET = "project.stage_set"
    PROJECT_REPORT_LINKED = "project.report_linked"
    PROJECT_ROLLED_UP = "project.rolled_up"
    PROJECT_IMPORTED = "project.imported"


TIMELINE: dict[str, StrOrPromise] = {
    EventType.PROJECT_CREATED: gettext_lazy("Entered in the register"),
    EventType.PROJECT_MOVED: gettext_lazy("Status: %(new)s"),
    EventType.PROJECT_CHANGED: gettext_lazy("Details changed: %(fields)s"),
    EventType.PROJECT_UPDATE_POSTED: gettext_lazy("Progress reported"),
    EventType.PROJECT_INDICATOR_SET: gettext_lazy("%(indicator)s: %(new)s"),
    EventType.PROJECT_MILESTONE_DONE: gettext_lazy("Milestone reached: %(milestone)s"),
    EventType.PROJECT_MILESTONE_ADDED: gettext_lazy("Milestone planned: %(milestone)s, due %(due)s"),
    EventType.PROJECT_MILESTONE_REMOVED: gettext_lazy("Milestone taken out of the plan: %(milestone)s"),
    EventType.PROJECT_STAGE_SET: gettext_lazy("Target for %(year)s: %(new)s%% by %(due)s"),
    EventType.PROJECT_REPORT_LINKED: gettext_lazy("Residents' problem %(report)s linked"),
    EventType.PROJECT_ROLLED_UP: gettext_lazy("Progress from its parts: %(new)s%%"),
    EventType.PROJECT_IMPORTED: gettext_lazy("Updated from an import"),
}


def timeline_label_register(event_type: str, label: StrOrPromise) -> None:
    """Show the project's events of `event_type` on its timeline as `label` (a %-format over the
    event's `extra`, `old` and `new`)."""
    TIMELINE.setdefault(event_type, label)
