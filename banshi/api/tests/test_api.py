import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from banshi.cases.models import Application, Task
from banshi.conftest import ANSWERS, PDF_BYTES, newborn_values, png_bytes


@pytest.fixture
def as_resident(api_as, resident):
    return api_as(resident)


@pytest.fixture
def payload(uploads):
    return {"bundle": "newborn", "answers": ANSWERS, "fields": newborn_values(), "materials": uploads}


def errors_of(response) -> dict:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_a_token_is_issued_for_a_mobile_number_and_password(api_as, resident):
    from banshi.conftest import PASSWORD

    client = api_as()
    ok = client.post("/api/v1/auth/token", {"username": resident.phone, "password": PASSWORD})
    assert ok.status_code == 200 and len(ok.json()["token"]) > 30
    bad = client.post("/api/v1/auth/token", {"username": resident.phone, "password": "wrong"})
    assert bad.status_code == 400
    assert "password" in errors_of(bad)


def test_without_a_token_the_api_answers_401_in_the_error_shape(api_as, catalog):
    response = api_as().get("/api/v1/tasks")
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"]
    assert api_as().client.get("/api/v1/tasks", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_the_bundle_describes_a_form_a_client_can_render(api_as, catalog):
    listing = api_as().get("/api/v1/bundles")
    assert "newborn" in [b["code"] for b in listing.json()]
    bundle = api_as().get("/api/v1/bundles/newborn").json()
    fields = {f["key"]: f for f in bundle["fields"]}
    assert fields["mother.id_number"]["type"] == "id_number"
    assert set(fields["mother.id_number"]["services"]) >= {"birth_medical_certificate", "hukou_registration"}
    assert fields["newborn.sex"]["options"][0]["value"] == "male"
    assert fields["mother.bank_account"]["when"] == {"maternity_reimbursement": "yes"}
    assert "newborn.id_number" not in fields
    assert {m["key"] for m in bundle["materials"]} >= {"hukou_book", "marriage_certificate"}
    services = {s["code"]: s for s in bundle["services"]}
    assert services["hukou_registration"]["depends_on"] == ["birth_medical_certificate"]
    assert services["hukou_registration"]["agency"] == "public_security"
    assert {q["key"] for q in bundle["questions"]} == set(ANSWERS)
    assert api_as().get("/api/v1/bundles/nothing").status_code == 404


def test_the_bundle_names_the_services_of_every_situation_whatever_the_answers(api_as, catalog):
    bundle = api_as().get("/api/v1/bundles/after_death").json()
    fields = {f["key"]: f["services"] for f in bundle["fields"]}
    assert fields["deceased.death_place"] == ["medical_death_certificate", "police_death_certificate"]
    assert fields["deceased.housing_fund_account"] == ["housing_fund_withdrawal"]
    materials = {m["key"]: m["services"] for m in bundle["materials"]}
    assert materials["kinship_proof"] == ["housing_fund_withdrawal"]


def test_an_upload_returns_its_id_and_a_bad_one_names_the_problem(as_resident):
    ok = as_resident.upload("/api/v1/uploads", {"file": SimpleUploadedFile("id.png", png_bytes())})
    assert ok.status_code == 201 and ok.json()["kind"] == "png"
    pdf = as_resident.upload("/api/v1/uploads", {"file": SimpleUploadedFile("scan.pdf", PDF_BYTES)})
    assert pdf.status_code == 201 and pdf.json()["kind"] == "pdf"
    fake = as_resident.upload("/api/v1/uploads", {"file": SimpleUploadedFile("id.png", PDF_BYTES)})
    assert fake.status_code == 400
    assert "not what its name says" in errors_of(fake)["file"]
    missing = as_resident.upload("/api/v1/uploads", {})
    assert missing.status_code == 400


def test_a_submission_returns_the_application_with_its_tasks(as_resident, payload):
    response = as_resident.post("/api/v1/applications", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("BS") and body["status"] == "in_progress"
    tasks = {t["service"]: t for t in body["tasks"]}
    assert tasks["birth_medical_certificate"]["status"] == "ready"
    assert tasks["birth_medical_certificate"]["agency"] == "health_commission"
    assert tasks["birth_medical_certificate"]["deadline"]
    assert tasks["hukou_registration"]["status"] == "waiting"
    assert as_resident.get(f"/api/v1/applications/{body['id']}").json()["number"] == body["number"]


def test_a_retried_submission_with_the_same_idempotency_key_creates_nothing_new(as_resident, payload):
    first = as_resident.post("/api/v1/applications", payload, headers={"Idempotency-Key": "k-1"})
    second = as_resident.post("/api/v1/applications", payload, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Application.objects.count() == 1 and Task.objects.count() == 6


def test_an_idempotency_key_sent_again_with_another_body_is_a_409_and_creates_nothing(as_resident, payload):
    first = as_resident.post("/api/v1/applications", payload, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 201
    changed = {**payload, "fields": {**payload["fields"], "newborn.name": "王大明"}}
    second = as_resident.post("/api/v1/applications", changed, headers={"Idempotency-Key": "k-1"})
    assert second.status_code == 409
    assert second.json() == {
        "errors": [{"field": "", "message": "this Idempotency-Key was used for a different application"}]
    }
    assert Application.objects.count() == 1 and Task.objects.count() == 6
    assert Application.objects.get().values["newborn.name"] == "王小明"


def test_bad_fields_come_back_as_400_naming_each_field_and_write_nothing(as_resident, payload):
    payload["fields"] = newborn_values(
        **{"mother.id_number": "500103199205140420", "newborn.weight_grams": "-1"}
    )
    payload["answers"] = {**ANSWERS, "card_delivery": "teleport"}
    response = as_resident.post("/api/v1/applications", payload)
    assert response.status_code == 400
    errors = errors_of(response)
    assert "check digit" in errors["fields.mother.id_number"]
    assert "at least" in errors["fields.newborn.weight_grams"]
    assert errors["answers.card_delivery"] == "is not one of the options"
    assert not Application.objects.exists() and not Task.objects.exists()


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'{"bundle": 5, "answers": [], "fields": "x"}', b'{"answers": {}}'],
)
def test_malformed_bodies_are_a_400_never_a_500(as_resident, body):
    response = as_resident.client.post(
        "/api/v1/applications", body, content_type="application/json", headers=as_resident.headers
    )
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not Application.objects.exists()


def test_another_resident_cannot_see_the_application(as_resident, api_as, other_resident, payload):
    application_id = as_resident.post("/api/v1/applications", payload).json()["id"]
    assert api_as(other_resident).get(f"/api/v1/applications/{application_id}").status_code == 404
    assert as_resident.get("/api/v1/applications/999999").status_code == 404


def test_officers_see_only_their_agencys_ready_tasks(
    as_resident, api_as, payload, health_officer, police_officer, outsider
):
    as_resident.post("/api/v1/applications", payload)
    health = api_as(health_officer).get("/api/v1/tasks", status="ready").json()
    assert sorted(t["service"] for t in health) == ["birth_medical_certificate", "vaccination_certificate"]
    assert api_as(police_officer).get("/api/v1/tasks", status="ready").json() == []
    assert api_as(outsider).get("/api/v1/tasks").json() == []
    assert api_as(health_officer).get("/api/v1/tasks", status="nonsense").status_code == 400


def test_the_whole_flow_through_the_api(as_resident, api_as, payload, officers):
    application_id = as_resident.post("/api/v1/applications", payload).json()["id"]
    clients = {code: api_as(user) for code, user in officers.items()}
    for _ in range(10):
        progressed = False
        for client in clients.values():
            for task in client.get("/api/v1/tasks", status="ready").json():
                assert client.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
                approved = client.post(f"/api/v1/tasks/{task['id']}/approve", {"outputs": {}})
                assert approved.status_code == 200, approved.content
                assert approved.json()["status"] == "approved"
                progressed = True
        if not progressed:
            break
    body = as_resident.get(f"/api/v1/applications/{application_id}").json()
    assert body["status"] == "complete"
    outputs = {k: v for t in body["tasks"] for k, v in t["outputs"].items()}
    assert outputs["newborn.id_number"].startswith("500103")


def test_a_task_detail_shows_only_what_the_service_needs(as_resident, api_as, payload, health_officer):
    as_resident.post("/api/v1/applications", payload)
    client = api_as(health_officer)
    vaccination = next(
        t for t in client.get("/api/v1/tasks").json() if t["service"] == "vaccination_certificate"
    )
    detail = client.get(f"/api/v1/tasks/{vaccination['id']}").json()
    keys = {f["key"] for f in detail["fields"]}
    assert "newborn.name" in keys
    assert "father.id_number" not in keys and "mother.id_number" not in keys
    assert detail["materials"] == []


def test_transitions_that_are_not_allowed_are_409_and_other_agencies_get_404(
    as_resident, api_as, payload, health_officer, police_officer, catalog
):
    from banshi.conftest import _officer

    as_resident.post("/api/v1/applications", payload)
    health = api_as(health_officer)
    task = next(t for t in health.get("/api/v1/tasks").json() if t["service"] == "birth_medical_certificate")
    url = f"/api/v1/tasks/{task['id']}"
    assert health.post(f"{url}/approve").status_code == 409  # not claimed yet
    assert api_as(police_officer).post(f"{url}/claim").status_code == 404
    assert health.post(f"{url}/claim").status_code == 200
    colleague = api_as(_officer("health2", "health_commission"))
    assert colleague.post(f"{url}/claim").status_code == 409
    hukou = Task.objects.get(service="hukou_registration")
    assert api_as(police_officer).post(f"/api/v1/tasks/{hukou.id}/claim").status_code == 409  # still waiting


def test_return_and_correction_through_the_api(as_resident, api_as, payload, health_officer):
    application_id = as_resident.post("/api/v1/applications", payload).json()["id"]
    health = api_as(health_officer)
    task = next(t for t in health.get("/api/v1/tasks").json() if t["service"] == "birth_medical_certificate")
    url = f"/api/v1/tasks/{task['id']}"
    health.post(f"{url}/claim")
    bad = health.post(f"{url}/return", {"reason": "x", "items": ["fields.household.address"]})
    assert bad.status_code == 400 and "items" in errors_of(bad)
    returned = health.post(
        f"{url}/return", {"reason": "Weight looks wrong", "items": ["fields.newborn.weight_grams"]}
    )
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    seen = as_resident.get(f"/api/v1/applications/{application_id}").json()
    mine = next(t for t in seen["tasks"] if t["id"] == task["id"])
    assert mine["return_reason"] == "Weight looks wrong" and mine["return_items"] == [
        "fields.newborn.weight_grams"
    ]
    assert seen["status"] == "correction_needed"
    wrong = as_resident.post(
        f"/api/v1/applications/{application_id}/corrections",
        {"task": task["id"], "fields": {"newborn.weight_grams": "x"}},
    )
    assert wrong.status_code == 400 and "fields.newborn.weight_grams" in errors_of(wrong)
    fixed = as_resident.post(
        f"/api/v1/applications/{application_id}/corrections",
        {"task": task["id"], "fields": {"newborn.weight_grams": "3350"}},
    )
    assert fixed.status_code == 200 and fixed.json()["status"] == "in_progress"
    assert health.get(url).json()["status"] == "claimed"  # back with the officer who returned it
    again = as_resident.post(
        f"/api/v1/applications/{application_id}/corrections",
        {"task": task["id"], "fields": {"newborn.weight_grams": "3350"}},
    )
    assert again.status_code == 409


def test_a_rejection_needs_a_reason(as_resident, api_as, payload, health_officer):
    as_resident.post("/api/v1/applications", payload)
    health = api_as(health_officer)
    task = health.get("/api/v1/tasks").json()[0]
    health.post(f"/api/v1/tasks/{task['id']}/claim")
    assert health.post(f"/api/v1/tasks/{task['id']}/reject", {"reason": ""}).status_code == 400
    assert health.post(f"/api/v1/tasks/{task['id']}/reject", {}).status_code == 400
    rejected = health.post(f"/api/v1/tasks/{task['id']}/reject", {"reason": "Duplicate"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"


def test_the_openapi_document_is_served(api_as, catalog):
    document = api_as().get("/api/v1/openapi.json")
    assert document.status_code == 200
    assert "/api/v1/applications" in document.json()["paths"]
