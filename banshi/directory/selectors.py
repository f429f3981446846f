from banshi.directory.models import Agency, Membership


def agency_ids_for_officer(*, user) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user, role=Membership.Role.OFFICER).values_list("agency_id", flat=True)
    )


def agencies_for_officer(*, user):
    return Agency.objects.filter(id__in=agency_ids_for_officer(user=user))


def is_staff_member(*, user) -> bool:
    return user.is_authenticated and Membership.objects.filter(user=user).exists()
