from decimal import Decimal

import pytest

from banshi.audit.models import Event
from banshi.lib.errors import Conflict
from banshi.projects.events import EventType
from banshi.projects.models import Project
from banshi.projects.services.register import project_move

S = Project.Status
ARROWS = [(old, new) for old, moves in Project.TRANSITIONS.items() for new in moves]


@pytest.mark.parametrize(("old", "new"), ARROWS)
def test_every_allowed_move_is_made_with_its_default_progress_and_an_event(reg, old, new):
    Project.objects.filter(pk=reg.city.pk).update(status=old, progress=Decimal(40))
    project = project_move(actor=reg.other_owner, project_id=reg.city.pk, status=new, reason="why")
    assert project.status == new
    default = Project.DEFAULT_PROGRESS[new]
    expected = (
        Decimal(40) if default is None else max(Decimal(40), default) if new == S.IN_PROGRESS else default
    )
    assert project.progress == expected
    event = Event.objects.get(subject_id=str(project.pk), event_type=EventType.PROJECT_MOVED)
    assert (event.old_state, event.new_state, event.reason, event.actor) == (old, new, "why", reg.other_owner)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (S.PLANNED, S.COMPLETED),
        (S.PROPOSED, S.VERIFIED),
        (S.CANCELLED, S.IN_PROGRESS),
        (S.VERIFIED, S.IN_PROGRESS),
    ],
)
def test_a_move_the_table_does_not_allow_is_refused_and_nothing_changes(reg, old, new):
    Project.objects.filter(pk=reg.city.pk).update(status=old)
    with pytest.raises(Conflict):
        project_move(actor=reg.other_owner, project_id=reg.city.pk, status=new)
    reg.city.refresh_from_db()
    assert reg.city.status == old
    assert not Event.objects.filter(subject_id=str(reg.city.pk), event_type=EventType.PROJECT_MOVED).exists()


def test_every_status_has_its_moves_and_its_default_progress():
    assert set(Project.TRANSITIONS) == set(S.values) == set(Project.DEFAULT_PROGRESS)
