"""The sign-up page: every field's error at once, the passwords kept through another field's error, the
mobile number confirmed by a texted code before the account exists, and the way back kept throughout."""

import re

import pytest
from django.test import Client

from banshi.accounts.models import SignupCode, User
from banshi.conftest import run_queued_texts

pytestmark = pytest.mark.django_db

PHONE = "13712345678"
PASSWORD = "a long enough password"
NEXT = "/bundles/newborn/questions/"


def visitor() -> Client:
    return Client(headers={"Accept-Language": "en"})


def fields(**overrides) -> dict[str, str]:
    return {
        "phone": PHONE,
        "display_name": "李四",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "next": NEXT,
        **overrides,
    }


def password_values(page: str) -> dict[str, str]:
    inputs = re.findall(r'<input type="password"[^>]*>', page)
    values = {}
    for tag in inputs:
        name = re.search(r'name="(\w+)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag)
        values[name] = value.group(1) if value else ""
    return values


def send_code(client: Client, sms_outbox, capture, **overrides) -> tuple[object, str]:
    with capture(execute=True):
        response = client.post("/accounts/signup/", fields(action="send", **overrides))
    run_queued_texts()
    recipient, text = sms_outbox[-1]
    assert recipient == PHONE
    return response, re.search(r"(?<!\d)(\d{6})(?!\d)", text).group(1)


def test_every_field_s_error_comes_at_once(catalog, sms_outbox):
    response = visitor().post(
        "/accounts/signup/",
        {"phone": "1381234", "display_name": "", "password1": "password123", "password2": "password123"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Mobile number must be an 11-digit mainland mobile number" in page
    assert "Your name is required" in page
    assert "Password is not accepted: This password is too common." in page
    for anchor in ("#id_phone", "#id_display_name", "#id_password1"):
        assert f'href="{anchor}"' in page
    assert not User.objects.exists() and not SignupCode.objects.exists()
    run_queued_texts()
    assert sms_outbox == []


def test_another_field_s_error_keeps_the_passwords_typed_and_their_own_error_does_not(catalog):
    response = visitor().post("/accounts/signup/", fields(phone="1381234"))
    assert response.status_code == 400
    assert password_values(response.content.decode()) == {"password1": PASSWORD, "password2": PASSWORD}
    assert "no-store" in response["Cache-Control"]

    mismatch = visitor().post("/accounts/signup/", fields(phone="1381234", password2="not the same one"))
    assert mismatch.status_code == 400
    assert "Confirm the password is not the same as the password" in mismatch.content.decode()
    assert password_values(mismatch.content.decode()) == {"password1": "", "password2": ""}


def test_the_account_opens_only_with_the_code_texted_to_the_number(
    catalog, sms_outbox, django_capture_on_commit_callbacks
):
    client = visitor()
    response, code = send_code(client, sms_outbox, django_capture_on_commit_callbacks)
    page = response.content.decode()
    assert response.status_code == 200
    assert not User.objects.exists()
    assert "A code is on its way to 137****5678 by text message." in page
    assert 'id="id_code"' in page and code not in page
    assert password_values(page) == {"password1": PASSWORD, "password2": PASSWORD}

    wrong = f"{(int(code) + 1) % 10**6:06d}"
    refused = client.post("/accounts/signup/", fields(action="create", code=wrong))
    assert refused.status_code == 400
    assert "Code from the text message is not right: 4 tries left" in refused.content.decode()
    assert password_values(refused.content.decode()) == {"password1": PASSWORD, "password2": PASSWORD}
    assert not User.objects.exists()

    opened = client.post("/accounts/signup/", fields(action="create", code=code))
    assert opened.status_code == 302 and opened.url == NEXT
    user = User.objects.get(phone=PHONE)
    assert user.display_name == "李四" and user.check_password(PASSWORD)
    landing = client.get(NEXT)
    assert "Your account is open and you are logged in." in landing.content.decode()


def test_without_a_code_sent_the_page_sends_one_and_opens_nothing(catalog, sms_outbox):
    response = visitor().post("/accounts/signup/", fields(action="create", code="123456"))
    assert response.status_code == 200
    assert not User.objects.exists() and SignupCode.objects.count() == 1


def test_a_number_already_registered_is_named_before_any_code_is_sent(resident, sms_outbox):
    response = visitor().post("/accounts/signup/", fields(phone=resident.phone))
    assert response.status_code == 400
    assert "Mobile number is already registered" in response.content.decode()
    assert not SignupCode.objects.exists()


def test_the_header_s_sign_up_and_log_in_links_keep_the_page_to_come_back_to(catalog):
    login_page = visitor().get(f"/accounts/login/?next={NEXT}").content.decode()
    header = re.search(r'<nav class="site-nav".*?</nav>', login_page, re.S).group(0)
    assert 'href="/accounts/signup/?next=%2Fbundles%2Fnewborn%2Fquestions%2F"' in header
    signup_page = visitor().get(f"/accounts/signup/?next={NEXT}").content.decode()
    header = re.search(r'<nav class="site-nav".*?</nav>', signup_page, re.S).group(0)
    assert 'href="/accounts/login/?next=%2Fbundles%2Fnewborn%2Fquestions%2F"' in header
    elsewhere = visitor().get("/accounts/login/?next=https://evil.example/").content.decode()
    assert "evil.example" not in re.search(r'<nav class="site-nav".*?</nav>', elsewhere, re.S).group(0)
