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
