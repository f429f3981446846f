from datetime import date

import pytest

from banshi.accounts.models import User
from banshi.accounts.services import resident_signup
from banshi.audit.models import Event
from banshi.lib.errors import FieldErrors
from banshi.lib.personal import (
    id_check_digit,
    id_number_problem,
    mask_id_number,
    mask_name,
    mask_phone,
    phone_problem,
)


def test_a_published_sample_id_number_passes_the_gb11643_checksum():
    # The standard's worked example: 11010519491231002 -> X
    assert id_check_digit("11010519491231002") == "X"
    assert id_number_problem("11010519491231002X", today=date(2026, 1, 1)) is None
    assert id_number_problem("11010519491231002x", today=date(2026, 1, 1)) is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("110105194912310021", "check digit"),
        ("11010519491331002X", "impossible birth date"),
        ("11010519490230002X", "impossible birth date"),
        ("1101051949123100", "18 characters"),
        ("11010519491231002Y", "18 characters"),
        ("110105203012310026", "outside the possible range"),
    ],
)
def test_a_bad_id_number_is_refused_with_the_reason(value, problem):
    assert problem in id_number_problem(value, today=date(2026, 11, 27))


def test_phones_are_mainland_mobiles():
    assert phone_problem("13800000000") is None
    assert phone_problem("12800000000")
    assert phone_problem("1380000000")


def test_masking_keeps_only_what_identifies_nobody():
    assert mask_id_number("11010519491231002X") == "110***********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("王小明") == "王**"


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
