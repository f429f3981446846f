"""State machines: each stateful model declares its `Status` choices and the allowed moves beside them
(`TRANSITIONS = {Status.READY: {Status.CLAIMED, …}}`); services check a move here before saving it."""

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Any, Protocol

from django.utils.translation import gettext as _

from banshi.lib.errors import Conflict


class Stateful(Protocol):
    """A stateful model class: the moves allowed from each of its `Status` choices (the keys, which carry
    their labels)."""

    @property
    def TRANSITIONS(self) -> Mapping[Any, AbstractSet[str]]: ...


def check_move(model: Stateful, old: str, new: str) -> None:
    """Raise Conflict unless `model.TRANSITIONS` allows going from `old` to `new`."""
    if new not in model.TRANSITIONS[old]:
        labels = {state: state.label for state in model.TRANSITIONS}
        raise Conflict(
            _("cannot go from %(old)s to %(new)s")
            % {"old": labels.get(old, old), "new": labels.get(new, new)}
        )
