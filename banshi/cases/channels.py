"""What apps above `cases` add to its pages without `cases` importing them.

The video window (`remote`) is one: after a call whose pre-review passed, the resident's own draft is sent
as a video application rather than a plain online one, and the status page shows the verdicts of that
call. Such an app registers a route finder and a status section in its `AppConfig.ready()`; `cases` asks
the registered ones and knows nothing else of them. An app whose drafts hold uploads (the call's shared
application) registers an upload keeper, so that the purge of unused uploads leaves those alone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from banshi.accounts.models import User
    from banshi.cases.models import Application, Upload


@dataclass(frozen=True)
class Route:
    """Another way to send a draft: `submit(actor=, answers=, values=, materials=, idempotency_key=)`
    sends it, and the check page shows `template` with `context` to say so."""

    submit: Callable[..., Application]
    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    """A part of an application's status page drawn by another app: `template` with `data`."""

    template: str
    data: Any


RouteFinder = Callable[..., "Route | None"]
SectionFinder = Callable[["Application"], "Section | None"]
# Of some uploads nothing in `cases` uses, the ids of those that another app's drafts still hold.
UploadKeeper = Callable[[list["Upload"]], set[int]]

_route_finders: list[RouteFinder] = []
_section_finders: list[SectionFinder] = []
_upload_keepers: list[UploadKeeper] = []


def route_finder_register(finder: RouteFinder) -> None:
    if finder not in _route_finders:
        _route_finders.append(finder)


def status_section_register(finder: SectionFinder) -> None:
    if finder not in _section_finders:
        _section_finders.append(finder)


def upload_keeper_register(keeper: UploadKeeper) -> None:
    if keeper not in _upload_keepers:
        _upload_keepers.append(keeper)


def submission_route(
    *, user: User, bundle_code: str, answers: dict[str, Any], materials: dict[str, Any]
) -> Route | None:
    """The first registered route that takes this draft of the user's own, or None (sent online)."""
    for finder in _route_finders:
        route = finder(user=user, bundle_code=bundle_code, answers=answers, materials=materials)
        if route is not None:
            return route
    return None


def status_sections(application: Application) -> list[Section]:
    return [section for finder in _section_finders if (section := finder(application)) is not None]


def uploads_kept(uploads: list[Upload]) -> set[int]:
    """The ids of those of `uploads` that a registered app still holds in a draft: they are not purged."""
    kept: set[int] = set()
    for keeper in _upload_keepers:
        kept |= keeper(uploads)
    return kept
