from django.test import Client
from django.utils import translation


def test_pages_are_in_simplified_chinese_by_default_and_in_english_on_request(catalog):
    with translation.override(None):
        chinese = Client().get("/bundles/newborn/")
        english = Client(headers={"Accept-Language": "en"}).get("/bundles/newborn/")
    assert chinese.status_code == english.status_code == 200
    assert (
        'lang="zh-hans"' in chinese.text and "开始办理" in chinese.text and "新生儿出生一件事" in chinese.text
    )
    assert 'lang="en"' in english.text and "Start now" in english.text and "Newborn birth" in english.text


def test_api_errors_follow_the_requested_language(api_as, resident):
    client = api_as(resident)
    payload = {"bundle": "newborn", "answers": {}, "fields": {}, "materials": {}}
    with translation.override(None):
        chinese = client.post("/api/v1/applications", payload, headers={"Accept-Language": "zh-hans"})
    messages = {e["field"]: e["message"] for e in chinese.json()["errors"]}
    assert chinese.status_code == 400
    assert messages["answers.register_with"] == "为必填项"
