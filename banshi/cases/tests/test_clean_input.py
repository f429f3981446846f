"""Text that cannot be stored is refused wherever it comes in, with a message naming the field, and
nothing is written: through the pages, the API and the services. The same tests run on PostgreSQL, which
refuses NUL in text and in JSON, so that none of them is a 500 there."""

import re
from datetime import date

import pytest
from django.test import Client

from banshi.accounts.models import User
from banshi.accounts.services import resident_signup
from banshi.cases import services
from banshi.cases.models import Application, Rating, Task
from banshi.cases.services.rate import application_rate
from banshi.cases.tests.helpers import task_of
from banshi.conftest import ANSWERS, newborn_values
from banshi.lib.errors import FieldErrors
from banshi.lib.tests.test_text import BAD_CHARACTERS
from banshi.worktime.models import CalendarOverride
from banshi.worktime.services import calendar_override_set

pytestmark = pytest.mark.django_db

# A browser cannot send half a surrogate pair: its form is UTF-8, and Django reads bytes that are not
# UTF-8 as U+FFFD. Django's test client cannot encode one either. JSON can (`"\ud800"`).
PAGE_CHARACTERS = [(character, words) for character, words in BAD_CHARACTERS if "invalid" not in words]


def logged_in(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def named(page: str, label: str, words: str) -> bool:
    """Whether the page says, next to the field or in the summary, that this field holds the character."""
    return re.search(f"{label} contains [^<]*{re.escape(words)}", page) is not None


def errors_of(response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


# --- pages -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("character", "words"), PAGE_CHARACTERS)
def test_the_one_form_names_the_field_with_the_bad_character_and_the_page_still_draws(
    resident, uploads, character, words
):
    client = logged_in(resident)
    client.post("/bundles/newborn/questions/", {f"answers.{k}": v for k, v in ANSWERS.items()})
    values = newborn_values(**{"newborn.name": f"王{character}小明"})
    response = client.post("/bundles/newborn/details/", {f"fields.{k}": v for k, v in values.items()})
    assert response.status_code == 400
    assert named(response.content.decode(), "Baby&#x27;s name", words)
    assert client.get("/bundles/newborn/details/").status_code == 200
    assert not Application.objects.exists()


@pytest.mark.parametrize(("character", "words"), PAGE_CHARACTERS)
def test_an_officer_s_reason_with_a_bad_character_is_refused_on_the_page(
    submit, health_officer, character, words
):
    task = task_of(submit(), "vaccination_certificate")
    client = logged_in(health_officer)
    client.post(f"/work/tasks/{task.pk}/claim/")
    response = client.post(f"/work/tasks/{task.pk}/reject/", {"reject-reason": f"不符合{character}条件"})
    assert response.status_code == 400
    assert named(response.content.decode(), "Reason for refusing", words)
    task.refresh_from_db()
    assert (task.status, task.decision_reason) == (Task.Status.CLAIMED, "")


@pytest.mark.parametrize(("character", "words"), PAGE_CHARACTERS)
def test_a_name_with_a_bad_character_opens_no_account_on_the_sign_up_page(catalog, character, words):
    response = Client(headers={"accept-language": "en"}).post(
        "/accounts/signup/",
        {
            "phone": "13812345678",
            "display_name": f"李{character}四",
            "password1": "a long enough password",
            "password2": "a long enough password",
        },
    )
    assert response.status_code in (200, 400)
    assert named(response.content.decode(), "Your name", words)
    assert not User.objects.filter(phone="13812345678").exists()


# --- the API -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("character", "words"), BAD_CHARACTERS)
def test_the_api_names_the_field_of_a_bad_character_in_a_value(api_as, resident, uploads, character, words):
    payload = {
        "bundle": "newborn",
        "answers": ANSWERS,
        "fields": newborn_values(**{"household.address": f"重庆市渝中区{character}民族路100号"}),
        "materials": uploads,
    }
    response = api_as(resident).post("/api/v1/applications", payload)
    assert response.status_code == 400
    assert words in errors_of(response)["fields.household.address"]
    assert not Application.objects.exists()


@pytest.mark.parametrize(("character", "words"), BAD_CHARACTERS)
@pytest.mark.parametrize("where", ["answers", "fields", "materials"])
def test_a_bad_character_in_a_key_of_the_api_s_objects_never_reaches_the_database(
    api_as, resident, character, words, where
):
    payload = {"bundle": "newborn", "answers": ANSWERS, "fields": newborn_values(), "materials": {}}
    payload[where] = {**payload[where], f"mother{character}.name": "张丽"}
    response = api_as(resident).post("/api/v1/applications", payload)
    assert response.status_code == 400
    assert any(field.startswith(where) and words in message for field, message in errors_of(response).items())
    assert not Application.objects.exists()


@pytest.mark.parametrize(("character", "words"), BAD_CHARACTERS)
def test_the_api_refuses_a_bad_character_in_a_reason_a_bundle_code_and_a_user_name(
    api_as, submit, health_officer, character, words
):
    task = task_of(submit(), "vaccination_certificate")
    services.task_claim(actor=health_officer, task_id=task.pk)
    client = api_as(health_officer)
    response = client.post(f"/api/v1/tasks/{task.pk}/reject", {"reason": f"不符合{character}条件"})
    assert response.status_code == 400 and words in errors_of(response)["reason"]
    task.refresh_from_db()
    assert (task.status, task.decision_reason) == (Task.Status.CLAIMED, "")

    bundle = client.post("/api/v1/applications", {"bundle": f"new{character}born"})
    assert bundle.status_code == 400 and words in errors_of(bundle)["bundle"]
    token = client.post("/api/v1/auth/token", {"username": f"health{character}", "password": "x"})
    assert token.status_code == 400 and words in errors_of(token)["username"]


@pytest.mark.parametrize("code", ["new%00born", "new%E2%80%AEborn", "%C2%85"])
def test_a_bundle_code_with_a_bad_character_in_the_path_is_refused_naming_it(api_as, catalog, code):
    response = api_as().get(f"/api/v1/bundles/{code}")
    assert response.status_code == 400 and "code" in errors_of(response)


# --- the services ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("character", "words"), BAD_CHARACTERS)
def test_the_services_refuse_free_text_with_a_bad_character_and_write_nothing(
    submit, health_officer, character, words
):
    application = submit()
    task = task_of(application, "vaccination_certificate")
    services.task_claim(actor=health_officer, task_id=task.pk)
    bad = f"文字{character}文字"
    attempts = {
        "reason": lambda: services.task_reject(actor=health_officer, task_id=task.pk, reason=bad),
        "outputs.vaccination_record_number": lambda: services.task_approve(
            actor=health_officer, task_id=task.pk, outputs={"vaccination_record_number": bad}
        ),
        "display_name": lambda: resident_signup(
            phone="13812345678", password="long enough!", display_name=bad
        ),
        "name": lambda: calendar_override_set(
            actor=health_officer, day=date(2031, 5, 6), kind=CalendarOverride.Kind.HOLIDAY, name=bad
        ),
    }
    for field, attempt in attempts.items():
        with pytest.raises(FieldErrors) as caught:
            attempt()
        assert words in caught.value.errors[field], field
    task.refresh_from_db()
    assert task.status == Task.Status.CLAIMED and task.outputs == {}
    assert not User.objects.filter(phone="13812345678").exists()
    assert not CalendarOverride.objects.exists()


@pytest.mark.parametrize(("character", "words"), BAD_CHARACTERS)
def test_a_rating_comment_with_a_bad_character_is_refused(resident, submit, officers, character, words):
    from banshi.cases.tests.helpers import work_everything

    application = submit()
    work_everything(application, officers)
    with pytest.raises(FieldErrors) as caught:
        application_rate(actor=resident, application_id=application.pk, level=5, comment=f"好{character}")
    assert words in caught.value.errors["comment"]
    assert not Rating.objects.exists()


def test_a_multi_line_reason_keeps_its_lines_and_is_stored_nfc(submit, health_officer):
    task = task_of(submit(), "vaccination_certificate")
    services.task_claim(actor=health_officer, task_id=task.pk)
    services.task_reject(actor=health_officer, task_id=task.pk, reason="  Zoe\u0308:\r\nnot in this city  ")
    task.refresh_from_db()
    assert task.decision_reason == "Zoë:\nnot in this city"
