"""State machines: each stateful model declares its `Status` choices and the allowed moves beside them
(`TRANSITIONS = {Status.READY: {Status.CLAIMED, …}}`); services check a move here before saving it."""

from django.utils.translation import gettext as _

from banshi.lib.errors import Conflict


def check_move(model, old: str, new: str) -> None:
    """Raise Conflict unless `model.TRANSITIONS` allows going from `old` to `new`."""
    if new not in model.TRANSITIONS[old]:
        raise Conflict(
            _("cannot go from %(old)s to %(new)s")
            % {"old": model.Status(old).label, "new": model.Status(new).label}
        )
