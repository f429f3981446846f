"""A client builds a valid application from the API alone: the bundle states every field's constraints,
and its JSON Schema (draft 2020-12) is one a standard validator checks, from which a generic filler that
knows nothing of the newborn bundle makes a form the server accepts; what the schema forbids the server
refuses, naming the field."""

import itertools
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from banshi.cases.models import Application, Task
from banshi.catalog.models import Bundle
from banshi.conftest import ANSWERS, PDF_BYTES, png_bytes
from banshi.directory.selectors import district_choices
from banshi.lib.personal import id_number_problem

# A Wednesday morning, China time.
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def errors_of(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_the_bundle_states_every_fields_constraints(api_as, catalog):
    bundle = api_as().get("/api/v1/bundles/newborn").json()
    fields = {f["key"]: f for f in bundle["fields"]}
    assert (fields["newborn.weight_grams"]["min"], fields["newborn.weight_grams"]["max"]) == (300, 7000)
    assert fields["newborn.length_cm"]["max"] == 70 and fields["newborn.length_cm"]["type"] == "decimal"
    assert fields["newborn.name"]["max_length"] == 20 and fields["newborn.name"]["required"] is True
    assert (fields["household.address"]["min_length"], fields["household.address"]["max_length"]) == (5, 200)
    birth = fields["newborn.birth_datetime"]
    assert birth["past"] is True and birth["future"] is False and birth["max_age_days"] == 365
    assert fields["mother.phone"]["pattern"] == "^1[3-9][0-9]{9}$"
    id_number = fields["mother.id_number"]
    assert id_number["pattern"] and id_number_problem(id_number["example"]) is None
    assert fields["mother.bank_account"]["when"] == {"maternity_reimbursement": "yes"}
    assert [o["value"] for o in fields["newborn.sex"]["options"]] == ["male", "female"]
    areas = [(o["value"], o["label"]) for o in fields["household.area"]["options"]]
    assert areas == district_choices() and ("500103", "渝中区") in areas
    assert "500000" not in dict(areas)  # the municipality is not a district
    materials = {m["key"]: m for m in bundle["materials"]}
    assert materials["hukou_book"]["media_types"] == ["application/pdf", "image/jpeg", "image/png"]
    assert materials["hukou_book"]["max_bytes"] == settings.MATERIAL_MAX_BYTES
    assert materials["authorisation_letter"]["when"] == {"collector": "other"}


def test_the_schema_is_a_draft_2020_12_schema_of_the_application(api_as, catalog):
    response = api_as().get("/api/v1/bundles/newborn/schema")
    assert response.status_code == 200
    schema = response.json()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert schema["type"] == "object"
    assert set(schema["properties"]) == {"bundle", "answers", "fields", "materials"}
    fields = schema["properties"]["fields"]["properties"]
    assert fields["newborn.birth_datetime"]["format"] == "date-time"
    assert fields["newborn.birth_datetime"]["formatMaximum"] == "2026-03-04T10:00:00+08:00"
    assert fields["newborn.birth_datetime"]["formatMinimum"] == "2025-03-04T10:00:00+08:00"
    assert fields["household.area"]["enum"] == [code for code, _name in district_choices()]
    # The examples of the parents' ID numbers meet the bundle's rules: two numbers, of a mother aged 37
    # and a father aged 52 on the day of the birth (today).
    mother, father = fields["mother.id_number"]["examples"][0], fields["father.id_number"]["examples"][0]
    assert id_number_problem(mother) is None and id_number_problem(father) is None and mother != father
    assert (mother[6:14], father[6:14]) == ("19890304", "19740304")
    assert {"differ": ["mother.id_number", "father.id_number"]} in schema["x-rules"]
    assert "newborn.id_number" not in fields  # an output, never asked
    assert api_as().get("/api/v1/bundles/nothing/schema").status_code == 404
    assert api_as().get("/api/v1/bundles/Not-A-Code/schema").status_code == 400


@pytest.mark.parametrize("code", ["newborn", "after_death"])
def test_under_every_set_of_answers_the_schema_requires_what_the_server_asks(api_as, catalog, code):
    schema = api_as().get(f"/api/v1/bundles/{code}/schema").json()
    spec = Bundle.objects.get(code=code).current.spec
    questions = list(spec.questions)
    for options in itertools.product(*(spec.questions[q].options for q in questions)):
        answers = dict(zip(questions, options, strict=True))
        plan = spec.plan(answers)
        body = {"answers": answers}
        asked = [key for key in plan.fields if spec.fields[key].required]
        assert sorted(required(schema, "fields", body)) == sorted(asked), answers
        asked = [key for key in plan.materials if spec.materials[key].required]
        assert sorted(required(schema, "materials", body)) == sorted(asked), answers


# --- a generic client --------------------------------------------------------------------------------


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=NOW.tzinfo)


def _bound(earliest: bool):
    def check(validator, bound: str, instance: Any, schema: dict[str, Any]):
        if not isinstance(instance, str):
            return
        try:
            moment = _moment(instance)
        except ValueError:
            return  # `format` says so
        outside = moment < _moment(bound) if earliest else moment > _moment(bound)
        if outside:
            yield ValidationError(f"{instance!r} is {'before' if earliest else 'after'} {bound}")

    return check


# The standard validator with the bounds of dates and times that form validators add to it (ajv-formats'
# `formatMinimum` and `formatMaximum`).
FormValidator = validators.extend(
    Draft202012Validator, {"formatMinimum": _bound(earliest=True), "formatMaximum": _bound(earliest=False)}
)


def valid_value(schema: dict[str, Any]) -> Any:
    """A value the property's schema accepts, read from the schema alone."""
    if "const" in schema:
        return schema["const"]
    if "examples" in schema:
        return schema["examples"][0]
    if "enum" in schema:
        return schema["enum"][0]
    if schema["type"] == "boolean":
        return True
    if schema["type"] in ("integer", "number"):
        return schema.get("minimum", schema.get("maximum", 0))
    if schema.get("format") in ("date", "date-time"):
        return schema.get("formatMaximum") or schema.get("formatMinimum") or NOW.isoformat()
    assert "pattern" not in schema, "a pattern comes with an example"
    return "x" * schema.get("minLength", 1)


def forbidden_value(schema: dict[str, Any]) -> Any:
    """A value the property's schema refuses."""
    if "enum" in schema:
        return "not-an-option"
    if "maximum" in schema:
        return schema["maximum"] + 1
    if "formatMaximum" in schema:
        later = datetime.fromisoformat(schema["formatMaximum"]) + timedelta(days=1)
        return later.date().isoformat() if schema["format"] == "date" else later.isoformat()
    return "x" * (schema["maxLength"] + 1)


def required(schema: dict[str, Any], part: str, body: dict[str, Any]) -> list[str]:
    """What `part` of the body must hold: its `required`, and the `then` of each rule whose `if` the body
    meets."""
    keys = list(schema["properties"][part].get("required", []))
    for rule in schema.get("allOf", []):
        if "if" in rule and Draft202012Validator(rule["if"]).is_valid(body):
            keys += rule["then"]["properties"].get(part, {}).get("required", [])
    return keys


def effective(schema: dict[str, Any], part: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
    """The schema of one property of `part`, with what each rule whose `if` the body meets (or that has
    no `if`) adds to it."""
    found = dict(schema["properties"][part]["properties"][key])
    for rule in schema.get("allOf", []):
        if "if" in rule and not Draft202012Validator(rule["if"]).is_valid(body):
            continue
        then = rule.get("then", rule)
        found |= then.get("properties", {}).get(part, {}).get("properties", {}).get(key, {})
    return found


def fill(client, schema: dict[str, Any], pick: int) -> dict[str, Any]:
    """The application a generic client makes: each answer the option at `pick`, each required field a
    valid value, each required material an upload of an accepted kind."""
    answers = {key: s["enum"][pick] for key, s in schema["properties"]["answers"]["properties"].items()}
    body: dict[str, Any] = {"bundle": schema["properties"]["bundle"]["const"], "answers": answers}
    body["fields"] = {
        key: valid_value(effective(schema, "fields", key, body)) for key in required(schema, "fields", body)
    }
    materials = schema["properties"]["materials"]["properties"]
    body["materials"] = {}
    for number, key in enumerate(required(schema, "materials", body)):
        if "image/png" in materials[key]["x-media-types"]:
            upload = SimpleUploadedFile(f"{key}.png", png_bytes(f"#{number:02x}0000"))
        else:
            upload = SimpleUploadedFile(f"{key}.pdf", PDF_BYTES)
        response = client.upload("/api/v1/uploads", {"file": upload})
        assert response.status_code == 201, response.content
        body["materials"][key] = response.json()["id"]
    return body


@pytest.mark.parametrize("pick", [0, -1], ids=["first options", "last options"])
def test_a_generic_client_fills_the_newborn_form_from_the_schema_and_it_is_accepted(api_as, resident, pick):
    client = api_as(resident)
    schema = client.get("/api/v1/bundles/newborn/schema").json()
    body = fill(client, schema, pick)
    FormValidator(schema, format_checker=FormatChecker()).validate(body)
    response = client.post("/api/v1/applications", body)
    assert response.status_code == 201, response.content
    application = Application.objects.get()
    assert application.answers == body["answers"]
    assert set(application.values) == set(body["fields"])
    assert Task.objects.filter(application=application).exists()


def test_a_value_the_schema_forbids_is_refused_by_the_server_naming_the_field(api_as, resident):
    client = api_as(resident)
    schema = client.get("/api/v1/bundles/newborn/schema").json()
    validator = FormValidator(schema, format_checker=FormatChecker())
    body = fill(client, schema, 0)
    properties = schema["properties"]["fields"]["properties"]
    for key in body["fields"]:
        wrong = {**body, "fields": {**body["fields"], key: forbidden_value(properties[key])}}
        assert not validator.is_valid(wrong), key
        response = client.post("/api/v1/applications", wrong)
        assert response.status_code == 400, (key, response.content)
        assert f"fields.{key}" in errors_of(response), key
    municipality = {**body, "fields": {**body["fields"], "household.area": "500000"}}
    assert not validator.is_valid(municipality)
    assert "fields.household.area" in errors_of(client.post("/api/v1/applications", municipality))
    missing = {**body, "answers": {**ANSWERS, "collector": "other"}}
    assert not validator.is_valid(missing)  # the authorised person's name, ID number and letter
    assert {"fields.collector.name", "fields.collector.id_number", "materials.authorisation_letter"} <= set(
        errors_of(client.post("/api/v1/applications", missing))
    )
    assert not Application.objects.exists()


def test_the_parent_who_applies_gives_the_accounts_own_number_only_in_the_accounts_schema(api_as, resident):
    def phone_rules(schema):
        return [
            rule
            for rule in schema.get("allOf", [])
            if "const" in str(rule.get("then", {}).get("properties", {}).get("fields", {}))
        ]

    anonymous = api_as().get("/api/v1/bundles/newborn/schema").json()
    assert phone_rules(anonymous) == []
    assert {"applicant": "mother.phone", "when": {"collector": "mother"}} in anonymous["x-rules"]
    own = api_as(resident).get("/api/v1/bundles/newborn/schema").json()
    (mother,) = [
        r
        for r in phone_rules(own)
        if r["if"]["properties"]["answers"]["properties"]["collector"]["const"] == "mother"
    ]
    assert mother["then"]["properties"]["fields"]["properties"]["mother.phone"] == {"const": resident.phone}
