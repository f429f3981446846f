"""Who runs the residents' and deputies' say on projects.

The staff of a selection round, a consultation or an on-site session (they moderate proposals,
shortlist candidates, move a round's phases, reply to comments, publish the final plan, record an
on-site session and file its problems) are:
- the city's supervisors (督查, a directory membership of role `supervisor`), for every round;
- the officers of the organising unit (a directory membership of role `officer` in the round's,
  consultation's or session's `organiser` agency), for that unit's own.
Nobody else: a resident, a deputy, an officer of another unit may read and take part, never run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from banshi.directory.models import Membership
from banshi.lib.errors import NotFound

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from banshi.accounts.models import User
    from banshi.directory.models import Agency


def may_run(user: User | AnonymousUser, organiser: Agency | None) -> bool:
    if not user.is_authenticated:
        return False
    memberships = Membership.objects.filter(user_id=user.pk)
    if memberships.filter(role=Membership.Role.SUPERVISOR).exists():
        return True
    return (
        organiser is not None and memberships.filter(role=Membership.Role.OFFICER, agency=organiser).exists()
    )


def require_staff(user: User | AnonymousUser, organiser: Agency | None) -> None:
    """NotFound (404, like a page that is not there) unless `user` runs what `organiser` organises."""
    if not may_run(user, organiser):
        raise NotFound()


def is_deputy(user: User | AnonymousUser) -> bool:
    from banshi.projects.models import Deputy

    return user.is_authenticated and Deputy.objects.filter(user_id=user.pk, active=True).exists()


def organisers_for(user: User | AnonymousUser) -> QuerySet[Agency]:
    """The units `user` may organise a round, a consultation or a session for: every unit for a
    supervisor, their own for an officer, none for anyone else."""
    from banshi.directory.models import Agency

    if not user.is_authenticated:
        return Agency.objects.none()
    memberships = Membership.objects.filter(user_id=user.pk)
    if memberships.filter(role=Membership.Role.SUPERVISOR).exists():
        return Agency.objects.order_by("code")
    return (
        Agency.objects.filter(members__user_id=user.pk, members__role=Membership.Role.OFFICER)
        .distinct()
        .order_by("code")
    )
