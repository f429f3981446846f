"""403, 404 and 500 are the site's own pages: its layout, language and navigation, a way back, and
nothing of Django's plain pages."""

import copy

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import include, path
from django.utils import translation


def boom(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied


# The site's URLs behind two that fail, with the site's handlers (as banshi/urls.py names them).
urlpatterns = [path("test-boom/", boom), path("test-forbidden/", forbidden), path("", include("banshi.urls"))]
handler403 = "banshi.ui.views.permission_denied"
handler404 = "banshi.ui.views.page_not_found"
handler500 = "banshi.ui.views.server_error"


def broken_header(request):
    raise RuntimeError("the database is down")


def client(**headers) -> Client:
    made = Client(headers={"Accept-Language": "en", **headers})
    made.raise_request_exception = False
    return made


def assert_site_page(response, status: int) -> str:
    page = response.content.decode()
    assert response.status_code == status
    assert f'data-status="{status}"' in page
    assert '<nav class="site-nav"' in page and 'name="viewport"' in page
    assert 'id="error-home"' in page
    assert "Traceback" not in page and "a bug" not in page
    return page


def test_a_missing_page_is_the_site_s_own_with_a_way_back_to_the_page_before(catalog):
    response = client(Referer="http://testserver/bundles/newborn/").get("/no-such-page/")
    page = assert_site_page(response, 404)
    assert "Page not found" in page
    assert 'href="http://testserver/bundles/newborn/" class="back-link" id="error-back"' in page
    assert 'href="/" class="button" id="error-home"' in page


def test_the_way_back_never_leads_to_another_site(catalog):
    page = assert_site_page(client(Referer="https://evil.example/").get("/no-such-page/"), 404)
    assert "evil.example" not in page and 'id="error-back"' not in page


def test_an_application_of_someone_else_is_not_found_in_the_site_s_page(resident, outsider):
    signed_in = client()
    signed_in.force_login(outsider)
    page = assert_site_page(signed_in.get("/applications/NO-SUCH/"), 404)
    assert 'id="logout"' in page  # the navigation of the signed-in user
    assert 'href="/start/" class="button" id="error-home"' in page


def test_a_forbidden_staff_page_is_the_site_s_own_in_the_reader_s_language(resident):
    signed_in = client()
    signed_in.force_login(resident)
    page = assert_site_page(signed_in.get("/work/"), 403)
    assert "You cannot open this page" in page
    with translation.override(None):
        chinese = Client(headers={"Accept-Language": "zh-hans"})
        chinese.force_login(resident)
        response = chinese.get("/supervise/")
    assert response.status_code == 403 and 'lang="zh-hans"' in response.content.decode()


@pytest.mark.urls("banshi.ui.tests.test_error_pages")
def test_a_bug_shows_the_site_s_page_and_not_the_error(catalog):
    page = assert_site_page(client().get("/test-boom/"), 500)
    assert "Sorry, something went wrong on our side" in page
    assert_site_page(client().get("/test-forbidden/"), 403)


@pytest.mark.urls("banshi.ui.tests.test_error_pages")
def test_when_even_the_header_cannot_be_drawn_a_plain_page_still_answers(catalog, settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["context_processors"].append("banshi.ui.tests.test_error_pages.broken_header")
    settings.TEMPLATES = templates
    response = client().get("/test-boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert 'data-status="500"' in page and 'name="viewport"' in page and 'href="/"' in page
    assert "the database is down" not in page


def test_a_form_sent_without_its_token_gets_the_site_s_page(catalog):
    guarded = Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"})
    page = assert_site_page(guarded.post("/large-text/", {"on": "1"}), 403)
    assert "This form has expired" in page
