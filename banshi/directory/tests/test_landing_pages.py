"""Staff land where they work after logging in, and each role's menu has its pages and none of the
resident's own."""

import re

import pytest
from django.test import Client

from banshi.conftest import PASSWORD, _user
from banshi.directory.models import Area, Membership, Window

pytestmark = pytest.mark.django_db


def log_in(username: str, next_page: str | None = None):
    client = Client(headers={"Accept-Language": "en"})
    data = {"username": username, "password": PASSWORD}
    path = "/accounts/login/"
    if next_page is not None:
        path += f"?next={next_page}"
        data["next"] = next_page
    response = client.post(path, data, follow=True)
    assert response.status_code == 200
    return client, response


def landed(response) -> str:
    return response.redirect_chain[-1][0]


def menu(response) -> list[str]:
    nav = re.search(r'<nav class="site-nav".*?</nav>', response.content.decode(), re.S).group(0)
    return [
        re.sub(r"<[^>]+>|\s+", " ", label).strip() for label in re.findall(r"<a [^>]*>(.*?)</a>", nav, re.S)
    ]


def video_window() -> Window:
    return Window.objects.create(
        name="渝中区视频窗口", kind=Window.Kind.VIDEO, area=Area.objects.get(code="500103")
    )


@pytest.fixture
def supervisor(catalog):
    user = _user("supervisor")
    Membership.objects.create(user=user, role=Membership.Role.SUPERVISOR)
    return user


@pytest.fixture
def video_clerk(catalog):
    user = _user("vclerk")
    Membership.objects.create(user=user, role=Membership.Role.CLERK, window=video_window())
    return user


def test_an_officer_lands_on_the_work_queue_with_no_resident_items_in_the_menu(health_officer):
    _client, response = log_in("health")
    assert landed(response) == "/work/"
    items = menu(response)
    assert "Work queue" in items
    assert "My applications" not in items and "Video window" not in items
    assert "Window" not in items and "Supervision" not in items


def test_a_window_clerk_lands_on_the_window_and_a_clerk_of_both_windows_sees_both_consoles(window_clerk):
    _client, response = log_in("clerk")
    assert landed(response) == "/window/"
    assert "Window" in menu(response) and "Video console" not in menu(response)

    Membership.objects.create(user=window_clerk, role=Membership.Role.CLERK, window=video_window())
    _client, response = log_in("clerk")
    assert landed(response) == "/window/"
    items = menu(response)
    assert "Window" in items and "Video console" in items
    assert "My applications" not in items


def test_a_clerk_of_a_video_window_only_lands_on_the_video_console(video_clerk):
    _client, response = log_in("vclerk")
    assert landed(response) == "/video/console/"
    items = menu(response)
    assert "Video console" in items
    assert "Window" not in items and "Video window" not in items


def test_a_supervisor_lands_on_supervision_with_the_video_statistics_in_the_menu(supervisor):
    client, response = log_in("supervisor")
    assert landed(response) == "/supervise/"
    items = menu(response)
    assert "Supervision" in items and "Video statistics" in items
    assert "My applications" not in items and "Work queue" not in items
    assert client.get("/video/stats/").status_code == 200


def test_a_resident_lands_on_the_services_and_keeps_their_own_items(resident):
    _client, response = log_in("13800000001")
    assert landed(response) == "/"
    items = menu(response)
    assert "My applications" in items and "Video window" in items
    assert not {"Work queue", "Window", "Video console", "Supervision", "Video statistics"} & set(items)


def test_the_page_asked_for_still_comes_first_and_the_home_page_does_not_count(health_officer):
    _client, response = log_in("health", next_page="/notifications/")
    assert landed(response) == "/notifications/"
    _client, response = log_in("health", next_page="/")
    assert landed(response) == "/work/"


def test_the_home_page_s_log_in_link_carries_no_next_and_other_pages_do(catalog):
    client = Client(headers={"Accept-Language": "en"})
    home = client.get("/").content.decode()
    assert 'href="/accounts/login/"' in home and 'href="/accounts/signup/"' in home
    bundle = client.get("/bundles/newborn/").content.decode()
    assert 'href="/accounts/login/?next=%2Fbundles%2Fnewborn%2F"' in bundle
    assert 'href="/accounts/signup/?next=%2Fbundles%2Fnewborn%2F"' in bundle
