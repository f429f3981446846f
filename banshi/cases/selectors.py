import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from banshi.accounts.models import User
from banshi.audit.models import Access, Event
from banshi.audit.selectors import events_for, viewers_of_application
from banshi.cases.models import (
    Application,
    ApplicationMaterial,
    Correction,
    Draft,
    Rating,
    SubjectClaim,
    Task,
    Upload,
    WindowConfirmation,
)
from banshi.catalog.definition import OutputDef
from banshi.catalog.forms import area_choices, display_value, masked_value
from banshi.directory.models import Agency, Window
from banshi.directory.selectors import agency_ids_for_officer
from banshi.lib.personal import mask_id_number, mask_name
from banshi.worktime.hours import office_day_end

S = Task.Status


def applications_for_resident(*, user: User) -> QuerySet[Application]:
    """Newest first, each with `tasks_done` (approved) of `tasks_total`."""
    return (
        Application.objects.filter(applicant=user)
        .select_related("bundle_version")
        .annotate(
            tasks_total=Count("tasks", distinct=True),
            tasks_done=Count("tasks", filter=Q(tasks__status=S.APPROVED), distinct=True),
        )
        .order_by("-submitted_at")
    )


def application_progress(application: Application) -> tuple[int, int]:
    """(services done, services in all) of an application as `applications_for_resident` counted them."""
    return getattr(application, "tasks_done", 0), getattr(application, "tasks_total", 0)


def application_for_owner(
    *, user: User | AnonymousUser, number: str | None = None, pk: int | None = None
) -> Application | None:
    if not user.is_authenticated:
        return None
    query = Application.objects.filter(applicant=user)
    if number is not None:
        query = query.filter(number=number)
    elif pk is not None:
        query = query.filter(pk=pk)
    else:
        return None
    return (
        query.select_related("bundle_version", "applicant", "window")
        .prefetch_related(
            Prefetch("tasks", queryset=Task.objects.select_related("agency").order_by("position"))
        )
        .first()
    )


def applications_for_window(
    *, window: Window, applicant: User | None = None, limit: int = 200
) -> QuerySet[Application]:
    """The applications accepted at a window (of one applicant if given), newest first."""
    query = Application.objects.filter(window=window)
    if applicant is not None:
        query = query.filter(applicant=applicant)
    return query.select_related("bundle_version", "applicant").order_by("-submitted_at")[:limit]


def applications_to_hand_over_count(*, window: Window) -> int:
    return Application.objects.filter(
        window=window, status=Application.Status.COMPLETE, handed_over_at__isnull=True
    ).count()


def application_for_window(*, window: Window, number: str) -> Application | None:
    return (
        Application.objects.filter(window=window, number=number)
        .select_related("bundle_version", "applicant", "submitted_by", "window")
        .prefetch_related(
            Prefetch("tasks", queryset=Task.objects.select_related("agency").order_by("position"))
        )
        .first()
    )


def queue_for_officer(
    *,
    user: User | AnonymousUser,
    status: str | None = S.READY,
    claimed_by: User | None = None,
    limit: int = 200,
) -> QuerySet[Task]:
    """The officer's agencies' tasks, most urgent first. `status=None` lists every open one;
    `claimed_by` keeps only the tasks that person claimed. Finished tasks (approved, rejected,
    cancelled) are history: only those the officer decided themselves."""
    tasks = Task.objects.filter(agency_id__in=agency_ids_for_officer(user=user))
    tasks = tasks.filter(status=status) if status else tasks.filter(status__in=Task.OPEN)
    if status and status not in Task.OPEN:
        tasks = tasks.filter(claimed_by_id=user.pk)
    if claimed_by is not None:
        tasks = tasks.filter(claimed_by=claimed_by)
    return tasks.select_related(
        "application", "agency", "claimed_by", "application__bundle_version", "application__applicant"
    ).order_by("deadline", "id")[:limit]


def queue_counts_for_officer(*, user: User | AnonymousUser, now: datetime) -> dict[str, int]:
    """The counts of the officer's queue page, in one query and without its lists' limit: their
    agencies' open tasks by state, the ones the officer claimed, and of the tasks the page lists
    (ready, and claimed by the officer) how many are late and how many fall due before the offices'
    day ends."""
    mine = Q(status=S.CLAIMED, claimed_by=user)
    listed = Q(status=S.READY) | mine
    return Task.objects.filter(
        agency_id__in=agency_ids_for_officer(user=user), status__in=Task.OPEN
    ).aggregate(
        ready=Count("id", filter=Q(status=S.READY)),
        mine=Count("id", filter=mine),
        overdue=Count("id", filter=listed & Q(deadline__lt=now)),
        due_today=Count("id", filter=listed & Q(deadline__gte=now, deadline__lt=office_day_end(now))),
        returned=Count("id", filter=Q(status=S.RETURNED)),
        waiting=Count("id", filter=Q(status=S.WAITING)),
    )


def task_for_officer(*, user: User | AnonymousUser, task_id: int) -> Task | None:
    return (
        Task.objects.filter(pk=task_id, agency_id__in=agency_ids_for_officer(user=user))
        .select_related(
            "application", "application__bundle_version", "application__applicant", "agency", "claimed_by"
        )
        .first()
    )


def task_inputs(*, task: Task) -> dict[str, Any]:
    """What the task's service may see: the fields it needs, the outputs of its upstream services,
    and its materials. Nothing else of the application."""
    application = task.application
    spec = application.spec
    service = spec.services[task.service]
    plan = spec.plan(application.answers)
    needed: list[str] = []
    for need in service.needs:
        needed.extend(spec.expand_need(need))
    upstream = spec.upstream_of(task.service)
    upstream_outputs: dict[str, str] = {}
    for other in Task.objects.filter(application=application, service__in=upstream, status=S.APPROVED):
        upstream_outputs.update(other.outputs)
    fields = [(key, application.values.get(key)) for key in plan.fields if key in needed]
    outputs = [(key, upstream_outputs.get(key)) for key in needed if key in upstream_outputs]
    material_keys = [key for key in plan.materials if f"materials.{key}" in needed]
    links = {
        link.key: link
        for link in ApplicationMaterial.objects.filter(
            application=application, key__in=material_keys, replaced=False
        ).select_related("upload")
    }
    materials = [(key, links.get(key)) for key in material_keys]
    return {"fields": fields, "outputs": outputs, "materials": materials}


# The officer named on a task holds it while it is claimed, and stays named on it once they decided it
# (approved, refused, or returned it for correction); a release or the resident's correction clears it.
_HELD_OR_DECIDED = frozenset({S.CLAIMED, S.RETURNED, S.APPROVED, S.REJECTED})


def officer_sees_in_full(*, officer: User, task: Task) -> bool:
    """Need to know: of a task of their agency, an officer sees the personal data in full, and opens
    its documents, only while they hold it or once they decided it themselves. Before claiming, and for
    a colleague's task, the values are masked and no document opens."""
    return (
        task.claimed_by_id is not None
        and task.claimed_by_id == officer.pk
        and task.status in _HELD_OR_DECIDED
    )


@dataclass(frozen=True)
class Shown:
    """One value of a case as an officer is shown it: masked unless the view is full."""

    key: str
    label: str
    value: Any  # as stored (what the API gives)
    text: str  # as a person reads it (what the page shows)


@dataclass(frozen=True)
class ShownMaterial:
    key: str
    label: str
    provided: bool
    link: ApplicationMaterial | None  # the file to open: only in a full view


@dataclass(frozen=True)
class TaskView:
    """What an officer is shown of a task: only what its service needs, in full only when
    `officer_sees_in_full`. The page and the API both show this, so both mask alike."""

    task: Task
    full: bool
    applicant: str
    fields: list[Shown]
    upstream: list[Shown]
    outputs: list[Shown]
    materials: list[ShownMaterial]
    # Other open or complete applications that may be for the same subject (another channel, a
    # birth time typed differently): the officer is warned before deciding.
    duplicates: list[Application] = dataclasses.field(default_factory=list)


def _output_shown(key: str, output: OutputDef, value: Any, *, full: bool) -> Shown:
    text = "" if value is None else str(value)
    if not full and output.generate == "id_number" and text:
        text = mask_id_number(text)
        value = text
    return Shown(key=key, label=str(output.label), value=value, text=text)


def task_view_for_officer(*, officer: User, task: Task) -> TaskView:
    """`task` as `task_for_officer` found it (of the officer's agency)."""
    application = task.application
    spec = application.spec
    service = spec.services[task.service]
    full = officer_sees_in_full(officer=officer, task=task)
    inputs = task_inputs(task=task)
    areas = (
        dict(area_choices()) if any(spec.fields[key].type == "area" for key, _v in inputs["fields"]) else {}
    )
    fields = []
    for key, value in inputs["fields"]:
        field = spec.fields[key]
        text = display_value(field, value, areas=areas)
        if not full and field.is_personal and value not in (None, ""):
            value, text = masked_value(field, str(value)), masked_value(field, text)
        fields.append(Shown(key=key, label=str(field.label), value=value, text=text))
    owners = spec.output_owner()
    upstream = [
        _output_shown(key, spec.services[owners[key]].produces[key], value, full=full)
        for key, value in inputs["outputs"]
    ]
    outputs = [
        _output_shown(key, service.produces[key], value, full=full)
        for key, value in task.outputs.items()
        if key in service.produces
    ]
    materials = [
        ShownMaterial(
            key=key,
            label=str(spec.materials[key].label),
            provided=link is not None,
            link=link if full else None,
        )
        for key, link in inputs["materials"]
    ]
    person = application.applicant
    name = person.display_name or person.username
    return TaskView(
        task=task,
        full=full,
        applicant=name if full else mask_name(name),
        fields=fields,
        upstream=upstream,
        outputs=outputs,
        materials=materials,
        duplicates=possible_duplicates(application=application),
    )


def possible_duplicates(*, application: Application, limit: int = 5) -> list[Application]:
    """The other applications holding a subject near this one's (the same mother and day of birth,
    for the newborn), oldest first."""
    near_key = SubjectClaim.objects.filter(application=application).values_list("near_key", flat=True).first()
    if not near_key:
        return []
    return list(
        Application.objects.filter(bundle_id=application.bundle_id, subject_claim__near_key=near_key)
        .exclude(pk=application.pk)
        .order_by("submitted_at")[:limit]
    )


@dataclass(frozen=True)
class ChangeShown:
    """One item of a correction, old and new: a field's values, or a document's files (`*_upload`, the
    files to open, only in a full view)."""

    label: str
    old: str
    new: str
    old_upload: Upload | None = None
    new_upload: Upload | None = None


@dataclass(frozen=True)
class CorrectionShown:
    correction: Correction
    returned_by: str
    items: list[str]
    changes: list[ChangeShown]


def corrections_for_task(*, task: Task, full: bool) -> list[CorrectionShown]:
    """The task's returns with what the resident changed, oldest first; values masked and files closed
    unless the view is full (`officer_sees_in_full`)."""
    corrections = list(Correction.objects.filter(task=task).select_related("returned_by"))
    if not corrections:
        return []
    spec = task.application.spec
    upload_ids = {
        change.get(side)
        for correction in corrections
        for change in correction.changes
        if change.get("item", "").startswith("materials.")
        for side in ("old", "new")
    }
    uploads = Upload.objects.in_bulk([pk for pk in upload_ids if isinstance(pk, int)])
    areas = dict(area_choices()) if any(f.type == "area" for f in spec.fields.values()) else {}
    shown = []
    for correction in corrections:
        changes = []
        for change in correction.changes:
            kind, _dot, key = str(change.get("item", "")).partition(".")
            if kind == "fields" and key in spec.fields:
                field = spec.fields[key]
                old = display_value(field, change.get("old"), areas=areas)
                new = display_value(field, change.get("new"), areas=areas)
                if not full and field.is_personal:
                    old, new = (
                        masked_value(field, old) if old else "",
                        masked_value(field, new) if new else "",
                    )
                changes.append(ChangeShown(label=str(field.label), old=old, new=new))
            elif kind == "materials" and key in spec.materials:
                old_upload, new_upload = uploads.get(change.get("old")), uploads.get(change.get("new"))
                changes.append(
                    ChangeShown(
                        label=str(spec.materials[key].label),
                        old=old_upload.original_name if old_upload else "",
                        new=new_upload.original_name if new_upload else "",
                        old_upload=old_upload if full else None,
                        new_upload=new_upload if full else None,
                    )
                )
        officer = correction.returned_by
        shown.append(
            CorrectionShown(
                correction=correction,
                returned_by=_officer_name(officer, full=full),
                items=[_item_label(spec, item) for item in correction.items],
                changes=changes,
            )
        )
    return shown


def _officer_name(officer: User | None, *, full: bool) -> str:
    if officer is None:
        return ""
    name = officer.display_name or officer.username
    return name if full else mask_name(name)


def _item_label(spec: Any, item: str) -> str:
    kind, _dot, key = item.partition(".")
    if kind == "fields" and key in spec.fields:
        return str(spec.fields[key].label)
    if kind == "materials" and key in spec.materials:
        return str(spec.materials[key].label)
    return item


@dataclass(frozen=True)
class UploadView:
    """A file the viewer may open, and, unless it is their own, whose it is and why they may: what the
    access record of the look names."""

    upload: Upload
    own: bool
    resident_id: int | None = None
    purpose: str = ""
    application_id: int | None = None
    task_id: int | None = None
    agency_id: int | None = None
    window_id: int | None = None


def upload_view_for_user(*, user: User, upload_id: int) -> UploadView | None:
    """An upload opens to whoever uploaded it, to the applicant it is attached for, and to an officer
    holding (or having decided) a task of that application whose service needs it; None for anyone else.
    A window clerk who uploaded a resident's document opens it for the window."""
    if not user.is_authenticated:
        return None
    upload = Upload.objects.filter(pk=upload_id).first()
    if upload is None:
        return None
    links = list(
        ApplicationMaterial.objects.filter(upload=upload).select_related("application__bundle_version")
    )
    if any(link.application.applicant_id == user.pk for link in links) or (
        upload.owner_id == user.pk and not links
    ):
        return UploadView(upload=upload, own=True)
    agency_ids = agency_ids_for_officer(user=user)
    if agency_ids and links:
        keys: dict[int, set[str]] = {}
        for link in links:
            keys.setdefault(link.application_id, set()).add(f"materials.{link.key}")
        applications = {link.application_id: link.application for link in links}
        for task in Task.objects.filter(application_id__in=keys, agency_id__in=agency_ids).order_by("id"):
            application = applications[task.application_id]
            needs = application.spec.services[task.service].needs
            if keys[task.application_id] & set(needs) and officer_sees_in_full(officer=user, task=task):
                return UploadView(
                    upload=upload,
                    own=False,
                    resident_id=application.applicant_id,
                    purpose=Access.Purpose.TASK,
                    application_id=application.pk,
                    task_id=task.pk,
                    agency_id=task.agency_id,
                )
    if upload.owner_id == user.pk:
        application = links[0].application
        return UploadView(
            upload=upload,
            own=False,
            resident_id=application.applicant_id,
            purpose=Access.Purpose.WINDOW,
            application_id=application.pk,
            window_id=application.window_id,
        )
    return None


def upload_for_user(*, user: User, upload_id: int) -> Upload | None:
    view = upload_view_for_user(user=user, upload_id=upload_id)
    return view.upload if view else None


def application_timeline(*, application: Application) -> QuerySet[Event]:
    tasks = list(application.tasks.all())
    return events_for(subjects=[application, *tasks])


_TASK_CONTEXT = ("application", "application__bundle_version", "application__applicant", "agency")


def tasks_late(*, now: datetime, limit: int = 500) -> QuerySet[Task]:
    """Every agency's running tasks past their deadline, the longest late first."""
    return (
        Task.objects.filter(status__in=Task.RUNNING, deadline__lt=now)
        .select_related(*_TASK_CONTEXT)
        .order_by("deadline", "id")[:limit]
    )


def tasks_due_between(*, start: datetime, end: datetime, limit: int = 500) -> QuerySet[Task]:
    """Every agency's running tasks due from `start` to before `end`, soonest first."""
    return (
        Task.objects.filter(status__in=Task.RUNNING, deadline__gte=start, deadline__lt=end)
        .select_related(*_TASK_CONTEXT)
        .order_by("deadline", "id")[:limit]
    )


def deadline_counts_by_agency(*, now: datetime, end_of_day: datetime) -> list[dict[str, Any]]:
    """Per agency with any: how many of its running tasks are late, and how many are due from `now` to
    before `end_of_day`."""
    rows = list(
        Task.objects.filter(status__in=Task.RUNNING, deadline__lt=end_of_day)
        .values("agency_id")
        .annotate(
            late=Count("id", filter=Q(deadline__lt=now)), due_today=Count("id", filter=Q(deadline__gte=now))
        )
        .order_by("agency_id")
    )
    agencies = Agency.objects.in_bulk([row["agency_id"] for row in rows])
    return [
        {"agency": agencies[row["agency_id"]], "late": row["late"], "due_today": row["due_today"]}
        for row in rows
    ]


def applications_with_estimated_deadline(*, limit: int = 200) -> QuerySet[Application]:
    """Open applications whose deadline, or one of whose running tasks' deadline, was counted through
    a year the working calendar does not know."""
    estimated_task = Task.objects.filter(
        application=OuterRef("pk"), status__in=Task.OPEN, deadline_estimated=True
    )
    return (
        Application.objects.filter(
            Q(deadline_estimated=True) | Exists(estimated_task),
            status__in=(Application.Status.IN_PROGRESS, Application.Status.CORRECTION_NEEDED),
        )
        .select_related("bundle_version", "applicant")
        .order_by("deadline", "id")[:limit]
    )


def poor_ratings(*, followed_up: bool, limit: int = 200) -> QuerySet[Rating]:
    """Poor ratings for the supervisors: those still to follow up oldest first (the longest waiting
    on top), those followed up most recent first."""
    ratings = Rating.objects.filter(level__in=Rating.POOR, followed_up_at__isnull=not followed_up)
    ordering = ("-followed_up_at", "-id") if followed_up else ("created_at", "id")
    return ratings.select_related(
        "application", "application__bundle_version", "application__applicant", "followed_up_by"
    ).order_by(*ordering)[:limit]


def application_viewers(*, application: Application) -> list[dict[str, Any]]:
    """Who of the staff looked at the application's personal data in full, for its applicant: each
    viewer's masked name, their agency or window, when they last looked and how many times."""
    rows = viewers_of_application(application_id=application.pk)
    if not rows:
        return []
    users = User.objects.in_bulk({row["actor_id"] for row in rows})
    agencies = Agency.objects.in_bulk({row["agency_id"] for row in rows if row["agency_id"]})
    windows = Window.objects.in_bulk({row["window_id"] for row in rows if row["window_id"]})
    viewers = []
    for row in rows:
        user = users[row["actor_id"]]
        place = agencies.get(row["agency_id"]) or windows.get(row["window_id"])
        viewers.append(
            {
                "name": mask_name(user.display_name or user.username),
                "place": str(place) if place else "",
                "last": row["last"],
                "times": row["times"],
            }
        )
    return viewers


def user_by_login(*, login: str) -> User | None:
    """The account signed in as `login`: its username or its mobile number."""
    login = login.strip()
    if not login:
        return None
    return User.objects.filter(Q(username=login) | Q(phone=login)).first()


def access_rows(records: list[Access]) -> list[dict[str, Any]]:
    """Access records with what they name resolved in a few queries: the application's number, the
    task's service, the agency or window; the resident's name masked."""
    applications = Application.objects.select_related("bundle_version").in_bulk(
        {r.application_id for r in records if r.application_id}
    )
    tasks = Task.objects.in_bulk({r.task_id for r in records if r.task_id})
    agencies = Agency.objects.in_bulk({r.agency_id for r in records if r.agency_id})
    windows = Window.objects.in_bulk({r.window_id for r in records if r.window_id})
    rows = []
    for record in records:
        application = applications.get(record.application_id) if record.application_id else None
        task = tasks.get(record.task_id) if record.task_id else None
        service = ""
        if application is not None and task is not None and task.service in application.spec.services:
            service = str(application.spec.services[task.service].name)
        place: Agency | Window | None = agencies.get(record.agency_id) if record.agency_id else None
        place = place or (windows.get(record.window_id) if record.window_id else None)
        resident = record.resident
        rows.append(
            {
                "record": record,
                "viewer": record.actor.display_name or record.actor.username,
                "resident": mask_name(resident.display_name or resident.username) if resident else "",
                "application": application.number if application else "",
                "service": service,
                "place": str(place) if place else "",
            }
        )
    return rows


def draft_codes_of(*, user: User) -> list[str]:
    """The bundles of which the user has an unfinished application of their own (not one a window
    clerk fills in for someone), by code."""
    return sorted(
        Draft.objects.filter(owner=user, applicant=user, submitted_number="").values_list(
            "bundle_code", flat=True
        )
    )


# The clerk's full view of a resident lasts while they serve them, not for the rest of the day.
IDENTITY_VIEW_LASTS = timedelta(minutes=30)


def identity_token(resident_id: int) -> str:
    """The token of the codes that confirm a resident's identity to a clerk (not an application)."""
    return f"identity:{resident_id}"


def identity_confirmed(*, clerk: User, window: Window, resident: User, now: datetime) -> bool:
    """Whether the resident confirmed by a code, lately, that this clerk may see them in full."""
    return WindowConfirmation.objects.filter(
        clerk=clerk,
        applicant=resident,
        window=window,
        token=identity_token(resident.pk),
        used_at__gte=now - IDENTITY_VIEW_LASTS,
    ).exists()


def applications_of_resident(*, resident: User, limit: int = 50) -> list[Application]:
    """Every application of a resident, whatever the channel, newest first, with its progress counted
    (`tasks_done` of `tasks_total`): what the clerk serving them looks up."""
    return list(applications_for_resident(user=resident)[:limit])


def application_for_supervisor(*, number: str) -> Application | None:
    return (
        Application.objects.filter(number=number)
        .select_related("bundle_version", "applicant", "window")
        .prefetch_related(
            Prefetch("tasks", queryset=Task.objects.select_related("agency").order_by("position"))
        )
        .first()
    )
