import io
from decimal import Decimal

import pytest
import tablib  # type: ignore[import-untyped]
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from banshi.audit.models import Event
from banshi.projects.models import Indicator, Project
from banshi.projects.selectors import RegisterFilters
from banshi.projects.services.transfer import ImportProblems, export_bytes, import_apply, import_preview


def _load(data: bytes, file_format: str) -> tablib.Dataset:
    if file_format == "csv":
        return tablib.Dataset().load(data.decode("utf-8-sig"), format="csv")
    return tablib.Dataset().load(io.BytesIO(data), format="xlsx")


def _dump(dataset: tablib.Dataset, file_format: str) -> bytes:
    return dataset.export("csv").encode() if file_format == "csv" else dataset.export("xlsx")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_export_imports_back_as_no_change_and_an_edited_cell_as_one(reg, file_format):
    data = export_bytes(RegisterFilters(), file_format=file_format)
    plan = import_preview(data=data, file_format=file_format, kind="projects")
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, 4)
    dataset = _load(data, file_format)
    rows = [list(row) for row in dataset]
    codes = [row[0] for row in rows]
    rows[codes.index("CQ-1")][dataset.headers.index("budget")] = "2500000"
    rows.append(
        [
            "CQ-2",
            "Pocket parks",
            "city",
            "500000",
            "parks",
            "2026",
            "",
            "planned",
            "",
            "800000",
            "",
            "2026-02-01",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
    )
    edited = tablib.Dataset(*rows, headers=dataset.headers)
    plan = import_apply(
        actor=reg.admin, data=_dump(edited, file_format), file_format=file_format, kind="projects"
    )
    assert (plan.created, plan.updated, plan.unchanged) == (1, 1, 3)
    assert [change.fields for change in plan.changes if change.action == "update"] == [
        [("budget", "0", "2500000")]
    ]
    assert Project.objects.get(code="CQ-1").budget == Decimal(2_500_000)
    new = Project.objects.get(code="CQ-2")
    assert (new.name, new.area.code, new.start_date.isoformat()) == ("Pocket parks", "500000", "2026-02-01")
    again = import_preview(
        data=export_bytes(RegisterFilters(), file_format=file_format),
        file_format=file_format,
        kind="projects",
    )
    assert (again.created, again.updated) == (0, 0)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_bad_row_names_its_row_and_column_and_nothing_is_imported(reg, file_format):
    dataset = tablib.Dataset(headers=["code", "name", "level", "year", "budget"])
    dataset.append(["NEW-1", "Fine", "city", "2026", "100"])
    dataset.append(["NEW-2", "Bad budget", "city", "2026", "-4"])
    dataset.append(["NEW-3", "Bad level", "planet", "2026", "1"])
    events = Event.objects.count()
    with pytest.raises(ImportProblems) as refused:
        import_apply(
            actor=reg.admin, data=_dump(dataset, file_format), file_format=file_format, kind="projects"
        )
    assert [(p.row, p.column, p.problem) for p in refused.value.problems] == [
        (3, "budget", "cannot be negative"),
        (4, "level", "must be one of: city, district, street, community"),
    ]
    assert not Project.objects.filter(code__startswith="NEW").exists()
    assert Event.objects.count() == events


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_indicator_updates_are_imported_and_roll_up_to_the_parent(reg, file_format):
    dataset = tablib.Dataset(headers=["project", "indicator", "actual"])
    dataset.append(["BN-1", "households", "120"])
    dataset.append(["BN-2", "households", "100"])
    plan = import_apply(
        actor=reg.admin, data=_dump(dataset, file_format), file_format=file_format, kind="indicators"
    )
    assert plan.updated == 2
    assert Indicator.objects.get(project=reg.parent, code="households").actual == 220


def test_an_indicator_actual_that_is_no_number_is_refused_with_its_row(reg):
    dataset = tablib.Dataset(headers=["project", "indicator", "actual"])
    dataset.append(["BN-1", "households", "many"])
    with pytest.raises(ImportProblems) as refused:
        import_preview(data=_dump(dataset, "csv"), file_format="csv", kind="indicators")
    assert str(refused.value.problems[0]) == "row 2, column actual: must be a number"
    assert Indicator.objects.get(project=reg.first, code="households").actual == 0


def test_only_administrators_import(reg):
    data = export_bytes(RegisterFilters(), file_format="csv")
    with pytest.raises(PermissionDenied):
        import_apply(actor=reg.owner, data=data, file_format="csv", kind="projects")


def test_the_import_page_previews_then_applies_the_same_file(reg, client):
    client.force_login(reg.admin)
    dataset = tablib.Dataset(headers=["code", "name", "level", "year"])
    dataset.append(["CQ-9", "Canteens", "city", "2026"])
    upload = SimpleUploadedFile("p.csv", dataset.export("csv").encode(), content_type="text/csv")
    preview = client.post(
        reverse("projects:import"), {"kind": "projects", "file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert preview.status_code == 200 and "1 new, 0 changed, 0 unchanged." in preview.content.decode()
    assert not Project.objects.filter(code="CQ-9").exists()
    digest = preview.context["digest"]
    assert client.post(reverse("projects:import"), {"apply": "1", "digest": digest}).status_code == 302
    assert Project.objects.get(code="CQ-9").name == "Canteens"


def test_the_export_keeps_the_filters(reg, client):
    response = client.get(reverse("projects:export", args=["csv"]), {"level": "community"})
    assert response.status_code == 200
    codes = [row[0] for row in tablib.Dataset().load(response.content.decode("utf-8-sig"), format="csv")]
    assert sorted(codes) == ["BN-1", "BN-2"]
    xlsx = client.get(reverse("projects:export", args=["xlsx"]), {"year": "2025"})
    assert [row[0] for row in tablib.Dataset().load(io.BytesIO(xlsx.content), format="xlsx")] == ["CQ-1"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("p.xlsx", b"PK\x03\x04 not a workbook", "CSV or XLSX file cannot be read as a XLSX file"),
        ("p.csv", "code,name\n".encode("utf-16"), "CSV or XLSX file is not a CSV file in UTF-8"),
        ("p.txt", b"code,name\n", "CSV or XLSX file must be a .csv or an .xlsx file"),
        ("p.csv", b"code,name,level,year\n", "CSV or XLSX file has no rows below its header"),
    ],
)
def test_a_file_that_cannot_be_read_is_named_on_the_page_and_nothing_is_imported(
    reg, client, name, content, message
):
    client.force_login(reg.admin)
    before = Project.objects.count()
    upload = SimpleUploadedFile(name, content)
    response = client.post(
        reverse("projects:import"), {"kind": "projects", "file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Project.objects.count() == before


def test_a_missing_column_is_reported_on_the_header_row(reg):
    dataset = tablib.Dataset(headers=["code", "name"])
    dataset.append(["X", "Y"])
    with pytest.raises(ImportProblems) as refused:
        import_preview(data=_dump(dataset, "csv"), file_format="csv", kind="projects")
    assert [(p.row, p.column) for p in refused.value.problems] == [(1, "level"), (1, "year")]
