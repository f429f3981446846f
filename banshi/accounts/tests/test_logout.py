"""Sessions live on the server: logging out ends the session at once, so a copy of the old cookie
opens nothing afterwards."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from banshi.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_after_logout_the_old_session_cookie_no_longer_works(resident):
    client = Client()
    response = client.post("/accounts/login/", {"username": resident.username, "password": PASSWORD})
    assert response.status_code == 302
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    copy = Client()
    copy.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert copy.get("/applications/").status_code == 200  # the copy works while the session lasts

    assert client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(session_key=cookie).exists()
    response = copy.get("/applications/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
