"""Ratings (好差评): the applicant rates a finished application once; a poor rating is followed up by a
supervisor. Through the service, the API and the pages."""

import pytest
from django.test import Client

from banshi.audit.models import Event
from banshi.cases.models import Application, Rating
from banshi.cases.services.rate import application_rate, rating_follow_up
from banshi.cases.tests.helpers import work_everything
from banshi.conftest import _user
from banshi.directory.models import Membership
from banshi.lib.errors import Conflict, FieldErrors, NotFound

A = Application.Status
COMMENT = "窗口的王老师很耐心，电话 13800000001"


@pytest.fixture
def supervisor(catalog):
    user = _user("supervisor")
    Membership.objects.create(user=user, role=Membership.Role.SUPERVISOR)
    return user


def finish(application, status=A.COMPLETE) -> Application:
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    return application


@pytest.fixture
def finished(submit):
    return finish(submit())


def rating_events(rating, event_type):
    return Event.objects.filter(subject_type="cases.rating", subject_id=str(rating.pk), event_type=event_type)


def logged_in(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


# --- the service -------------------------------------------------------------------------------------


def test_the_applicant_rates_a_complete_application_and_the_rating_is_audited_without_the_comment(
    submit, officers, resident
):
    application = submit()
    work_everything(application, officers)
    application.refresh_from_db()
    assert application.status == A.COMPLETE

    rating = application_rate(actor=resident, application_id=application.id, level=5, comment=f" {COMMENT} ")

    rating.refresh_from_db()
    assert (rating.application, rating.level, rating.comment) == (application, 5, COMMENT)
    event = rating_events(rating, "rating.created").get()
    assert (event.actor, event.new_state) == (resident, "5")
    assert event.extra == {"application": application.number, "poor": False}
    assert "13800000001" not in str(event.extra) + event.reason


def test_a_closed_application_can_be_rated_too(submit, resident):
    application = finish(submit(), A.CLOSED)
    assert application_rate(actor=resident, application_id=application.id, level=1, comment="").level == 1


@pytest.mark.parametrize("status", [A.IN_PROGRESS, A.CORRECTION_NEEDED])
def test_an_application_cannot_be_rated_before_it_is_finished(submit, resident, status):
    application = finish(submit(), status)
    with pytest.raises(Conflict):
        application_rate(actor=resident, application_id=application.id, level=5, comment="")
    assert not Rating.objects.exists()


def test_an_application_is_rated_once(finished, resident):
    application_rate(actor=resident, application_id=finished.id, level=4, comment="")
    with pytest.raises(Conflict):
        application_rate(actor=resident, application_id=finished.id, level=1, comment="changed my mind")
    assert Rating.objects.get().level == 4
    assert Event.objects.filter(event_type="rating.created").count() == 1


@pytest.mark.parametrize("who", ["other_resident", "supervisor", "health_officer"])
def test_nobody_but_the_applicant_can_rate(finished, who, request):
    with pytest.raises(NotFound):
        application_rate(actor=request.getfixturevalue(who), application_id=finished.id, level=1, comment="")
    assert not Rating.objects.exists()


@pytest.mark.parametrize("level", [0, 6, -1, None, True, 2.5, "five", [5]])
def test_a_level_outside_one_to_five_is_refused(finished, resident, level):
    with pytest.raises(FieldErrors) as caught:
        application_rate(actor=resident, application_id=finished.id, level=level, comment="")
    assert set(caught.value.errors) == {"level"}
    assert not Rating.objects.exists()


def test_a_comment_longer_than_the_limit_is_refused(finished, resident):
    with pytest.raises(FieldErrors) as caught:
        application_rate(actor=resident, application_id=finished.id, level=3, comment="很" * 1001)
    assert set(caught.value.errors) == {"comment"}


def test_a_supervisor_records_the_follow_up_of_a_poor_rating_and_it_is_audited_without_the_note(
    finished, resident, supervisor
):
    rating = application_rate(actor=resident, application_id=finished.id, level=2, comment="")
    note = "Called the mother (电话 13800000001); the window now opens at 8:30."

    rating_follow_up(actor=supervisor, rating_id=rating.id, outcome="resolved", note=note)

    rating.refresh_from_db()
    assert (rating.followed_up_by, rating.follow_up_note) == (supervisor, note)
    assert rating.followed_up_at is not None
    event = rating_events(rating, "rating.followed_up").get()
    assert (event.actor, event.old_state, event.new_state) == (supervisor, "open", "followed_up")
    assert event.extra == {"level": 2, "outcome": "resolved"} and event.reason == ""


def test_a_rating_is_followed_up_once(finished, resident, supervisor):
    rating = application_rate(actor=resident, application_id=finished.id, level=1, comment="")
    rating_follow_up(actor=supervisor, rating_id=rating.id, outcome="resolved", note="first")
    with pytest.raises(Conflict):
        rating_follow_up(actor=supervisor, rating_id=rating.id, outcome="resolved", note="second")
    rating.refresh_from_db()
    assert rating.follow_up_note == "first"


def test_only_a_poor_rating_is_followed_up(finished, resident, supervisor):
    rating = application_rate(actor=resident, application_id=finished.id, level=3, comment="")
    with pytest.raises(Conflict):
        rating_follow_up(actor=supervisor, rating_id=rating.id, outcome="resolved", note="n")


def test_the_follow_up_needs_a_note_and_a_supervisor(finished, resident, supervisor, health_officer):
    rating = application_rate(actor=resident, application_id=finished.id, level=1, comment="")
    with pytest.raises(FieldErrors) as caught:
        rating_follow_up(actor=supervisor, rating_id=rating.id, outcome="resolved", note="   ")
    assert set(caught.value.errors) == {"note"}
    for someone in (health_officer, resident):
        with pytest.raises(NotFound):
            rating_follow_up(actor=someone, rating_id=rating.id, outcome="resolved", note="n")
    rating.refresh_from_db()
    assert rating.followed_up_at is None
    assert not rating_events(rating, "rating.followed_up").exists()


# --- the API -----------------------------------------------------------------------------------------


def rating_url(application) -> str:
    return f"/api/v1/applications/{application.id}/rating"


def test_the_api_takes_a_rating_once_the_application_is_finished(api_as, submit, resident):
    application = submit()
    client = api_as(resident)

    early = client.post(rating_url(application), {"level": 5})
    assert early.status_code == 409 and early.json()["errors"][0]["message"]

    finish(application)
    response = client.post(rating_url(application), {"level": 5, "comment": "很快"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["application"], body["level"], body["label"], body["comment"]) == (
        application.number,
        5,
        "very satisfied",
        "很快",
    )

    again = client.post(rating_url(application), {"level": 1})
    assert again.status_code == 409


def test_the_api_hides_another_persons_application_and_refuses_a_level_out_of_range(
    api_as, finished, resident, other_resident
):
    assert api_as(other_resident).post(rating_url(finished), {"level": 5}).status_code == 404
    client = api_as(resident)
    for payload in ({"level": 6}, {"level": 0}, {"level": "good"}, {}):
        response = client.post(rating_url(finished), payload)
        assert response.status_code == 400, payload
        assert response.json()["errors"][0]["field"] == "level"
    assert api_as().post(rating_url(finished), {"level": 5}).status_code == 401
    assert not Rating.objects.exists()


# --- the pages ---------------------------------------------------------------------------------------


def page_of(application) -> str:
    return f"/applications/{application.number}/"


def test_the_status_page_offers_the_rating_form_only_once_the_application_is_finished(submit, resident):
    application = submit()
    client = logged_in(resident)
    assert 'id="rating-form"' not in client.get(page_of(application)).content.decode()

    finish(application)
    page = client.get(page_of(application)).content.decode()
    assert 'id="rating-form"' in page
    assert "very dissatisfied" in page


def test_the_applicant_rates_from_the_status_page(finished, resident):
    client = logged_in(resident)
    response = client.post(page_of(finished), {"level": "2", "comment": "Too many calls"})
    assert response.status_code == 302 and response.url == page_of(finished)
    rating = Rating.objects.get(application=finished)
    assert (rating.level, rating.comment) == (2, "Too many calls")

    page = client.get(page_of(finished)).content.decode()
    assert 'id="rating-given" data-level="2"' in page and 'id="rating-form"' not in page
    assert "Too many calls" in page


def test_a_rating_without_a_level_shows_the_error_beside_the_question(finished, resident):
    response = logged_in(resident).post(page_of(finished), {"comment": "hm"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="error-summary"' in page and 'href="#id_level_0"' in page
    assert "hm</textarea>" in page
    assert not Rating.objects.exists()


def test_rating_an_unfinished_application_from_the_page_changes_nothing(submit, resident):
    application = submit()
    response = logged_in(resident).post(page_of(application), {"level": "5"}, follow=True)
    assert "an application can be rated once it is finished" in response.content.decode()
    assert not Rating.objects.exists()


def test_another_person_cannot_rate_from_the_page(finished, other_resident):
    assert logged_in(other_resident).post(page_of(finished), {"level": "1"}).status_code == 404
    assert not Rating.objects.exists()


def test_the_supervisors_list_shows_poor_ratings_only_and_needs_a_supervisor(
    submit, resident, supervisor, health_officer
):
    poor, good = finish(submit()), finish(submit(idempotency_key="2"))
    application_rate(actor=resident, application_id=poor.id, level=1, comment="Nobody called back")
    application_rate(actor=resident, application_id=good.id, level=5, comment="Great")

    assert Client().get("/supervise/ratings/").status_code == 302  # to the login page
    assert logged_in(resident).get("/supervise/ratings/").status_code == 403
    assert logged_in(health_officer).get("/supervise/ratings/").status_code == 403
    assert logged_in(health_officer).post("/supervise/ratings/", {"rating": "1"}).status_code == 403

    page = logged_in(supervisor).get("/supervise/ratings/").content.decode()
    assert poor.number in page and "Nobody called back" in page and "very dissatisfied" in page
    assert good.number not in page and "Great" not in page
    assert "13800000001" not in page  # the applicant's name is masked, their number never shown


def test_a_supervisor_records_a_follow_up_from_the_list(finished, resident, supervisor):
    rating = application_rate(actor=resident, application_id=finished.id, level=2, comment="")
    client = logged_in(supervisor)

    missing = client.post("/supervise/ratings/", {"rating": str(rating.pk), f"r{rating.pk}-note": ""})
    assert missing.status_code == 400 and 'id="error-summary"' in missing.content.decode()

    response = client.post(
        "/supervise/ratings/",
        {
            "rating": str(rating.pk),
            f"r{rating.pk}-outcome": "resolved",
            f"r{rating.pk}-note": "Apologised; fixed the form",
        },
    )
    assert response.status_code == 302
    rating.refresh_from_db()
    assert rating.follow_up_note == "Apologised; fixed the form" and rating.followed_up_by == supervisor
    page = client.get("/supervise/ratings/").content.decode()
    assert "No poor rating is waiting for a follow-up." in page
    assert "Apologised; fixed the form" in page

    again = client.post(
        "/supervise/ratings/",
        {"rating": str(rating.pk), f"r{rating.pk}-outcome": "resolved", f"r{rating.pk}-note": "x"},
        follow=True,
    )
    assert "already been followed up" in again.content.decode()
