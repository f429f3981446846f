"""The outreach app's staff roles as the directory's landing page and menu know them
(`directory.roles`).

Lecture programmes: an organiser's place is the list of their units' programmes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from banshi.directory.roles import StaffPlace

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from banshi.accounts.models import User

# --- lecture programmes ------------------------------------------------------------------------------

ORGANISER = StaffPlace("outreach_organiser", "outreach:organiser_programmes", _("Lecture programmes"))


def lectures_places(user: User | AnonymousUser) -> list[StaffPlace]:
    from banshi.outreach.selectors_lectures import is_organiser

    return [ORGANISER] if is_organiser(user=user) else []
