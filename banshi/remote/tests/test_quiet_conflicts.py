"""Conflicts that happen in normal use are settled without a statement the database refuses: a refused
INSERT is written to the database server's log with its values (ID numbers, names, phone numbers).
Each operation below is made twice at once, by two threads; every statement of every connection is
watched, and on PostgreSQL the server's own log is read too when this process may read it."""

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from banshi.accounts.models import User
from banshi.cases import services as cases
from banshi.cases.models import Application, Rating, Task
from banshi.cases.services.rate import application_rate
from banshi.cases.services.window import resident_create
from banshi.cases.tests.helpers import task_of
from banshi.certificates.models import Certificate
from banshi.conftest import ANSWERS, _clerk, _officer, _user, newborn_values
from banshi.directory.selectors import window_for_clerk
from banshi.lib.errors import Conflict, FieldErrors
from banshi.remote import services as remote
from banshi.remote.models import Appointment, Slot
from banshi.remote.tests.fixtures import future_slot, video_window_with_hours

pytestmark = pytest.mark.django_db(transaction=True)

SERVER_LOGS = Path("/var/log/postgresql")
_probed: list[str] = []


class RefusedStatements:
    """Every statement the database refused, on whichever connection: a wrapper for each thread's."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        try:
            return execute(sql, params, many, context)
        except DatabaseError as exc:
            with self._lock:
                self.seen.append(f"{type(exc).__name__}: {sql[:120]}")
            raise


class ServerLog:
    """The lines the PostgreSQL server logged for this test database since the test began."""

    def __init__(self) -> None:
        self.database = connection.settings_dict["NAME"]
        self.offsets: dict[Path, int] = {}
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("SHOW log_line_prefix")
            prefix = cursor.fetchone()[0]
        if "%d" not in prefix:  # lines that do not name their database cannot be told apart
            return
        logs = sorted(SERVER_LOGS.glob("*.log")) if SERVER_LOGS.is_dir() else []
        self.offsets = {path: path.stat().st_size for path in logs if os.access(path, os.R_OK)}

    @property
    def readable(self) -> bool:
        return bool(self.offsets)

    def errors(self) -> list[str]:
        lines = []
        for path, offset in self.offsets.items():
            with path.open("rb") as log:
                log.seek(offset)
                text = log.read().decode(errors="replace")
            lines += [
                line
                for line in text.splitlines()
                if f"@{self.database} " in line
                and any(f"{level}:" in line for level in ("ERROR", "STATEMENT"))
            ]
        return lines


@pytest.fixture
def quiet() -> Iterator[RefusedStatements]:
    """Fails the test if any statement was refused, by Django's account or by the server's log."""
    log = ServerLog()
    if log.readable and not _probed:
        # The log is read where it is written, once: a statement refused on purpose must show up in it.
        probe = f"banshi_log_probe_{uuid.uuid4().hex}"
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT {probe}")
        assert any(probe in line for line in log.errors()), "the server log does not show refused statements"
        _probed.append(probe)
        log = ServerLog()
    refused = RefusedStatements()
    with connection.execute_wrapper(refused):
        yield refused
    assert refused.seen == []
    if log.readable:
        assert log.errors() == []


def at_once(quiet: RefusedStatements, *calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each one's result, or the domain error it raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        translation.activate("en")  # the language is per thread
        try:
            with connection.execute_wrapper(quiet):
                barrier.wait()
                outcomes[index] = call()
        except (Conflict, FieldErrors) as exc:
            outcomes[index] = exc
        except BaseException as exc:  # reported below: a thread's exception would otherwise vanish
            outcomes[index] = RuntimeError(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not [outcome for outcome in outcomes if isinstance(outcome, RuntimeError)]
    return outcomes


def test_a_submission_repeated_with_its_key_at_once_and_again_makes_one_application(quiet, resident, uploads):
    values = newborn_values()

    def send() -> Application:
        return cases.application_submit(
            actor=resident,
            applicant=resident,
            bundle_code="newborn",
            answers=ANSWERS,
            values=values,
            materials=uploads,
            idempotency_key="once",
        )

    first, second = at_once(quiet, send, send)
    assert first.pk == second.pk
    assert send().pk == first.pk
    assert Application.objects.count() == 1 and Task.objects.count() == 6


def test_a_double_booking_at_once_is_one_booking(quiet, catalog, resident):
    window = video_window_with_hours("渝中区视频窗口")
    slot = future_slot(window)

    def book() -> Appointment:
        return remote.appointment_book(actor=resident, window_id=window.pk, starts_at=slot.starts_at)

    outcomes = at_once(quiet, book, book)
    assert sum(isinstance(outcome, Appointment) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, FieldErrors) for outcome in outcomes) == 1
    assert Appointment.objects.count() == 1 and Slot.objects.get().booked == 1


def test_two_residents_first_to_book_one_slot_at_once_share_its_one_row(quiet, catalog):
    window = video_window_with_hours("渝中区视频窗口")
    slot = future_slot(window)
    residents = [_user("13700000031", phone="13700000031"), _user("13700000032", phone="13700000032")]
    calls = [
        lambda user=user: remote.appointment_book(actor=user, window_id=window.pk, starts_at=slot.starts_at)
        for user in residents
    ]
    outcomes = at_once(quiet, *calls)
    assert all(isinstance(outcome, Appointment) for outcome in outcomes)
    assert Slot.objects.get().booked == 2


def test_a_double_rating_at_once_is_one_rating(quiet, submit, resident):
    application = submit()
    Application.objects.filter(pk=application.pk).update(status=Application.Status.COMPLETE)

    def rate() -> Rating:
        return application_rate(
            actor=resident, application_id=application.pk, level=5, comment="很好，王老师"
        )

    outcomes = at_once(quiet, rate, rate)
    assert sum(isinstance(outcome, Rating) for outcome in outcomes) == 1
    assert [str(o) for o in outcomes if isinstance(o, Conflict)] == [
        "this application has already been rated"
    ]
    assert Rating.objects.count() == 1


def test_one_number_typed_by_two_officers_at_once_is_one_document(quiet, submit, health_officer):
    colleague = _officer("health2", "health_commission")
    tasks = [task_of(submit(idempotency_key=key), "birth_medical_certificate") for key in ("a", "b")]
    pairs = list(zip((health_officer, colleague), tasks, strict=True))
    for officer, task in pairs:
        cases.task_claim(actor=officer, task_id=task.pk)
    calls = [
        lambda officer=officer, task=task: cases.task_approve(
            actor=officer, task_id=task.pk, outputs={"birth_certificate_number": "P500123"}
        )
        for officer, task in pairs
    ]
    outcomes = at_once(quiet, *calls)
    refused = [outcome for outcome in outcomes if isinstance(outcome, FieldErrors)]
    assert len(refused) == 1
    assert refused[0].errors == {
        "outputs.birth_certificate_number": "is already the number of another document"
    }
    assert Certificate.objects.get().number == "P500123"
    assert Task.objects.filter(status=Task.Status.APPROVED).count() == 1


def test_two_clerks_opening_one_residents_account_at_once_open_one(quiet, catalog):
    clerks = [_clerk("clerk"), _clerk("clerk2", "江北区政务服务中心综合窗口")]
    calls = [
        lambda clerk=clerk: resident_create(
            actor=clerk, window=window_for_clerk(user=clerk), phone="13900000077", display_name="李四"
        )
        for clerk in clerks
    ]
    outcomes = at_once(quiet, *calls)
    refused = [outcome for outcome in outcomes if isinstance(outcome, FieldErrors)]
    assert len(refused) == 1 and refused[0].errors == {"phone": "is already registered"}
    assert User.objects.filter(phone="13900000077").count() == 1
