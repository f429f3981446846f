"""Shared test set-up: the catalogue, named personas, and a valid newborn submission."""

import functools
import importlib.util
import io
import itertools
import os
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from importlib.machinery import SourceFileLoader
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone, translation
from PIL import Image

from banshi.accounts.models import User
from banshi.audit.models import Event
from banshi.directory.models import Agency, Area, Membership, Window
from banshi.lib.personal import id_check_digit

PASSWORD = "correct horse battery"
PLAIN_STATIC_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"


def make_id(region: str = "500103", birth: str = "19900307", sequence: str = "123") -> str:
    first17 = f"{region}{birth}{sequence}"
    return first17 + id_check_digit(first17)


MOTHER_ID = make_id(birth="19920514", sequence="042")
FATHER_ID = make_id(birth="19900307", sequence="123")


def frozen_moment(value: str) -> datetime:
    """BANSHI_FROZEN_AT's moment: an ISO date and time, in China's time unless it names its offset."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(
            f"BANSHI_FROZEN_AT must be an ISO date and time such as 2026-09-30T16:45, not {value!r}"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("Asia/Shanghai"))


def pytest_configure(config: pytest.Config) -> None:
    if value := os.environ.get("BANSHI_FROZEN_AT", ""):
        frozen_moment(value)  # a malformed value stops the run before any test


@pytest.fixture(scope="session", autouse=True)
def _frozen_moment() -> Iterator[None]:
    """With BANSHI_FROZEN_AT set (`make test-clock`), the session's clock starts at that moment and
    runs on from there: a test that depends on the time without fixing it fails at night, on the eve of
    a holiday or on New Year's Eve as it would on such a day. A test that freezes its own clock
    (time-machine) travels from there as it always does. Processes the tests start keep the real clock."""
    value = os.environ.get("BANSHI_FROZEN_AT", "")
    if not value:
        yield
        return
    with time_machine.travel(frozen_moment(value), tick=True):
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MATERIALS_DIR = tmp_path / "materials"
    settings.PROBLEM_PHOTOS_DIR = tmp_path / "problem-photos"
    settings.OUTREACH_VIDEOS_DIR = tmp_path / "outreach-videos"
    # Password hashing is deliberately slow; the tests check behaviour, not hashing cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Pages render with unhashed static names here, so that a test reads which script a page loads
    # ("js/queue.js") and needs no `collectstatic` first. The hashed names are tested where they are
    # made: banshi/tests/test_static.py collects with the production storage (which fails on a missing
    # file) and renders pages with it, and checks that every `{% static %}` of every template exists.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC_STORAGE}}


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """The static files collected as production collects them (hashed names, a manifest, gzip and
    brotli copies), once a test session, into a folder of its own."""
    from banshi import settings as project

    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=root, STORAGES=project.STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
    return root


@pytest.fixture
def production_static(settings, collected_static):
    """Pages render and WhiteNoise serves with the production storage: hashed names from the
    manifest, and an error for a file that is not in it."""
    from banshi import settings as project

    settings.STATIC_ROOT = collected_static
    settings.STORAGES = project.STORAGES
    return collected_static


@functools.cache
def vendor_script():
    """`bin/vendor` (the script behind `make vendor`) as a module."""
    path = Path(__file__).resolve().parent.parent / "bin" / "vendor"
    loader = SourceFileLoader("banshi_bin_vendor", str(path))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    sys.modules[loader.name] = module
    loader.exec_module(module)
    return module


def vendored(name: str) -> str:
    """The static path of the first file vendor.toml keeps of the package `name`."""
    package = next(package for package in vendor_script().load_manifest() if package.name == name)
    return f"vendor/{package.directory}/{package.files[0]}"


@pytest.fixture(autouse=True)
def _fresh_reference_cache():
    from banshi.directory.selectors import clear_reference_cache
    from banshi.sequences.services import counter_blocks_forget
    from banshi.worktime.calendar import clear_calendar_cache

    clear_reference_cache()
    clear_calendar_cache()
    counter_blocks_forget()


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """The anonymous pages' rate limits are off, but for the tests that turn them on (the `rate_limits`
    fixture of banshi/accounts/tests): a property test asks a page hundreds of times in one go. The
    lockouts after failed logins stay on everywhere."""
    from django.core.cache import cache

    settings.RATELIMIT_ENABLE = False
    cache.clear()


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in the source language; pages and the API pick theirs per request."""
    with translation.override("en"):
        yield


@pytest.fixture
def catalog(db):
    if not Agency.objects.exists():
        call_command("load_directory", verbosity=0, stdout=io.StringIO())
    call_command("load_catalog", verbosity=0, stdout=io.StringIO())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The directory and the catalogue are loaded once; each test's transaction leaves them as they are.
    Loading the catalogue is audited; the log is emptied afterwards (the only place that may), so that a
    test sees the events of what it does and nothing else."""
    with django_db_blocker.unblock():
        call_command("load_directory", verbosity=0, stdout=io.StringIO())
        call_command("load_catalog", verbosity=0, stdout=io.StringIO())
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(Event._meta.db_table)}")  # noqa: S608


def _user(username: str, phone: str | None = None) -> User:
    return User.objects.create_user(username=username, phone=phone, password=PASSWORD, display_name=username)


def _officer(username: str, agency_code: str) -> User:
    user = _user(username)
    Membership.objects.create(
        user=user, role=Membership.Role.OFFICER, agency=Agency.objects.get(code=agency_code)
    )
    return user


def _clerk(username: str, window_name: str = "渝中区政务服务中心综合窗口") -> User:
    window, _created = Window.objects.get_or_create(
        name=window_name, defaults={"area": Area.objects.get(code="500103")}
    )
    user = _user(username)
    Membership.objects.create(user=user, role=Membership.Role.CLERK, window=window)
    return user


@pytest.fixture
def window_clerk(catalog):
    return _clerk("clerk")


class SmsOutbox:
    """An SMS backend that keeps what it sends, for the tests to read the codes."""

    sent: list[tuple[str, str]] = []

    def send(self, *, recipient: str, text: str) -> None:
        SmsOutbox.sent.append((recipient, text))


@pytest.fixture
def sms_outbox(settings):
    from banshi.notify.services import sms_backend

    # The backend is cached (per setting, or once: then it has `cache_clear`).
    clear = getattr(sms_backend, "cache_clear", lambda: None)
    SmsOutbox.sent = []
    settings.NOTIFY_SMS_BACKEND = "banshi.conftest.SmsOutbox"
    clear()
    yield SmsOutbox.sent
    clear()


def run_queued_texts() -> None:
    """Send the queued text messages as the task worker does (its own code runs each job), in this
    process and this test's transaction: `run_worker` needs a transactional test."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    sms = DBTaskResult.objects.ready().filter(task_path="banshi.notify.tasks.deliver_sms")
    while (job := sms.first()) is not None:
        job.claim(worker.worker_id)
        worker.run_task(job)


@pytest.fixture
def resident(catalog):
    return _user("13800000001", phone="13800000001")


@pytest.fixture
def other_resident(catalog):
    return _user("13900000002", phone="13900000002")


@pytest.fixture
def outsider(catalog):
    """Signed in, but neither the applicant nor an officer of any agency."""
    return _user("outsider")


@pytest.fixture
def health_officer(catalog):
    return _officer("health", "health_commission")


@pytest.fixture
def police_officer(catalog):
    return _officer("police", "public_security")


@pytest.fixture
def insurance_officer(catalog):
    return _officer("insurance", "medical_insurance")


@pytest.fixture
def hrss_officer(catalog):
    return _officer("hrss", "hrss")


@pytest.fixture
def officers(health_officer, police_officer, insurance_officer, hrss_officer):
    return {
        "health_commission": health_officer,
        "public_security": police_officer,
        "medical_insurance": insurance_officer,
        "hrss": hrss_officer,
    }


def png_bytes(color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, "PNG")
    return out.getvalue()


def pdf_bytes(pages: int = 1) -> bytes:
    """A PDF of `pages` blank A4 pages."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF_BYTES = pdf_bytes()

ANSWERS = {
    "register_with": "father",
    "collector": "mother",
    "maternity_reimbursement": "no",
    "card_delivery": "window",
}


_birth_anchor: list[datetime] = []


def _births_from() -> datetime:
    """The moment the test's babies are born two days before: fixed once a test asks, so that babies
    numbered apart stay apart while the real clock passes a minute between two submissions; taken
    again when the clock is frozen or moved more than an hour away."""
    now = timezone.localtime()
    if not _birth_anchor or abs(now - _birth_anchor[0]) > timedelta(hours=1):
        _birth_anchor[:] = [now]
    return _birth_anchor[0]


@pytest.fixture(autouse=True)
def _births_anchored_per_test():
    _birth_anchor.clear()
    yield
    _birth_anchor.clear()


def newborn_values(**overrides) -> dict:
    birth = _births_from() - timedelta(days=2)
    values = {
        "newborn.name": "王小明",
        "newborn.sex": "male",
        "newborn.birth_datetime": birth.strftime("%Y-%m-%d %H:%M"),
        "newborn.birth_place": "重庆医科大学附属第一医院",
        "newborn.gestational_weeks": "39",
        "newborn.weight_grams": "3300",
        "newborn.length_cm": "50.5",
        "mother.name": "张丽",
        "mother.id_number": MOTHER_ID,
        "mother.ethnicity": "汉族",
        "mother.phone": "13800000001",
        "father.name": "王强",
        "father.id_number": FATHER_ID,
        "father.ethnicity": "汉族",
        "household.area": "500103",
        "household.head_name": "王强",
        "household.address": "重庆市渝中区解放碑街道民族路100号",
    }
    values.update(overrides)
    return values


def another_baby(number: int, **overrides) -> dict:
    """`newborn_values()` for the `number`-th other baby of the same parents: a name of Han digits
    (names take no digits) and a birth `number` minutes earlier (one baby, one application)."""
    birth = _births_from() - timedelta(days=2, minutes=number)
    name = "孩子" + "".join("零一二三四五六七八九"[int(digit)] for digit in str(number))
    return newborn_values(
        **{"newborn.name": name, "newborn.birth_datetime": birth.strftime("%Y-%m-%d %H:%M"), **overrides}
    )


NEWBORN_MATERIALS = ["mother_id_card", "father_id_card", "hukou_book", "marriage_certificate"]


@pytest.fixture
def uploads(resident):
    """One upload per material the default answers need, owned by the resident."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from banshi.cases.services import upload_create

    colors = ["red", "green", "blue", "yellow"]
    return {
        key: upload_create(owner=resident, file=SimpleUploadedFile(f"{key}.png", png_bytes(color))).id
        for key, color in zip(NEWBORN_MATERIALS, colors, strict=True)
    }


@pytest.fixture
def submit(resident, uploads):
    """Submit a valid newborn application for the resident (answers and values overridable). Without
    `values`, the first call is for `newborn_values()`'s baby and each further one for another baby of
    the same parents: one baby, one application."""
    from banshi.cases.services import application_submit

    calls = itertools.count()

    def _submit(answers=None, values=None, materials=None, **kwargs):
        number = next(calls)
        return application_submit(
            actor=resident,
            applicant=resident,
            bundle_code="newborn",
            answers=answers or ANSWERS,
            values=values or (another_baby(number) if number else newborn_values()),
            materials=materials or uploads,
            **kwargs,
        )

    return _submit


class ApiClient:
    """A JSON client that carries a bearer token."""

    def __init__(self, user: User | None = None):
        self.client = Client(headers={"Accept-Language": "en"})
        self.headers: dict[str, str] = {}
        if user is not None:
            response = self.client.post(
                "/api/v1/auth/token",
                {"username": user.username, "password": PASSWORD},
                content_type="application/json",
            )
            assert response.status_code == 200, response.content
            self.headers["Authorization"] = f"Bearer {response.json()['token']}"

    def get(self, path: str, **params):
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, data=None, headers=None):
        return self.client.post(
            path,
            data if data is not None else {},
            content_type="application/json",
            headers={**self.headers, **(headers or {})},
        )

    def upload(self, path: str, files: dict):
        return self.client.post(path, files, headers=self.headers)


@pytest.fixture
def api_as():
    return ApiClient


# Debian's Chromium, kept off the network: browser tests run inside a private network namespace too.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def fill_newborn_details(page, tmp_path, *, values: dict | None = None, leave_out: str | None = None) -> None:
    """Fill the newborn bundle's one form in a Playwright page: every field of `values` (by default
    `newborn_values()`, born two days ago) and a PNG for each material but `leave_out`; then continue."""
    values = dict(values or newborn_values())
    values["newborn.birth_datetime"] = (timezone.localtime() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    for key, value in values.items():
        selector = "#fields-" + key.replace(".", "-").replace("_", "-")
        if key == "newborn.sex":
            page.check(f"{selector}-{value}")
        elif key == "household.area" or key.endswith(".ethnicity"):
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    for key, color in zip(NEWBORN_MATERIALS, ["red", "green", "blue", "yellow"], strict=True):
        if key == leave_out:
            continue
        path = tmp_path / f"{key}.png"
        path.write_bytes(png_bytes(color))
        page.set_input_files("#materials-" + key.replace("_", "-"), str(path))
    page.click("#continue")
