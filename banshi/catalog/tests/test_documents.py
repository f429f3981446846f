"""The documents to bring, computed in one place: the start page lists every one with when it is
needed, the public checklist the ones for a set of answers, and both agree with the form. The question
of who applies offers the father too, and the parent who applies must be the one applying."""

import itertools
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from banshi.cases.services import application_submit, upload_create
from banshi.catalog.documents import documents
from banshi.catalog.models import Bundle
from banshi.conftest import ANSWERS, newborn_values, png_bytes
from banshi.lib.errors import FieldErrors

LIST = re.compile(r'<ul class="[^"]*" id="(?:start|checklist)-documents">(.*?)</ul>', re.S)


def listed(html: str) -> list[str]:
    found = LIST.search(html)
    return re.findall(r'data-material="([a-z_]+)"', found.group(1)) if found else []


def every_answer(spec) -> list[dict[str, str]]:
    keys = list(spec.questions)
    return [
        dict(zip(keys, choice, strict=True))
        for choice in itertools.product(*(list(spec.questions[key].options) for key in keys))
    ]


@pytest.mark.parametrize("code", ["newborn", "after_death"])
def test_the_checklist_and_the_start_page_list_the_same_documents_for_every_set_of_answers(
    client, catalog, code
):
    spec = Bundle.objects.get(code=code).current_spec
    start = client.get(f"/bundles/{code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    on_start = listed(start)
    everything = documents(spec)
    assert on_start == [document.key for document in everything]
    for answers in every_answer(spec):
        query = {f"answers.{key}": value for key, value in answers.items()}
        page = client.get(f"/bundles/{code}/checklist/", query, HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200
        on_checklist = listed(page.content.decode())
        assert on_checklist == [d.key for d in everything if d.applies_to(answers)], answers
        assert on_checklist == spec.plan(answers).materials, answers  # what the form asks for


def test_the_agents_id_card_and_the_mothers_bank_card_are_listed_when_they_are_needed(client, catalog):
    start = client.get("/bundles/newborn/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(
        r'data-material="collector_id_card">[^<]*<span class="meta">\(only if: Who applies', start
    )
    assert re.search(r'data-material="mother_bank_card">.*?only if: Also apply for maternity', start)
    query = {
        f"answers.{k}": v
        for k, v in {**ANSWERS, "collector": "other", "maternity_reimbursement": "yes"}.items()
    }
    on_checklist = listed(client.get("/bundles/newborn/checklist/", query).content.decode())
    assert {"collector_id_card", "authorisation_letter", "mother_bank_card"} <= set(on_checklist)
    plain = listed(
        client.get(
            "/bundles/newborn/checklist/", {f"answers.{k}": v for k, v in ANSWERS.items()}
        ).content.decode()
    )
    assert not {"collector_id_card", "authorisation_letter", "mother_bank_card"} & set(plain)


def test_the_father_may_apply_and_collect_without_a_letter_of_authorisation(catalog):
    spec = Bundle.objects.get(code="newborn").current_spec
    assert list(spec.questions["collector"].options) == ["mother", "father", "other"]
    plan = spec.plan({**ANSWERS, "collector": "father"})
    assert "authorisation_letter" not in plan.materials and "collector.name" not in plan.fields


@pytest.fixture
def father_uploads(other_resident):
    keys = ["mother_id_card", "father_id_card", "hukou_book", "marriage_certificate"]
    return {
        key: upload_create(owner=other_resident, file=SimpleUploadedFile(f"{key}.png", png_bytes(color))).id
        for key, color in zip(keys, ["red", "green", "blue", "yellow"], strict=True)
    }


def father_applies(father, uploads, **values):
    return application_submit(
        actor=father,
        applicant=father,
        bundle_code="newborn",
        answers={**ANSWERS, "collector": "father"},
        values=newborn_values(**values),
        materials=uploads,
    )


def test_the_parent_who_applies_is_the_one_signed_in(other_resident, father_uploads):
    with pytest.raises(FieldErrors) as caught:
        father_applies(other_resident, father_uploads)  # no number given for the father
    assert "own account" in caught.value.errors["fields.father.phone"]
    with pytest.raises(FieldErrors) as caught:
        father_applies(other_resident, father_uploads, **{"father.phone": "13700000003"})
    assert set(caught.value.errors) == {"fields.father.phone"}
    application = father_applies(other_resident, father_uploads, **{"father.phone": other_resident.phone})
    assert application.answers["collector"] == "father"


def test_the_mother_applying_must_be_the_mother(other_resident, father_uploads):
    with pytest.raises(FieldErrors) as caught:
        application_submit(
            actor=other_resident,
            applicant=other_resident,
            bundle_code="newborn",
            answers=ANSWERS,
            values=newborn_values(),
            materials=father_uploads,
        )
    assert "fields.mother.phone" in caught.value.errors
