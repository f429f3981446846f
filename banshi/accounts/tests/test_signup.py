import pytest

from banshi.accounts.models import User
from banshi.accounts.services import resident_signup
from banshi.audit.models import Event
from banshi.lib.errors import FieldErrors


def test_a_resident_signs_up_with_a_mobile_number(db):
    user = resident_signup(phone="13812345678", password="a long enough password")
    assert user.phone == "13812345678"
    assert Event.objects.filter(event_type="user.signed_up", subject_id=str(user.pk)).exists()


def test_a_mobile_number_can_be_registered_only_once(db):
    resident_signup(phone="13812345678", password="a long enough password")
    with pytest.raises(FieldErrors) as caught:
        resident_signup(phone="13812345678", password="another password")
    assert list(caught.value.errors) == ["phone"]
    assert User.objects.count() == 1


def test_sign_up_applies_the_password_policy_and_names_the_field(db):
    with pytest.raises(FieldErrors) as caught:
        resident_signup(phone="13812345678", password="13812345678", display_name="李四")
    assert set(caught.value.errors) == {"password"}
    assert "too similar" in caught.value.errors["password"]
    assert "entirely numeric" in caught.value.errors["password"]
    with pytest.raises(FieldErrors) as caught:
        resident_signup(phone="1381234", password="")
    assert set(caught.value.errors) == {"phone", "password"}
    assert caught.value.errors["password"] == "is required"
    assert not User.objects.exists() and not Event.objects.exists()
