"""An officer's outputs are checked by their type in the catalogue, as a resident's fields are: an ID
number entered for the newborn must be a valid number of this city's district, born on the baby's
birthday, and a wrong one never reaches the services that consume it or a document."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
import yaml
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from banshi.cases import services
from banshi.cases.models import Task
from banshi.cases.tests.helpers import approve, task_of
from banshi.catalog.definition import BundleError, parse_bundle
from banshi.catalog.loader import BUNDLES_DIR
from banshi.certificates.models import Certificate
from banshi.conftest import make_id
from banshi.lib.errors import FieldErrors


# A working morning, China time: the codes' daily caps, the births two days before and the documents'
# dates never meet a midnight in the middle of a test.
@pytest.fixture(autouse=True)
def _a_working_morning():
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield


S = Task.Status


def newborn_birthday(application) -> str:
    moment = parse_datetime(application.values["newborn.birth_datetime"])
    return timezone.localtime(moment).strftime("%Y%m%d")


def at_hukou(submit, health_officer, police_officer):
    application = submit()
    approve(health_officer, application, "birth_medical_certificate")
    task = task_of(application, "hukou_registration")
    services.task_claim(actor=police_officer, task_id=task.id)
    return application, task


def refused(officer, task, **outputs) -> dict[str, str]:
    with pytest.raises(FieldErrors) as caught:
        services.task_approve(actor=officer, task_id=task.id, outputs=outputs)
    return caught.value.errors


def test_an_entered_id_with_a_wrong_check_digit_is_refused_and_nothing_flows(
    submit, health_officer, police_officer
):
    application, task = at_hukou(submit, health_officer, police_officer)
    good = make_id(birth=newborn_birthday(application), sequence="003")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    errors = refused(police_officer, task, **{"newborn.id_number": wrong})
    assert "check digit" in errors["outputs.newborn.id_number"]
    task.refresh_from_db()
    assert task.status == S.CLAIMED and task.outputs == {}
    assert task_of(application, "medical_insurance_enrolment").status == S.WAITING
    assert task_of(application, "social_security_card").status == S.WAITING
    assert not Certificate.objects.filter(task=task).exists()


def test_an_entered_id_must_carry_the_household_region_the_birth_date_and_the_sex(
    submit, health_officer, police_officer
):
    application, task = at_hukou(submit, health_officer, police_officer)
    birthday = newborn_birthday(application)
    elsewhere = make_id(region="500104", birth=birthday, sequence="003")
    assert (
        "500103"
        in refused(police_officer, task, **{"newborn.id_number": elsewhere})["outputs.newborn.id_number"]
    )
    other_day = make_id(birth="20200101", sequence="003")
    assert (
        birthday
        in refused(police_officer, task, **{"newborn.id_number": other_day})["outputs.newborn.id_number"]
    )
    a_girls = make_id(birth=birthday, sequence="004")  # the baby is a boy: his sequence is odd
    assert (
        "sex" in refused(police_officer, task, **{"newborn.id_number": a_girls})["outputs.newborn.id_number"]
    )


def test_a_region_code_outside_the_directory_is_refused(submit, health_officer, police_officer):
    values_area = "110101"  # Beijing's Dongcheng: a real county, not one of this city's
    application, task = at_hukou(submit, health_officer, police_officer)
    application.values["household.area"] = values_area
    application.save(update_fields=["values"])
    outside = make_id(region=values_area, birth=newborn_birthday(application), sequence="003")
    assert (
        "district of this city"
        in refused(police_officer, task, **{"newborn.id_number": outside})["outputs.newborn.id_number"]
    )


def test_a_valid_entered_id_is_kept_normalised_and_flows_downstream(submit, health_officer, police_officer):
    application, task = at_hukou(submit, health_officer, police_officer)
    good = make_id(birth=newborn_birthday(application), sequence="005")
    services.task_approve(
        actor=police_officer, task_id=task.id, outputs={"newborn.id_number": f" {good.lower()} "}
    )
    task.refresh_from_db()
    assert task.outputs["newborn.id_number"] == good
    assert task_of(application, "social_security_card").status == S.READY


def test_a_document_number_must_have_the_shape_of_one(submit, health_officer):
    application = submit()
    task = task_of(application, "birth_medical_certificate")
    services.task_claim(actor=health_officer, task_id=task.id)
    errors = refused(health_officer, task, birth_certificate_number="出生-1")
    assert "capital letters" in errors["outputs.birth_certificate_number"]


def test_a_wrong_output_recorded_earlier_is_stopped_before_a_consuming_service_uses_it(
    submit, health_officer, police_officer, hrss_officer
):
    application, task = at_hukou(submit, health_officer, police_officer)
    services.task_approve(actor=police_officer, task_id=task.id)
    task.refresh_from_db()
    stored = task.outputs["newborn.id_number"]
    task.outputs["newborn.id_number"] = stored[:17] + ("0" if stored[17] != "0" else "1")
    task.save(update_fields=["outputs"])  # as kept before outputs were checked
    card = task_of(application, "social_security_card")
    services.task_claim(actor=hrss_officer, task_id=card.id)
    errors = refused(hrss_officer, card)
    assert "check digit" in errors["inputs.newborn.id_number"]
    card.refresh_from_db()
    assert card.status == S.CLAIMED and not Certificate.objects.filter(task=card).exists()


def test_an_output_type_must_fit_what_is_generated():
    data = yaml.safe_load((BUNDLES_DIR / "newborn.yaml").read_text(encoding="utf-8"))
    data["services"]["hukou_registration"]["produces"]["newborn.id_number"]["type"] = "number"
    with pytest.raises(BundleError) as caught:
        parse_bundle(data, source="newborn.yaml")
    assert "makes an output of type id_number" in str(caught.value)
