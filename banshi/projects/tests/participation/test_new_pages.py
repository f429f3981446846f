"""The staff open a round, a consultation and an on-site session from the pages, for a unit of theirs;
a resident, and an officer for another unit, cannot."""

import pytest
import time_machine

from banshi.audit.models import Event
from banshi.directory.models import Agency
from banshi.projects.models import Consultation, OnSiteSession, Round
from banshi.projects.tests.participation.conftest import CREATED

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

ROUND = {
    "title": "2027年巴南区民生实事票决",
    "level": "district",
    "area": "",
    "year": "2027",
    "places": "3",
    "threshold": "2/3",
    "proposals_close_at": "2026-09-30T18:00",
    "survey_opens_at": "2026-10-08T09:00",
    "survey_closes_at": "2026-10-31T18:00",
    "vote_opens_at": "2026-11-10T09:00",
    "vote_closes_at": "2026-11-10T12:00",
}


def test_the_organiser_opens_a_round_for_their_unit(client, round_officer, banan_housing):
    client.force_login(round_officer)
    with time_machine.travel(CREATED, tick=False):
        assert 'id="round-new"' in client.get("/projects/rounds/").content.decode()
        page = client.post("/projects/rounds/new/", {**ROUND, "organiser": banan_housing.pk})
    made = Round.objects.get()
    assert page.status_code == 302 and page["Location"] == f"/projects/rounds/{made.pk}/"
    assert (made.threshold_numerator, made.threshold_denominator, made.places) == (2, 3, 3)
    assert made.organiser == banan_housing and made.phase == Round.Phase.PROPOSALS
    assert Event.objects.filter(event_type="projects.round_created", subject_id=str(made.pk)).exists()


def test_an_officer_cannot_open_a_round_for_another_unit(client, round_officer):
    client.force_login(round_officer)
    health = Agency.objects.get(code="health_commission")
    with time_machine.travel(CREATED, tick=False):
        page = client.post("/projects/rounds/new/", {**ROUND, "organiser": health.pk}, **EN)
    assert page.status_code == 400
    assert "Organising unit" in page.content.decode()
    assert not Round.objects.exists()


def test_dates_out_of_order_are_named_beside_their_fields(client, round_officer, banan_housing):
    client.force_login(round_officer)
    with time_machine.travel(CREATED, tick=False):
        page = client.post(
            "/projects/rounds/new/",
            {**ROUND, "organiser": banan_housing.pk, "vote_closes_at": "2026-11-10T08:00"},
            **EN,
        )
    assert page.status_code == 400
    assert "Vote closes at must come after the phase before it" in page.content.decode()
    assert not Round.objects.exists()


@pytest.mark.parametrize(
    "path", ["/projects/rounds/new/", "/projects/consultations/new/", "/projects/sessions/new/"]
)
def test_a_resident_cannot_open_anything(client, residents, path):
    client.force_login(residents[0])
    assert client.get(path).status_code == 404
    assert client.post(path, {"title": "x"}).status_code == 404
    assert (
        not Round.objects.exists()
        and not Consultation.objects.exists()
        and not OnSiteSession.objects.exists()
    )


def test_a_supervisor_records_an_on_site_session_with_its_units(client, city_supervisor, banan_housing):
    client.force_login(city_supervisor)
    civil = Agency.objects.get(code="civil_affairs")
    with time_machine.travel(CREATED, tick=False):
        page = client.post(
            "/projects/sessions/new/",
            {
                "title": "鱼洞街道现场办公",
                "place": "新市街社区广场",
                "held_at": "2026-09-01T09:30",
                "organiser": banan_housing.pk,
                "units": [banan_housing.pk, civil.pk],
            },
        )
    session = OnSiteSession.objects.get()
    assert page.status_code == 302 and page["Location"] == f"/projects/sessions/{session.pk}/"
    assert set(session.units.values_list("code", flat=True)) == {"banan_housing", "civil_affairs"}


def test_the_organiser_opens_a_consultation(client, round_officer, banan_housing):
    client.force_login(round_officer)
    with time_machine.travel(CREATED, tick=False):
        page = client.post(
            "/projects/consultations/new/",
            {
                "title": "改造方案（征求意见稿）",
                "draft": "拟加装电梯 12 部。",
                "opens_at": "2026-09-01T09:00",
                "closes_at": "2026-09-15T18:00",
                "organiser": banan_housing.pk,
            },
        )
    consultation = Consultation.objects.get()
    assert page.status_code == 302 and consultation.organiser == banan_housing
