"""A small register: Banan's renovation with two communities, a city project, their owners, a resident,
another project's owner, a supervisor and an administrator."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from banshi.accounts.models import User
from banshi.directory.models import Agency, Area, Membership
from banshi.projects.models import Milestone, Project
from banshi.projects.services.register import project_enter


@dataclass
class Register:
    parent: Project
    first: Project
    second: Project
    city: Project
    owner: User
    other_owner: User
    resident: User
    supervisor: User
    admin: User


def _user(username: str, **extra: Any) -> User:
    return User.objects.create_user(username=username, password="a password", display_name=username, **extra)


def indicators(homes: int) -> list[dict[str, object]]:
    return [
        {"code": "communities", "name": "Communities", "unit": "", "target": 1, "actual": 0},
        {"code": "households", "name": "Households", "unit": "households", "target": homes, "actual": 0},
    ]


@pytest.fixture(autouse=True)
def _project_files(settings, tmp_path):
    settings.PROJECT_FILES_DIR = tmp_path / "project-files"


@pytest.fixture
def reg(db) -> Register:
    return build_register()


def build_register() -> Register:
    owner = _user("owner")
    other_owner = _user("other_owner")
    resident = _user("resident", phone="13900000001")
    supervisor = _user("supervisor")
    Membership.objects.create(user=supervisor, role=Membership.Role.SUPERVISOR)
    admin = _user("admin", is_staff=True, is_superuser=True)
    banan = Area.objects.get(code="500113")
    unit = Agency.objects.create(
        code="banan_housing", name_zh="巴南区住建委", name_en="Banan Housing", area=banan
    )
    parent = project_enter(
        actor=None,
        owners=[owner],
        code="BN",
        name="Banan old communities",
        level=Project.Level.DISTRICT,
        area=banan,
        category="old communities",
        year=2026,
        owner_unit=unit,
        status=Project.Status.IN_PROGRESS,
        latitude=29.4,
        longitude=106.5,
        indicators=[
            {"code": "communities", "name": "Communities", "unit": "", "target": 0, "actual": 0},
            {"code": "households", "name": "Households", "unit": "households", "target": 0, "actual": 0},
        ],
    )
    first = project_enter(
        actor=None,
        parent=parent,
        code="BN-1",
        name="Longzhouwan community",
        level=Project.Level.COMMUNITY,
        area=banan,
        category="old communities",
        year=2026,
        budget=Decimal(3_000_000),
        status=Project.Status.IN_PROGRESS,
        progress=Decimal(20),
        indicators=indicators(300),
    )
    second = project_enter(
        actor=None,
        parent=parent,
        code="BN-2",
        name="Yudong community",
        level=Project.Level.COMMUNITY,
        area=banan,
        category="old communities",
        year=2026,
        budget=Decimal(1_000_000),
        status=Project.Status.IN_PROGRESS,
        progress=Decimal(60),
        indicators=indicators(100),
    )
    city = project_enter(
        actor=None,
        owners=[other_owner],
        code="CQ-1",
        name="Lifts in old buildings",
        level=Project.Level.CITY,
        area=Area.objects.get(code="500000"),
        category="lifts",
        year=2025,
        status=Project.Status.PLANNED,
        start_date=date(2025, 1, 1),
    )
    Milestone.objects.create(project=first, title="Pipes replaced", due=date(2026, 5, 31))
    return Register(parent, first, second, city, owner, other_owner, resident, supervisor, admin)


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 20)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")
