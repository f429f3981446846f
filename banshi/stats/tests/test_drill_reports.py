"""From the count of a unit's dissatisfied callback answers to the report behind it: the list links each
report to the supervisor's page of it, which opens for a private report too."""

import pytest
from django.urls import reverse

from banshi.directory.models import Membership
from banshi.problems.services import report_callback, report_close, report_contact, report_sign
from banshi.problems.tests.conftest import file_web, monday_morning, world  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_a_supervisor_goes_from_an_unhappy_callback_to_the_private_report(client, world):  # noqa: F811
    from banshi.accounts.models import User

    supervisor = User.objects.create_user(username="supervisor", password="a password")
    Membership.objects.create(user=supervisor, role=Membership.Role.SUPERVISOR)
    report = file_web(world, private=True)
    report_sign(actor=world.street_officer, report_id=report.pk)
    report_contact(actor=world.street_officer, report_id=report.pk, kind="phone")
    report_close(actor=world.street_officer, report_id=report.pk, text="已修补")
    report_callback(actor=world.resident, report_id=report.pk, solved=False, satisfaction="dissatisfied")
    client.force_login(supervisor)
    page = client.get(
        "/numbers/supervise/lists/unsatisfied-callbacks/",
        {"month": "2026-12", "key": world.street_office.code},
        **EN,
    ).content.decode()
    link = reverse("problems:supervise_report", args=[report.number])
    assert f'href="{link}"' in page
    assert reverse("problems:report_detail", args=[report.number]) not in page
    followed = client.get(link, **EN)
    assert followed.status_code == 200
    assert report.number in followed.content.decode()
    # Another unit's list does not hold it.
    other = client.get(
        "/numbers/supervise/lists/unsatisfied-callbacks/",
        {"month": "2026-12", "key": world.jiangbei_fallback.code},
        **EN,
    ).content.decode()
    assert report.number not in other


def test_the_problems_filed_by_district_and_category_list_what_they_count(client, world):  # noqa: F811
    from banshi.accounts.models import User
    from banshi.problems.services import report_mark_duplicate
    from banshi.problems.tests.conftest import JIANGBEI, YUZHONG
    from banshi.stats import registry
    from banshi.stats.drill import DRILLS
    from banshi.stats.registry import query_from_params

    first, second, duplicate = (file_web(world) for _ in range(3))
    elsewhere = file_web(world, district=JIANGBEI)
    file_web(world, category="water", private=True)
    report_mark_duplicate(actor=world.street_officer, report_id=duplicate.pk, original_id=first.pk)
    params = {"month": "2026-12"}

    def counted(code: str) -> dict[str, int]:
        figure = registry.figure(code)
        assert figure is not None
        return {row["_key"]: row["filed"] for row in registry.table(figure, query_from_params(params)).rows}

    def listed(drill: str, key: str) -> set[str]:
        return {row["number"] for row in DRILLS[drill].rows(query_from_params(params, masked=False), key)}

    in_yuzhong = listed("problems-filed-district", YUZHONG)
    assert in_yuzhong >= {first.number, second.number} and duplicate.number not in in_yuzhong
    assert len(in_yuzhong) == 3  # with the private report about water
    assert counted("problems-districts")[YUZHONG] == 3
    assert listed("problems-filed-district", JIANGBEI) == {elsewhere.number}
    assert counted("problems-districts")[JIANGBEI] == 1
    roads = listed("problems-filed-category", "roads")
    assert roads == {first.number, second.number, elsewhere.number}
    assert counted("problems-categories")["roads"] == 3
    # The supervisor opens one from the list.
    supervisor = User.objects.create_user(username="supervisor2", password="a password")
    Membership.objects.create(user=supervisor, role=Membership.Role.SUPERVISOR)
    client.force_login(supervisor)
    page = client.get(
        "/numbers/supervise/lists/problems-filed-category/", {**params, "key": "roads"}, **EN
    ).content.decode()
    assert reverse("problems:supervise_report", args=[elsewhere.number]) in page
    assert "13800000001" not in page and "张丽" not in page
