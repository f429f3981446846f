"""The notifications page, its open link and the header's unread count: a user sees only their own,
newest first, twenty a page; what a page shows is marked read; a link opens only a page of this site."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banshi.notify.context import inbox
from banshi.notify.models import Notification
from banshi.notify.services import notification_send, notifications_mark_read

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 12, 7, 9, 30, tzinfo=SHANGHAI)
LIST = "/notifications/"


def logged_in(user, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


def sent(user, title: str, *, at: datetime, body: str = "", url: str = "") -> Notification:
    with time_machine.travel(at, tick=False):
        return notification_send(user=user, title=title, body=body, url=url)


def titles_on(response) -> list[str]:
    return re.findall(
        r'<h2 class="notification-title">.*?(?:<a [^>]*>)?(Note [^<]*?)(?:</a>)?\s*</h2>', response.text, re.S
    )


def unread_ids(user) -> set[int]:
    return set(Notification.objects.filter(user=user, read_at=None).values_list("pk", flat=True))


def open_url(note: Notification) -> str:
    return f"/notifications/{note.pk}/open/"


def test_the_page_lists_only_the_users_own_notifications_newest_first(resident, other_resident):
    sent(resident, "Note older", at=MONDAY)
    sent(other_resident, "Note of someone else", at=MONDAY + timedelta(minutes=1))
    sent(resident, "Note newer", at=MONDAY + timedelta(minutes=2))
    sent(resident, "Note same minute, later row", at=MONDAY + timedelta(minutes=2))

    response = logged_in(resident).get(LIST)

    assert response.status_code == 200
    assert titles_on(response) == ["Note same minute, later row", "Note newer", "Note older"]
    assert "someone else" not in response.text
    assert unread_ids(other_resident)  # what another user was sent stays unread


def test_each_notification_shows_its_title_body_time_in_the_readers_locale_and_its_link(resident):
    note = sent(
        resident,
        "Note: birth certificate is ready",
        body="Application BS1",
        url="/applications/BS1/",
        at=datetime(2026, 12, 7, 1, 5, tzinfo=ZoneInfo("UTC")),
    )
    sent(resident, "Note without a link", at=MONDAY + timedelta(hours=1))

    english = logged_in(resident, "en").get(LIST).text
    Notification.objects.update(read_at=None)
    chinese = logged_in(resident, "zh-hans").get(LIST).text

    assert "Application BS1" in english
    assert f'<a href="{open_url(note)}">Note: birth certificate is ready</a>' in english
    assert "Note without a link</h2>" in re.sub(r"\s+</h2>", "</h2>", english)
    # Shown in Shanghai time, written the reader's way, with the machine-readable instant beside it.
    assert '<time datetime="2026-12-07T09:05:00+0800">Dec. 7, 2026, 9:05 a.m.</time>' in english
    assert '<time datetime="2026-12-07T09:05:00+0800">2026年12月7日 09:05</time>' in chinese
    assert "消息通知" in chinese and "未读" in chinese


def test_it_shows_twenty_a_page_and_links_the_pages(resident):
    for minute in range(25):
        sent(resident, f"Note {minute:02d}", at=MONDAY + timedelta(minutes=minute))
    client = logged_in(resident)

    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})

    assert titles_on(first) == [f"Note {minute:02d}" for minute in range(24, 4, -1)]
    assert titles_on(second) == [f"Note {minute:02d}" for minute in range(4, -1, -1)]
    assert "Page 1 of 2" in first.text and 'href="?page=2" rel="next"' in first.text
    assert "Page 2 of 2" in second.text and 'href="?page=1" rel="prev"' in second.text
    assert 'rel="prev"' not in first.text and 'rel="next"' not in second.text
    # A page number that is not one shows the first page, one past the end the last.
    assert titles_on(client.get(LIST, {"page": "x"})) == titles_on(first)
    assert titles_on(client.get(LIST, {"page": 9})) == titles_on(second)


def test_a_single_page_has_no_page_links_and_an_empty_list_says_so(resident, other_resident):
    sent(resident, "Note only", at=MONDAY)

    assert "Page 1 of 1" not in logged_in(resident).get(LIST).text
    assert "You have no notifications." in logged_in(other_resident).get(LIST).text


# The visit's own time: the session of a log-in weeks before it would have expired.
@time_machine.travel(MONDAY + timedelta(hours=1), tick=False)
def test_opening_the_page_marks_what_it_shows_read_and_only_that(resident):
    for minute in range(22):
        sent(resident, f"Note {minute:02d}", at=MONDAY + timedelta(minutes=minute))
    already = Notification.objects.get(title="Note 21")
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        notifications_mark_read(user=resident, ids=[already.pk])
    client = logged_in(resident)

    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        first = client.get(LIST)

    # Shown as they were before this visit: the one read before is not marked unread, the others are.
    assert first.text.count(">Unread</span>") == 19
    assert "notification-unread" not in first.text.split("Note 21")[0].rsplit("<li", 1)[1]
    assert {note.title for note in Notification.objects.filter(read_at=None)} == {"Note 00", "Note 01"}
    marked = Notification.objects.exclude(pk=already.pk).exclude(read_at=None)
    assert {note.read_at for note in marked} == {MONDAY + timedelta(hours=1)}
    already.refresh_from_db()
    assert already.read_at == MONDAY - timedelta(days=1)  # the first reading time is kept

    assert ">Unread</span>" not in client.get(LIST).text
    assert client.get(LIST, {"page": 2}).text.count(">Unread</span>") == 2
    assert not unread_ids(resident)


def test_following_a_link_marks_that_notification_read_and_opens_its_page(resident):
    note = sent(resident, "Note ready", url="/applications/BS1/", at=MONDAY)
    other = sent(resident, "Note other", url="/applications/BS2/", at=MONDAY)

    response = logged_in(resident).get(open_url(note))

    assert response.status_code == 302 and response["Location"] == "/applications/BS1/"
    assert unread_ids(resident) == {other.pk}


def test_a_notification_without_a_link_opens_the_list(resident):
    note = sent(resident, "Note plain", at=MONDAY)

    response = logged_in(resident).get(open_url(note))

    assert response.status_code == 302 and response["Location"] == LIST
    assert not unread_ids(resident)


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/applications/BS1/",
        "//evil.example/applications/BS1/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "javascript:alert(1)",
        "applications/BS1/",
    ],
)
def test_the_open_link_refuses_a_url_that_is_not_a_page_of_this_site(resident, url):
    note = sent(resident, "Note suspicious", url=url, at=MONDAY)
    client = logged_in(resident)

    response = client.get(open_url(note))

    assert response.status_code == 302 and response["Location"] == LIST
    assert "evil" not in response["Location"]
    assert "does not lead to a page of this site" in client.get(LIST).text


def test_another_users_notification_is_not_found_and_nothing_is_marked(resident, other_resident):
    theirs = sent(other_resident, "Note theirs", url="/applications/BS9/", at=MONDAY)
    sent(resident, "Note mine", at=MONDAY)

    response = logged_in(resident).get(open_url(theirs))

    assert response.status_code == 404
    assert unread_ids(other_resident) == {theirs.pk}
    assert len(unread_ids(resident)) == 1
    assert logged_in(resident).get("/notifications/999999/open/").status_code == 404


def test_the_service_marks_only_the_users_own_unread_rows_in_one_update(resident, other_resident):
    mine = sent(resident, "Note mine", at=MONDAY)
    theirs = sent(other_resident, "Note theirs", at=MONDAY)

    with CaptureQueriesContext(connection) as queries:
        marked = notifications_mark_read(user=resident, ids=[mine.pk, theirs.pk])
    again = notifications_mark_read(user=resident, ids=[mine.pk])

    assert marked == 1 and again == 0
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["UPDATE"]
    assert "read_at" in queries.captured_queries[0]["sql"] and "IS NULL" in queries.captured_queries[0]["sql"]
    assert unread_ids(other_resident) == {theirs.pk}
    with CaptureQueriesContext(connection) as none:
        assert notifications_mark_read(user=resident, ids=[]) == 0
    assert not none.captured_queries


@pytest.mark.parametrize("path", [LIST, "/notifications/1/open/"])
def test_anonymous_visitors_are_sent_to_log_in(catalog, path):
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={path}"


def test_the_header_shows_the_unread_count_and_links_to_the_page(resident, other_resident):
    for minute in range(3):
        sent(resident, f"Note {minute}", at=MONDAY + timedelta(minutes=minute))
    sent(other_resident, "Note theirs", at=MONDAY)
    read = sent(resident, "Note read", at=MONDAY)
    notifications_mark_read(user=resident, ids=[read.pk])

    home = logged_in(resident).get("/").text
    chinese = logged_in(resident, "zh-hans").get("/").text

    link = re.search(r'<a href="/notifications/"[^>]*>(.*?)</a>', home, re.S)
    assert link is not None
    assert link.group(1) == (
        'Notifications <span aria-hidden="true">(3)</span><span class="visually-hidden">3 unread</span>'
    )
    assert '(3)</span><span class="visually-hidden">3 条未读</span>' in chinese


def test_the_header_has_no_count_when_all_are_read_and_no_link_for_anonymous_visitors(resident):
    note = sent(resident, "Note", at=MONDAY)
    notifications_mark_read(user=resident, ids=[note.pk])

    home = logged_in(resident).get("/").text
    anonymous = Client(headers={"Accept-Language": "en"}).get("/").text

    assert re.search(r'<a href="/notifications/"[^>]*>Notifications</a>', home)
    assert "/notifications/" not in anonymous


def test_the_page_is_marked_current_in_the_header_and_its_count_leaves_out_what_it_shows(resident):
    for minute in range(21):
        sent(resident, f"Note {minute:02d}", at=MONDAY + timedelta(minutes=minute))

    page = logged_in(resident).get(LIST).text

    assert (
        '<a href="/notifications/" aria-current="page">Notifications <span aria-hidden="true">(1)</span>'
        in page
    )


def test_the_header_count_costs_no_query_for_anonymous_visitors_and_one_for_signed_in_users(resident):
    sent(resident, "Note", at=MONDAY)
    request = RequestFactory().get("/")

    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as anonymous:
        assert inbox(request)["notify_inbox"].unread == 0
    request.user = resident
    with CaptureQueriesContext(connection) as signed_in:
        shown = inbox(request)["notify_inbox"]
        assert shown.unread == 1 and shown.unread == 1  # counted once however often a page shows it

    assert anonymous.captured_queries == []
    assert len(signed_in.captured_queries) == 1
    assert signed_in.captured_queries[0]["sql"].startswith("SELECT COUNT(")


def test_a_whole_page_counts_notifications_once_for_a_user_and_never_for_a_visitor(resident):
    sent(resident, "Note", at=MONDAY)

    def notification_queries(client: Client) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return [q["sql"] for q in captured.captured_queries if "notify_notification" in q["sql"]]

    assert notification_queries(Client()) == []
    signed_in = notification_queries(logged_in(resident))
    assert len(signed_in) == 1 and signed_in[0].startswith("SELECT COUNT(")
