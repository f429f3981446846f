"""Big files fail fast: the page tells the browser the limit of a file before it is sent, and the server
refuses a form larger than its files may be from its Content-Length, before reading any of it."""

import pytest
from django.test import Client

from banshi.cases.draft import DraftKey, draft_get
from banshi.cases.models import Upload
from banshi.cases.tests.test_pages import answers_post, fields_post, files_post, logged_in
from banshi.ui.middleware import upload_limit

pytestmark = pytest.mark.django_db

DETAILS = "/bundles/newborn/details/"


@pytest.fixture
def at_details(resident):
    client = logged_in(resident)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert client.post("/bundles/newborn/questions/", answers_post()).status_code == 302
    return client


def test_every_file_input_says_its_limit_and_the_message_that_names_it(at_details, settings):
    settings.MATERIAL_MAX_BYTES = 5 * 1024 * 1024
    page = at_details.get(DETAILS).content.decode()
    assert 'id="materials-mother-id-card" name="materials.mother_id_card" data-max-bytes="5242880"' in page
    assert "is larger than 5 MB: choose a smaller file, or a photo at a lower resolution" in page


def test_a_form_larger_than_its_files_may_be_is_refused_unread(at_details, resident):
    from banshi.catalog.views import open_spec

    claimed = upload_limit(len(open_spec("newborn").materials)) + 1  # every material of the bundle
    # The body is far shorter than it claims: reading it would fail the test client's payload.
    response = at_details.post(DETAILS, fields_post(), CONTENT_LENGTH=str(claimed))
    page = response.content.decode()
    assert response.status_code == 413
    assert 'data-status="413"' in page and "The file is too large" in page
    assert "Each file can be at most 10 MB. Nothing was sent." in page
    draft = draft_get(resident, DraftKey(code="newborn"))
    assert draft["values"] == {} and draft["materials"] == {}
    assert not Upload.objects.exists()


def test_a_form_within_the_limit_is_read_as_always(at_details, resident):
    response = at_details.post(DETAILS, {**fields_post(), **files_post()})
    assert response.status_code == 302
    assert Upload.objects.filter(owner=resident).count() == 4


def test_the_refusal_comes_before_the_csrf_check_and_changes_nothing(resident):
    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"})
    client.force_login(resident)
    response = client.post(DETAILS, {}, CONTENT_LENGTH=str(upload_limit(50)))
    assert response.status_code == 413
    assert not Upload.objects.exists()


def test_a_correction_larger_than_its_files_may_be_is_refused_unread(submit, resident):
    application = submit()
    task = application.tasks.first()
    client = logged_in(resident)
    path = f"/applications/{application.number}/tasks/{task.pk}/correct/"
    response = client.post(path, {}, CONTENT_LENGTH=str(upload_limit(50)))
    assert response.status_code == 413
