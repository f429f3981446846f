"""Writes of the register: entering a project, moving its status, an owner's progress update (text,
photos, documents, indicator actuals), a milestone done, a residents' problem linked, and the weighted
roll-up of a parent from its children. Each runs in one transaction and records its audit events on the
project, which its timeline shows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.audit.services import event_record
from banshi.lib.errors import FieldErrors, NotFound
from banshi.lib.states import check_move
from banshi.lib.text import text_field
from banshi.problems.models import Report
from banshi.projects.events import EventType
from banshi.projects.files import documents_prepare, file_store, photos_prepare
from banshi.projects.models import (
    Indicator,
    Milestone,
    Project,
    ProjectReport,
    StageTarget,
    Update,
    UpdateDocument,
    UpdatePhoto,
)
from banshi.projects.selectors import can_edit

if TYPE_CHECKING:
    from banshi.accounts.models import User

UPDATE_TEXT_MAX = 4000
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
# What an indicator's actual may be: the column's 16 digits, two after the point.
AMOUNT_MAX = Decimal("99999999999999.99")


def decimal_field(value: Any, *, field: str, maximum: Decimal = AMOUNT_MAX) -> Decimal:
    """A number of 0 or more typed in a form or a file, or FieldErrors naming the field (the message
    follows the field's label: "Households cannot be negative")."""
    if isinstance(value, Decimal):
        number = value
    else:
        text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
        if not text:
            raise FieldErrors({field: _("is required")})
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise FieldErrors({field: _("must be a number")}) from None
    if not number.is_finite():
        raise FieldErrors({field: _("must be a number")})
    if number < 0:
        raise FieldErrors({field: _("cannot be negative")})
    if number > maximum:
        raise FieldErrors({field: _("must be at most %(max)s") % {"max": maximum}})
    return number.quantize(CENT)


def _editable(*, actor: User, project_id: int, lock: bool = True) -> Project:
    projects = Project.objects.select_for_update() if lock else Project.objects.all()
    project = projects.filter(pk=project_id).first()
    if project is None:
        raise NotFound()
    if not can_edit(user=actor, project=project):
        raise PermissionDenied
    return project


def project_enter(
    *,
    actor: User | None,
    owners: Iterable[User] = (),
    indicators: Iterable[Mapping[str, Any]] = (),
    **fields: Any,
) -> Project:
    """A project entered in the register (by the demo, an import, or a chosen candidate of a selection
    round), with its owners and indicators; its parent's progress rolled up."""
    with transaction.atomic():
        status = fields.get("status", Project.Status.PLANNED)
        default = Project.DEFAULT_PROGRESS.get(status)
        if "progress" not in fields and default is not None:
            fields["progress"] = default
        project = Project.objects.create(**fields)
        if owners:
            project.owners.set(list(owners))
        for position, indicator in enumerate(indicators):
            Indicator.objects.create(project=project, position=position, **indicator)
        event_record(
            actor=actor,
            subject=project,
            event_type=EventType.PROJECT_CREATED,
            new_state=project.status,
            extra={"name": project.name},
        )
        if project.parent_id:
            roll_up(project_id=project.parent_id, actor=actor)
    return project


def project_move(*, actor: User, project_id: int, status: str, reason: str = "") -> Project:
    """The project to `status`, as TRANSITIONS allows; its progress to the status's default when it has
    one (never lowered on starting work)."""
    reason = text_field(reason, field="reason", limit=1000, multiline=True)
    with transaction.atomic():
        project = _editable(actor=actor, project_id=project_id)
        old = project.status
        if status not in Project.Status.values:
            raise FieldErrors({"status": _("is not a status of a project")})
        check_move(Project, old, status)
        project.status = status
        default = Project.DEFAULT_PROGRESS[status]
        old_progress = project.progress
        if default is not None:
            project.progress = (
                max(project.progress, default) if status == Project.Status.IN_PROGRESS else default
            )
        project.save(update_fields=["status", "progress", "updated_at"])
        event_record(
            actor=actor,
            subject=project,
            event_type=EventType.PROJECT_MOVED,
            old_state=old,
            new_state=status,
            reason=reason,
            extra={"old_progress": str(old_progress), "progress": str(project.progress)},
        )
        if project.parent_id:
            roll_up(project_id=project.parent_id, actor=actor)
    return project


@dataclass
class PostedUpdate:
    update: Update
    changed: list[str] = field(default_factory=list)


def update_post(
    *,
    actor: User,
    project_id: int,
    text: str,
    progress: Any = None,
    actuals: Mapping[str, Any] | None = None,
    photos: Any = (),
    documents: Any = (),
) -> PostedUpdate:
    """An owner's progress update. `actuals` maps an indicator's code to its new actual (a form's or a
    file's text); a negative one, or one that is not a number, is refused naming the field
    `actual_<code>`, and nothing is written. The project's progress (when given) and its parents' are
    rolled up."""
    text = text_field(text, field="text", limit=UPDATE_TEXT_MAX, required=True, multiline=True)
    new_progress = None
    if progress not in (None, ""):
        new_progress = decimal_field(progress, field="progress", maximum=HUNDRED)
    prepared_photos = photos_prepare(photos)
    prepared_documents = documents_prepare(documents)
    now = timezone.now()
    with transaction.atomic():
        project = _editable(actor=actor, project_id=project_id)
        if project.status in (Project.Status.CANCELLED, Project.Status.VERIFIED):
            raise FieldErrors({"text": _("A cancelled or verified project takes no more updates.")})
        indicators = {indicator.code: indicator for indicator in project.indicators.all()}
        readings = []
        for code, raw in (actuals or {}).items():
            if raw in (None, ""):
                continue
            indicator = indicators.get(code)
            if indicator is None:
                raise FieldErrors({f"actual_{code}": _("is not an indicator of this project")})
            value = decimal_field(raw, field=f"actual_{code}")
            if value != indicator.actual:
                readings.append((indicator, value))
        update = Update.objects.create(
            project=project,
            author=actor,
            text=text,
            progress=new_progress,
            readings=[
                {"code": i.code, "name": i.name, "unit": i.unit, "old": str(i.actual), "new": str(v)}
                for i, v in readings
            ],
            created_at=now,
        )
        month = f"{now:%Y-%m}"
        for photo in prepared_photos:
            UpdatePhoto.objects.create(
                update=update,
                path=file_store(photo.data, at_month=month, suffix=".jpg"),
                width=photo.width,
                height=photo.height,
            )
        for document in prepared_documents:
            UpdateDocument.objects.create(
                update=update,
                path=file_store(document.data, at_month=month, suffix=".pdf"),
                name=document.name,
                size=len(document.data),
                pages=document.pages,
            )
        changed = [indicator.code for indicator, _value in readings]
        for indicator, value in readings:
            old = indicator.actual
            indicator.actual = value
            indicator.save(update_fields=["actual"])
            event_record(
                actor=actor,
                subject=project,
                event_type=EventType.PROJECT_INDICATOR_SET,
                old_state=str(old),
                new_state=str(value),
                extra={"indicator": indicator.name, "code": indicator.code, "update": update.pk},
                at=now,
            )
        old_progress = project.progress
        if new_progress is not None and new_progress != project.progress:
            project.progress = new_progress
            project.save(update_fields=["progress", "updated_at"])
            changed.append("progress")
        event_record(
            actor=actor,
            subject=project,
            event_type=EventType.PROJECT_UPDATE_POSTED,
            old_state=str(old_progress),
            new_state=str(project.progress),
            extra={
                "update": update.pk,
                "photos": len(prepared_photos),
                "documents": len(prepared_documents),
                "indicators": [indicator.code for indicator, _value in readings],
            },
            at=now,
        )
        if project.parent_id:
            roll_up(project_id=project.parent_id, actor=actor)
    return PostedUpdate(update=update, changed=changed)


def _milestone_editable(*, actor: User, milestone_id: int) -> tuple[Milestone, Project]:
    """The milestone, locked, and its project, when the actor may change it (inside a transaction)."""
    milestone = Milestone.objects.select_for_update().filter(pk=milestone_id).first()
    if milestone is None:
        raise NotFound()
    return milestone, _editable(actor=actor, project_id=milestone.project_id)


def milestone_done(*, actor: User, milestone_id: int) -> Milestone:
    with transaction.atomic():
        milestone, project = _milestone_editable(actor=actor, milestone_id=milestone_id)
        if milestone.done_at is not None:
            return milestone
        milestone.done_at = timezone.now()
        milestone.done_by = actor
        milestone.save(update_fields=["done_at", "done_by"])
        event_record(
            actor=actor,
            subject=project,
            event_type=EventType.PROJECT_MILESTONE_DONE,
            extra={
                "milestone": milestone.title,
                "milestone_id": milestone.pk,
                "due": milestone.due.isoformat(),
            },
            at=milestone.done_at,
        )
    return milestone


YEARS = (2000, 2100)
_YEARS = {"first": YEARS[0], "last": YEARS[1]}


def _day(value: Any, *, field: str, required: bool = True) -> date | None:
    """A day given as a date or as text like 2026-12-31, within YEARS."""
    if value in (None, "") and not required:
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise FieldErrors({field: _("must be a day like 2026-12-31")}) from None
    if not isinstance(value, date):
        raise FieldErrors({field: _("must be a day like 2026-12-31")})
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise FieldErrors({field: _("must be between %(first)s and %(last)s") % _YEARS})
    return value


def milestone_add(*, actor: User, project_id: int, title: Any, due: Any) -> Milestone:
    """A milestone the project's owner plans: what is to be reached, by which day. The same title on the
    same day twice is refused."""
    errors: dict[str, str] = {}
    try:
        title = text_field(title, field="title", limit=200, required=True)
    except FieldErrors as problem:
        errors |= problem.errors
    try:
        due = _day(due, field="due")
    except FieldErrors as problem:
        errors |= problem.errors
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        project = _editable(actor=actor, project_id=project_id)
        if Milestone.objects.filter(project=project, title=title, due=due).exists():
            raise FieldErrors({"title": _("this milestone is already planned for that day")})
        milestone = Milestone.objects.create(project=project, title=title, due=due)
        event_record(
            actor=actor,
            subject=project,
            event_type=EventType.PROJECT_MILESTONE_ADDED,
            extra={"milestone": title, "milestone_id": milestone.pk, "due": milestone.due.isoformat()},
        )
    return milestone


def milestone_remove(*, actor: User, milestone_id: int) -> None:
    """A milestone planned by mistake, taken out of the plan; one already reached stays."""
    with transaction.atomic():
        milestone, project = _milestone_editable(actor=actor, milestone_id=milestone_id)
        if milestone.done_at is not None:
            raise FieldErrors({"milestone": _("a milestone already reached stays in the plan")})
        event_record(
            actor=actor,
            subject=project,
            event_type=EventType.PROJECT_MILESTONE_REMOVED,
            extra={
                "milestone": milestone.title,
                "milestone_id": milestone.pk,
                "due": milestone.due.isoformat(),
            },
        )
        milestone.delete()


def _percent(value: Decimal) -> str:
    """A percentage as the timeline writes it: 50 and 65.5, not 50.00."""
    return f"{value.normalize():f}"


def stage_set(
    *, actor: User, project_id: int, year: Any, target_progress: Any, due: Any = None, description: Any = ""
) -> StageTarget:
    """A multi-year project's promise for one year: the progress to reach by `due` (the year's end
    unless given, and within that year). Setting a year again changes its target."""
    errors: dict[str, str] = {}
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year)
    if not isinstance(year, int) or isinstance(year, bool) or not YEARS[0] <= year <= YEARS[1]:
        errors["year"] = _("must be a year between %(first)s and %(last)s") % _YEARS
    try:
        target = decimal_field(target_progress, field="target_progress", maximum=Decimal(100))
    except FieldErrors as problem:
        errors |= problem.errors
    try:
        day = _day(due, field="due", required=False)
    except FieldErrors as problem:
        errors |= problem.errors
        day = None
    try:
        description = text_field(description, field="description", limit=200)
    except FieldErrors as problem:
        errors |= problem.errors
    if not errors and day is not None and day.year != year:
        errors["due"] = _("must be a day of %(year)s") % {"year": year}
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        project = _editable(actor=actor, project_id=project_id)
        stage = StageTarget.objects.select_for_update().filter(project=project, year=year).first()
        old = _percent(stage.target_progress) if stage else ""
        if stage is None:
            stage = StageTarget(project=project, year=year)
        stage.target_progress, stage.due, stage.description = target, day or stage_due(year), description
        stage.save()
        event_record(
            actor=actor,
            subject=project,
            event_type=EventType.PROJECT_STAGE_SET,
            old_state=old,
            new_state=_percent(stage.target_progress),
            extra={"year": year, "due": stage.due.isoformat()},
        )
    return stage


def report_link(*, actor: User, project_id: int, number: str) -> ProjectReport:
    """Link a residents' problem report, by its reference number, to the project. A private report is
    not linked: the project's page is public."""
    number = text_field(number, field="number", limit=24, required=True)
    with transaction.atomic():
        project = _editable(actor=actor, project_id=project_id)
        report = Report.objects.filter(number=number, private=False).first()
        if report is None:
            raise FieldErrors({"number": _("no public problem report has this reference number")})
        link, created = ProjectReport.objects.get_or_create(
            project=project, report=report, defaults={"linked_by": actor, "created_at": timezone.now()}
        )
        if created:
            event_record(
                actor=actor,
                subject=project,
                event_type=EventType.PROJECT_REPORT_LINKED,
                extra={"report": report.number},
                at=link.created_at,
            )
    return link


def _weights(children: list[Project], *, by: str) -> list[Decimal]:
    if by == Project.RollUp.WEIGHT:
        weights = [child.weight if child.weight is not None else Decimal(1) for child in children]
    else:
        weights = [child.budget for child in children]
    if sum(weights) <= 0:
        return [Decimal(1)] * len(children)
    return weights


def rolled_up_progress(parent: Project, children: list[Project]) -> Decimal:
    """The weighted mean of the children's progress (by budget or by set weight, as the parent says);
    equal weights when every weight is 0. Cancelled children do not count."""
    counted = [child for child in children if child.status != Project.Status.CANCELLED]
    if not counted:
        return parent.progress
    weights = _weights(counted, by=parent.roll_up)
    total = sum((w * c.progress for w, c in zip(weights, counted, strict=True)), Decimal(0))
    return (total / sum(weights)).quantize(CENT)


def roll_up(*, project_id: int, actor: User | None) -> None:
    """Recompute the project's progress and its rolled-up indicators from its children, then its
    parent's, up to the top. Each change is an audit event of the parent."""
    seen: set[int] = set()
    current: int | None = project_id
    while current is not None and current not in seen:
        seen.add(current)
        parent = Project.objects.select_for_update().filter(pk=current).first()
        if parent is None:
            return
        children = list(parent.children.only("id", "progress", "budget", "weight", "status"))
        if not children:
            return
        progress = rolled_up_progress(parent, children)
        changed: dict[str, list[str]] = {}
        if progress != parent.progress:
            changed["progress"] = [str(parent.progress), str(progress)]
            parent.progress = progress
            parent.save(update_fields=["progress", "updated_at"])
        totals = {
            row["code"]: row
            for row in Indicator.objects.filter(project__parent_id=parent.pk)
            .exclude(project__status=Project.Status.CANCELLED)
            .values("code")
            .annotate(target=Sum("target"), actual=Sum("actual"))
        }
        for indicator in parent.indicators.filter(code__in=list(totals)):
            row = totals[indicator.code]
            row["target"], row["actual"] = (
                Decimal(row[key] or 0).quantize(CENT) for key in ("target", "actual")
            )
            if (indicator.target, indicator.actual) != (row["target"], row["actual"]):
                changed[indicator.code] = [str(indicator.actual), str(row["actual"])]
                indicator.target, indicator.actual = row["target"], row["actual"]
                indicator.save(update_fields=["target", "actual"])
        if changed:
            event_record(
                actor=actor,
                subject=parent,
                event_type=EventType.PROJECT_ROLLED_UP,
                old_state=changed.get("progress", [str(progress)])[0],
                new_state=str(progress),
                extra={"changed": changed},
            )
        current = parent.parent_id


def stage_due(year: int) -> date:
    return date(year, 12, 31)
