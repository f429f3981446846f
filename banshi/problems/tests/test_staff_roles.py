"""The directory's `staff_roles` knows the problems app's roles through its registered provider: a
hotline operator, a dispatcher and a unit's officer are staff wherever it is asked; a resident is not."""

from banshi.directory.models import Membership
from banshi.directory.selectors import is_staff_member, staff_roles


def test_the_hotlines_and_the_units_staff_hold_their_problems_roles(world):
    assert staff_roles(user=world.operator) == {"problems_operator", "problems_callbacks"}
    assert staff_roles(user=world.dispatcher) == {"problems_dispatcher", "problems_callbacks"}
    assert staff_roles(user=world.street_officer) == {"problems_unit_officer", "problems_callbacks"}
    assert all(is_staff_member(user=user) for user in (world.operator, world.dispatcher, world.water_officer))


def test_a_resident_holds_no_role_and_a_directory_role_stays_beside_the_problems_one(world):
    assert staff_roles(user=world.resident) == set()
    assert not is_staff_member(user=world.resident)
    Membership.objects.create(user=world.dispatcher, role=Membership.Role.SUPERVISOR)
    assert {"supervisor", "problems_dispatcher", "problems_callbacks"} <= staff_roles(user=world.dispatcher)
