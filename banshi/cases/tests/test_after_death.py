"""The second bundle, after a death, runs on the same engine as the newborn bundle with no code of its
own: only its YAML file."""

from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from banshi.cases import services
from banshi.cases.models import Application, Task
from banshi.cases.selectors import task_inputs
from banshi.cases.tests.helpers import approve, task_of, work_everything
from banshi.catalog.definition import BundleError, parse_bundle
from banshi.catalog.loader import BUNDLES_DIR
from banshi.conftest import _officer, make_id, png_bytes
from banshi.lib.personal import mask_name

S = Task.Status
DECEASED_ID = make_id(birth="19400105", sequence="011")
AGENT_ID = make_id(birth="19700203", sequence="022")
HEIR_ID = make_id(birth="19720811", sequence="044")
AGENCIES = [
    "health_commission",
    "public_security",
    "civil_affairs",
    "traffic_police",
    "medical_insurance",
    "hrss",
    "housing_fund",
]
EVERYTHING = {"death_kind": "normal", "driving_licence": "yes", "housing_fund": "yes", "heir_is_agent": "no"}
MATERIALS = [
    "deceased_id_card",
    "agent_id_card",
    "hukou_book",
    "driving_licence",
    "heir_id_card",
    "heir_bank_card",
    "kinship_proof",
]
COLORS = ["red", "green", "blue", "yellow", "white", "black", "gray"]


@pytest.fixture
def death_officers(catalog):
    return {code: _officer(f"officer_{code}", code) for code in AGENCIES}


@pytest.fixture
def death_uploads(resident):
    return {
        key: services.upload_create(
            owner=resident, file=SimpleUploadedFile(f"{key}.png", png_bytes(color))
        ).id
        for key, color in zip(MATERIALS, COLORS, strict=True)
    }


def death_values(**overrides) -> dict:
    values = {
        "deceased.name": "李国强",
        "deceased.sex": "male",
        "deceased.ethnicity": "汉族",
        "deceased.id_number": DECEASED_ID,
        "deceased.death_datetime": (timezone.localtime() - timedelta(days=3)).strftime("%Y-%m-%d %H:%M"),
        "deceased.death_place": "重庆市第一人民医院",
        "household.area": "500103",
        "household.address": "重庆市渝中区解放碑街道民族路100号",
        "funeral.home": "重庆市石桥铺殡仪馆",
        "deceased.housing_fund_account": "GJJ0012345",
        "agent.name": "李明",
        "agent.id_number": AGENT_ID,
        "agent.phone": "13800000001",
        "agent.relationship": "child",
        "heir.name": "王芳",
        "heir.id_number": HEIR_ID,
        "heir.relationship": "spouse",
        "heir.bank_account": "6222021234567890123",
        "heir.bank_branch": "工行解放碑支行",
    }
    values.update(overrides)
    return values


@pytest.fixture
def submit_death(resident, death_uploads):
    def _submit(answers=None, values=None):
        return services.application_submit(
            actor=resident,
            applicant=resident,
            bundle_code="after_death",
            answers={**EVERYTHING, **(answers or {})},
            values=values or death_values(),
            materials=death_uploads,
        )

    return _submit


def work_in_order(application, officers) -> list[str]:
    """Let each agency approve whatever is ready until nothing is; return the services in the order
    they were approved."""
    order = []
    for _ in range(20):
        ready = list(Task.objects.filter(application=application, status=S.READY).select_related("agency"))
        if not ready:
            break
        for task in ready:
            officer = officers[task.agency.code]
            services.task_claim(actor=officer, task_id=task.id)
            services.task_approve(actor=officer, task_id=task.id)
            order.append(task.service)
    return order


def test_every_service_of_a_natural_death_is_done_in_dependency_order(submit_death, death_officers):
    application = submit_death()
    tasks = {task.service: task for task in application.tasks.select_related("agency")}
    assert set(tasks) == {
        "medical_death_certificate",
        "cremation_certificate",
        "hukou_cancellation",
        "driving_licence_cancellation",
        "medical_insurance_lump_sum",
        "pension_lump_sum",
        "survivor_benefits",
        "housing_fund_withdrawal",
    }
    assert tasks["medical_death_certificate"].agency.code == "health_commission"
    assert [code for code, task in tasks.items() if task.status == S.READY] == ["medical_death_certificate"]

    order = work_in_order(application, death_officers)

    assert sorted(order) == sorted(tasks)
    spec = application.spec
    for code in order:
        for upstream in spec.upstream_of(code) & set(tasks):
            assert order.index(upstream) < order.index(code), f"{upstream} after {code}"
    application.refresh_from_db()
    assert application.status == Application.Status.COMPLETE
    assert set(application.tasks.values_list("status", flat=True)) == {S.APPROVED}
    cremation = task_of(application, "cremation_certificate")
    death_number = task_of(application, "medical_death_certificate").outputs["death_certificate_number"]
    assert death_number.startswith("SW")
    assert ("death_certificate_number", death_number) in task_inputs(task=cremation)["outputs"]
    documents = dict(application.certificates.values_list("document_type", "holder_display"))
    assert set(documents) == {
        "death_certificate_number",
        "cremation_certificate_number",
        "hukou_cancellation_number",
    }
    assert set(documents.values()) == {mask_name("李国强")}  # about the deceased, not the applicant
    pension = task_of(application, "pension_lump_sum")
    assert dict(task_inputs(task=pension)["outputs"]) == {
        "cremation_certificate_number": cremation.outputs["cremation_certificate_number"]
    }


def test_an_unnatural_death_routes_the_death_certificate_to_the_police(submit_death, death_officers):
    application = submit_death(answers={"death_kind": "abnormal"})
    tasks = {task.service: task for task in application.tasks.select_related("agency")}
    assert "medical_death_certificate" not in tasks
    assert tasks["police_death_certificate"].agency.code == "public_security"
    assert tasks["police_death_certificate"].status == S.READY
    assert not Task.objects.filter(application=application, agency__code="health_commission").exists()

    order = work_in_order(application, death_officers)

    assert order[0] == "police_death_certificate"
    application.refresh_from_db()
    assert application.status == Application.Status.COMPLETE
    number = task_of(application, "police_death_certificate").outputs["police_death_certificate_number"]
    hukou = task_of(application, "hukou_cancellation")
    assert ("police_death_certificate_number", number) in task_inputs(task=hukou)["outputs"]


def test_a_refused_hukou_cancellation_cancels_the_driving_licence_cancellation(submit_death, death_officers):
    application = submit_death()
    approve(death_officers["health_commission"], application, "medical_death_certificate")
    hukou = task_of(application, "hukou_cancellation")
    assert hukou.status == S.READY
    police = death_officers["public_security"]
    services.task_claim(actor=police, task_id=hukou.id)
    services.task_reject(actor=police, task_id=hukou.id, reason="户籍信息不符")

    licence = task_of(application, "driving_licence_cancellation")
    assert licence.status == S.CANCELLED
    work_in_order(application, death_officers)
    application.refresh_from_db()
    assert application.status == Application.Status.CLOSED
    statuses = dict(application.tasks.values_list("service", "status"))
    assert statuses.pop("hukou_cancellation") == S.REJECTED
    assert statuses.pop("driving_licence_cancellation") == S.CANCELLED
    assert set(statuses.values()) == {S.APPROVED}


def test_the_questions_switch_the_conditional_services_and_the_heir_fields_off(submit_death, death_officers):
    values = death_values()
    for key in ("heir.name", "heir.id_number", "heir.relationship", "deceased.housing_fund_account"):
        del values[key]
    application = submit_death(
        answers={"driving_licence": "no", "housing_fund": "no", "heir_is_agent": "yes"}, values=values
    )
    services_ = set(application.tasks.values_list("service", flat=True))
    assert "driving_licence_cancellation" not in services_
    assert "housing_fund_withdrawal" not in services_
    assert len(services_) == 6
    assert "heir.name" not in application.values
    assert not application.materials.filter(
        key__in=["heir_id_card", "kinship_proof", "driving_licence"]
    ).exists()
    work_everything(application, death_officers)
    application.refresh_from_db()
    assert application.status == Application.Status.COMPLETE


def test_the_newborn_bundle_still_works_beside_it(submit, officers):
    application = submit()
    work_everything(application, officers)
    application.refresh_from_db()
    assert application.status == Application.Status.COMPLETE


def test_no_code_outside_the_catalogue_tests_and_readme_knows_the_bundle():
    root = Path(__file__).resolve().parents[2]
    mentions = [
        path.relative_to(root)
        for path in root.rglob("*")
        if path.is_file()
        and path.suffix in {".py", ".html", ".js", ".txt", ".json", ".css"}
        and "tests" not in path.parts
        and "after_death" in path.read_text(encoding="utf-8", errors="ignore")
    ]
    assert mentions == []


def test_a_resident_applies_through_the_pages_and_officers_approve_through_theirs(resident, death_officers):
    def logged_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    client = logged_in(resident)
    response = client.post(
        "/bundles/after_death/questions/", {f"answers.{key}": value for key, value in EVERYTHING.items()}
    )
    assert response.status_code == 302 and response.url == "/bundles/after_death/details/"
    page = client.get(
        "/bundles/after_death/details/", headers={"accept-language": "zh-hans"}
    ).content.decode()
    assert "逝者身份证号码" in page and "继承人银行卡号" in page and "亲属关系证明或继承权公证书" in page
    assert '<legend class="section-legend">逝者信息</legend>' in page  # the bundle names its sections
    files = {
        f"materials.{key}": SimpleUploadedFile(f"{key}.png", png_bytes(color), content_type="image/png")
        for key, color in zip(MATERIALS, COLORS, strict=True)
    }
    fields = {f"fields.{key}": value for key, value in death_values().items()}
    response = client.post("/bundles/after_death/details/", {**fields, **files})
    assert response.status_code == 302, response.content.decode()
    response = client.post("/bundles/after_death/check/")
    assert response.status_code == 302
    application = Application.objects.get(number=response.url.split("/")[2])

    clients = {code: logged_in(user) for code, user in death_officers.items()}
    for _round in range(10):
        ready = list(Task.objects.filter(application=application, status=S.READY).select_related("agency"))
        if not ready:
            break
        for task in ready:
            officer = clients[task.agency.code]
            assert officer.post(f"/work/tasks/{task.pk}/claim/").status_code == 302
            if task.service == "cremation_certificate":
                detail = officer.get(f"/work/tasks/{task.pk}/", headers={"accept-language": "zh-hans"})
                number = task_of(application, "medical_death_certificate").outputs["death_certificate_number"]
                assert number in detail.content.decode() and "死亡医学证明编号" in detail.content.decode()
            assert officer.post(f"/work/tasks/{task.pk}/approve/", {}).status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.COMPLETE
    status = client.get(f"/applications/{application.number}/", headers={"accept-language": "en"})
    assert "Cremation certificate" in status.content.decode()
    hukou_number = task_of(application, "hukou_cancellation").outputs["hukou_cancellation_number"]
    assert hukou_number in status.content.decode()
    pdf = client.get(f"/certificates/{hukou_number}.pdf")
    assert pdf.status_code == 200 and pdf["content-type"] == "application/pdf"


def test_a_section_legend_must_name_the_first_part_of_some_field_key():
    data = yaml.safe_load((BUNDLES_DIR / "after_death.yaml").read_text(encoding="utf-8"))
    data["groups"]["deceaced"] = {"zh-hans": "拼错了"}
    with pytest.raises(BundleError, match="groups.deceaced: no field key starts with 'deceaced'"):
        parse_bundle(data, source="after_death.yaml")
