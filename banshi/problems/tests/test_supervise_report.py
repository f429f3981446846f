"""A supervisor (督查) follows up a report from the numbers: any report, private ones too, with the
reporter masked, a private report without its description, address or photos, and no access recorded
(nothing personal is shown). Nobody else opens the page."""

import pytest
from django.urls import reverse

from banshi.audit.models import Access
from banshi.directory.models import Membership
from banshi.problems.services import report_callback, report_close, report_contact, report_sign
from banshi.problems.tests.conftest import file_web

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def supervisor(world):
    from banshi.accounts.models import User

    user = User.objects.create_user(username="supervisor", password="a password", display_name="督查员")
    Membership.objects.create(user=user, role=Membership.Role.SUPERVISOR)
    return user


def closed_and_unhappy(world, **place):
    report = file_web(world, **place)
    report_sign(actor=world.street_officer, report_id=report.pk)
    report_contact(actor=world.street_officer, report_id=report.pk, kind="phone")
    report_close(actor=world.street_officer, report_id=report.pk, text="已修补")
    report_callback(actor=world.resident, report_id=report.pk, solved=False, satisfaction="dissatisfied")
    report.refresh_from_db()
    return report


def test_a_supervisor_sees_a_private_report_without_its_personal_details(client, world, supervisor):
    report = closed_and_unhappy(world, private=True)
    client.force_login(supervisor)
    response = client.get(reverse("problems:supervise_report", args=[report.number]), **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert report.number in page
    assert "dissatisfied" in page
    assert "not solved" in page
    assert world.street_office.name in page
    # The reporter masked; the private report's description and address not shown at all.
    assert "张丽" not in page and "张*" in page
    assert "13800000001" not in page
    assert "路面塌陷" not in page
    assert "解放碑步行街" not in page
    assert 'id="private-note"' in page
    assert not Access.objects.exists()


def test_a_public_report_shows_its_description_but_not_its_address(client, world, supervisor):
    report = closed_and_unhappy(world)
    client.force_login(supervisor)
    page = client.get(reverse("problems:supervise_report", args=[report.number]), **EN).content.decode()
    assert "路面塌陷" in page
    assert "解放碑步行街 8 号" not in page
    assert "张丽" not in page


@pytest.mark.parametrize("who", ["resident", "street_officer", "dispatcher", "jiangbei_officer"])
def test_nobody_but_a_supervisor_opens_it(client, world, who):
    report = closed_and_unhappy(world, private=True)
    client.force_login(getattr(world, who))
    response = client.get(reverse("problems:supervise_report", args=[report.number]), **EN)
    assert response.status_code == 403
    assert "路面塌陷" not in response.content.decode()


def test_anonymous_visitors_are_asked_to_sign_in(client, world):
    report = closed_and_unhappy(world)
    response = client.get(reverse("problems:supervise_report", args=[report.number]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("number", ["SQ0000000000", "nonsense", "SQ1"])
def test_an_unknown_report_is_not_found(client, world, supervisor, number):
    client.force_login(supervisor)
    assert client.get(reverse("problems:supervise_report", args=[number])).status_code == 404
