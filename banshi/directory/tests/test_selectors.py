import pytest
from django.contrib.auth.models import AnonymousUser

from banshi.conftest import _clerk, _officer, _user
from banshi.directory.models import Agency, Area, Membership
from banshi.directory.roles import _providers
from banshi.directory.selectors import agency_ids_by_code, area_codes, clear_reference_cache, staff_roles

pytestmark = pytest.mark.django_db


def test_nobody_signed_in_and_a_resident_hold_no_role(catalog):
    assert staff_roles(user=AnonymousUser()) == set()
    assert staff_roles(user=_user("13800000001", phone="13800000001")) == set()


def test_each_role_a_member_of_staff_holds_is_found_in_one_query_and_one_per_provider(
    catalog, django_assert_num_queries
):
    user = _officer("health", "health_commission")
    Membership.objects.create(user=user, role=Membership.Role.SUPERVISOR)
    with django_assert_num_queries(1 + len(_providers)):
        # A supervisor's places in the apps above come with the role: the projects behind, the lecture
        # quotas and the open numbers unmasked.
        assert staff_roles(user=user) == {
            "officer",
            "supervisor",
            "projects_behind",
            "outreach_quotas",
            "numbers_supervisor",
        }
    assert staff_roles(user=_clerk("clerk")) == {"clerk"}


def test_a_clerk_without_a_window_is_no_clerk(catalog):
    user = _user("clerk")
    Membership.objects.create(user=user, role=Membership.Role.CLERK)
    assert staff_roles(user=user) == set()


def test_reference_data_is_read_once_and_kept(catalog, django_assert_num_queries):
    codes, agencies = area_codes(), agency_ids_by_code()
    assert "500103" in codes and "health_commission" in agencies
    with django_assert_num_queries(0):
        assert area_codes() is codes
        assert agency_ids_by_code() is agencies


def test_saving_or_deleting_an_area_or_an_agency_clears_the_kept_copy(catalog):
    assert "500199" not in area_codes()
    area = Area.objects.create(code="500199", name="测试区", kind=Area.Kind.DISTRICT)
    assert "500199" in area_codes()
    agency = Agency.objects.create(code="test_bureau", name_zh="测试局", name_en="Test Bureau")
    assert agency_ids_by_code()["test_bureau"] == agency.pk
    agency.delete()
    area.delete()
    assert "test_bureau" not in agency_ids_by_code()
    assert "500199" not in area_codes()


def test_a_change_that_bypasses_the_signals_shows_once_the_copy_is_cleared(catalog):
    assert "500198" not in area_codes()
    Area.objects.filter(code="500103").update(code="500198")  # a bulk update sends no signal
    assert "500198" not in area_codes()
    clear_reference_cache()
    assert "500198" in area_codes() and "500103" not in area_codes()
