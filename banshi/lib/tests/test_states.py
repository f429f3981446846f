import pytest

from banshi.cases.models import Task
from banshi.lib.errors import Conflict
from banshi.lib.states import check_move

S = Task.Status


def test_an_allowed_move_passes():
    check_move(Task, S.READY, S.CLAIMED)
    check_move(Task, S.CLAIMED, S.APPROVED)


def test_a_move_the_table_does_not_allow_is_a_conflict_naming_both_states():
    with pytest.raises(Conflict) as refused:
        check_move(Task, S.READY, S.APPROVED)
    assert str(refused.value) == f"cannot go from {S.READY.label} to {S.APPROVED.label}"
