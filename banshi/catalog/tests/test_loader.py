import io
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import translation

from banshi.catalog.definition import BundleError
from banshi.catalog.loader import BUNDLES_DIR, read_bundle_file
from banshi.catalog.models import Bundle, BundleVersion
from banshi.catalog.services import catalog_load

NEWBORN = yaml.safe_load((BUNDLES_DIR / "newborn.yaml").read_text(encoding="utf-8"))


def write_bundle(directory: Path, data: dict, name: str | None = None) -> Path:
    path = directory / f"{name or data['code']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def broken(**changes) -> dict:
    data = yaml.safe_load(yaml.safe_dump(NEWBORN))
    for dotted, value in changes.items():
        *parents, last = dotted.split("/")
        target = data
        for part in parents:
            target = target[part]
        if value is None:
            del target[last]
        else:
            target[last] = value
    return data


def problems_of(tmp_path, data) -> str:
    with pytest.raises(BundleError) as caught:
        read_bundle_file(write_bundle(tmp_path, data, "newborn"))
    return str(caught.value)


def test_the_newborn_bundle_has_the_services_of_the_reference_and_a_one_day_promise():
    bundle = read_bundle_file(BUNDLES_DIR / "newborn.yaml")
    assert bundle.promise.working_days == 1
    assert set(bundle.services) >= {
        "birth_medical_certificate",
        "vaccination_certificate",
        "hukou_registration",
        "medical_insurance_enrolment",
        "social_security_card",
        "maternity_reimbursement",
    }
    assert bundle.services["hukou_registration"].depends_on == ["birth_medical_certificate"]
    assert bundle.services["hukou_registration"].agency == "public_security"
    assert "newborn.id_number" in bundle.services["hukou_registration"].produces


def test_the_plan_asks_each_field_once_and_never_asks_for_an_output():
    bundle = read_bundle_file(BUNDLES_DIR / "newborn.yaml")
    plan = bundle.plan(
        {
            "register_with": "father",
            "collector": "mother",
            "maternity_reimbursement": "no",
            "card_delivery": "window",
        }
    )
    assert len(plan.fields) == len(set(plan.fields))
    assert "newborn.id_number" not in plan.fields
    assert "birth_certificate_number" not in plan.fields
    assert "mother.id_number" in plan.fields
    assert len(plan.needed_by["mother.id_number"]) >= 2  # asked once though several services need it


def test_situation_answers_switch_services_fields_and_materials_on_and_off():
    bundle = read_bundle_file(BUNDLES_DIR / "newborn.yaml")
    base = {
        "register_with": "father",
        "collector": "mother",
        "maternity_reimbursement": "no",
        "card_delivery": "window",
    }
    plain = bundle.plan(base)
    full = bundle.plan(
        {**base, "maternity_reimbursement": "yes", "collector": "other", "card_delivery": "post"}
    )
    assert "maternity_reimbursement" not in plain.services and "maternity_reimbursement" in full.services
    assert "mother.bank_account" not in plain.fields and "mother.bank_account" in full.fields
    assert "delivery.address" not in plain.fields and "delivery.address" in full.fields
    assert "authorisation_letter" not in plain.materials and "authorisation_letter" in full.materials


def test_services_come_in_dependency_order():
    bundle = read_bundle_file(BUNDLES_DIR / "newborn.yaml")
    order = bundle.service_order()
    assert order.index("birth_medical_certificate") < order.index("hukou_registration")
    assert order.index("hukou_registration") < order.index("social_security_card")
    assert order.index("medical_insurance_enrolment") < order.index("insurance_premium")


def test_a_dependency_cycle_fails_with_its_path(tmp_path):
    data = broken(**{"services/birth_medical_certificate/depends_on": ["social_security_card"]})
    message = problems_of(tmp_path, data)
    assert "newborn.yaml" in message
    assert "cycle" in message
    assert (
        "birth_medical_certificate -> social_security_card -> hukou_registration -> birth_medical_certificate"
        in message
    )


def test_an_unknown_service_in_depends_on_is_named(tmp_path):
    message = problems_of(tmp_path, broken(**{"services/hukou_registration/depends_on": ["nope"]}))
    assert "services.hukou_registration.depends_on: unknown service 'nope'" in message


def test_an_unknown_field_type_is_named_with_its_key(tmp_path):
    message = problems_of(tmp_path, broken(**{"fields/newborn.name/type": "colour"}))
    assert "fields.newborn.name.type" in message


def test_a_need_produced_by_a_service_not_upstream_is_refused(tmp_path):
    data = broken(**{"services/vaccination_certificate/needs": ["newborn.name", "birth_certificate_number"]})
    message = problems_of(tmp_path, data)
    assert "services.vaccination_certificate.needs" in message
    assert "not among its depends_on" in message


def test_an_output_that_is_also_a_field_is_refused(tmp_path):
    data = broken(**{"fields/newborn.id_number": {"type": "id_number", "label": {"zh-hans": "x"}}})
    assert "is also a field" in problems_of(tmp_path, data)


def test_a_condition_on_an_unknown_answer_is_refused(tmp_path):
    data = broken(**{"fields/mother.bank_account/when": {"maternity_reimbursement": "maybe"}})
    assert "'maybe' is not an option of question 'maternity_reimbursement'" in problems_of(tmp_path, data)


def test_malformed_yaml_names_the_file(tmp_path):
    path = tmp_path / "newborn.yaml"
    path.write_text("code: newborn\nname: {zh-hans: x, en: y?}\n  bad indent: [", encoding="utf-8")
    with pytest.raises(BundleError) as caught:
        read_bundle_file(path)
    assert str(caught.value).startswith("newborn.yaml: not valid YAML")


def test_a_code_that_differs_from_the_file_name_is_refused(tmp_path):
    with pytest.raises(BundleError, match="must match the file name"):
        read_bundle_file(write_bundle(tmp_path, NEWBORN, "other"))


def test_catalog_check_passes_on_the_shipped_catalogue_and_fails_on_a_broken_one(tmp_path):
    out = io.StringIO()
    call_command("catalog_check", stdout=out)
    assert "ok  newborn" in out.getvalue()
    write_bundle(tmp_path, broken(**{"services/hukou_registration/agency": "Not A Code"}), "newborn")
    with pytest.raises(CommandError, match="services.hukou_registration.agency"):
        call_command("catalog_check", "--dir", str(tmp_path), stdout=io.StringIO())


def test_loading_refuses_an_unknown_agency_and_loads_nothing(catalog, tmp_path):
    before = list(BundleVersion.objects.values_list("id", flat=True))
    current = Bundle.objects.get(code="newborn").current_id
    write_bundle(tmp_path, broken(**{"services/hukou_registration/agency": "ministry_of_magic"}), "newborn")
    with pytest.raises(BundleError, match="unknown agency 'ministry_of_magic'"):
        catalog_load(directory=tmp_path)
    assert list(BundleVersion.objects.values_list("id", flat=True)) == before
    assert Bundle.objects.get(code="newborn").current_id == current


def test_loading_an_unchanged_file_adds_nothing_and_a_change_makes_a_new_version(catalog, tmp_path):
    write_bundle(tmp_path, NEWBORN)
    assert catalog_load(directory=tmp_path) == []
    first = Bundle.objects.get(code="newborn").current
    versions = BundleVersion.objects.count()
    write_bundle(tmp_path, broken(**{"promise/working_days": 2}))
    assert catalog_load(directory=tmp_path) == ["newborn"]
    bundle = Bundle.objects.get(code="newborn")
    assert bundle.current != first
    assert BundleVersion.objects.count() == versions + 1
    assert first.spec.promise.working_days == 1  # the old version is untouched


def test_an_application_keeps_the_version_it_was_submitted_under(submit, tmp_path):
    application = submit()
    original = application.bundle_version_id
    write_bundle(tmp_path, broken(**{"promise/working_days": 3}))
    catalog_load(directory=tmp_path)
    application.refresh_from_db()
    assert application.bundle_version_id == original
    assert application.spec.promise.working_days == 1


def test_the_stored_definition_keeps_the_order_of_the_file(catalog):
    spec = Bundle.objects.get(code="newborn").current.spec
    assert list(spec.questions) == list(NEWBORN["questions"])
    assert list(spec.fields) == list(NEWBORN["fields"])
    assert list(spec.services) == list(NEWBORN["services"])


def test_a_field_cannot_be_both_past_and_future(tmp_path):
    data = broken(**{"fields/newborn.birth_datetime/future": True})
    assert "both past and future" in problems_of(tmp_path, data)


def test_keys_and_options_longer_than_the_api_takes_are_refused(tmp_path):
    long = "x" * 61
    data = broken(**{f"fields/newborn.{long}": {"type": "text", "label": {"zh-hans": "长"}}})
    assert "at most 60 characters" in problems_of(tmp_path, data)
    data = broken(**{f"questions/collector/options/{long}": {"zh-hans": "长"}})
    assert f"option '{long}' must be 1 to 60 characters" in problems_of(tmp_path, data)


def test_a_bundle_text_without_zh_hant_takes_it_from_the_table_beside_the_files_and_a_written_one_wins(
    tmp_path,
):
    data = broken(**{"name": {"zh-hans": "新生儿出生一件事", "en": "Newborn birth"}})
    data["summary"] = {"zh-hans": "一个窗口", "zh-hant": "一個視窗"}
    (tmp_path / "zh-hant.json").write_text(
        '{"新生儿出生一件事": "新生兒出生一件事", "一个窗口": "一個窗口"}', encoding="utf-8"
    )
    bundle = read_bundle_file(write_bundle(tmp_path, data, "newborn"))
    assert bundle.name.zh_hant == "新生兒出生一件事"
    assert bundle.summary.zh_hant == "一個視窗"  # written in the file: the table does not replace it
    with translation.override("zh-hant"):
        assert str(bundle.name) == "新生兒出生一件事"


def test_bundle_files_elsewhere_use_the_shipped_table_and_a_text_not_in_it_shows_the_simplified(tmp_path):
    data = broken(**{"name": {"zh-hans": "一个新的一件事"}})
    bundle = read_bundle_file(write_bundle(tmp_path, data, "newborn"))
    assert bundle.name.zh_hant == ""
    assert bundle.summary.zh_hant.startswith("一張表單")
    with translation.override("zh-hant"):
        assert str(bundle.name) == "一个新的一件事"


def test_the_shipped_bundles_have_traditional_chinese_for_every_text():
    bundle = read_bundle_file(BUNDLES_DIR / "newborn.yaml")
    assert bundle.name.zh_hant == "新生兒出生一件事"
    assert all(option.zh_hant for option in bundle.questions["register_with"].options.values())
