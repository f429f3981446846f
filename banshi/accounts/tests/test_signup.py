import pytest

from banshi.accounts.models import User
from banshi.accounts.services import SignupError, resident_signup
from banshi.audit.models import Event


def test_a_resident_signs_up_with_a_mobile_number(db):
    user = resident_signup(phone="13812345678", password="a long enough password")
    assert user.phone == "13812345678"
    assert Event.objects.filter(event_type="user.signed_up", subject_id=str(user.pk)).exists()


def test_a_mobile_number_can_be_registered_only_once(db):
    resident_signup(phone="13812345678", password="a long enough password")
    with pytest.raises(SignupError) as caught:
        resident_signup(phone="13812345678", password="another password")
    assert caught.value.field == "phone"
    assert User.objects.count() == 1
