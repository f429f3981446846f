from banshi.directory.models import Agency, Area, Membership


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


def district_choices() -> list[tuple[str, str]]:
    """The districts and counties a household can belong to, as (GB/T 2260 code, name)."""
    kinds = [Area.Kind.DISTRICT, Area.Kind.COUNTY]
    return list(Area.objects.filter(kind__in=kinds).order_by("code").values_list("code", "name"))


def agency_names(*, codes) -> dict[str, str]:
    return {agency.code: agency.name for agency in Agency.objects.filter(code__in=set(codes))}
