"""The resident's pages: reporting in two steps, with the open reports of the same kind nearby shown
first to follow instead; every bad answer named and nothing written; their reports; a report's page
masked for anyone but its reporter and hidden when private; reopening within 30 days; the callback once
closed; and the public map leaving private reports out."""

import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from banshi.audit.models import Event
from banshi.problems.events import EventType
from banshi.problems.models import Callback, Follower, Photo, Report
from banshi.problems.services import report_close, report_contact, report_sign
from banshi.problems.tests.conftest import YUZHONG, file_web

pytestmark = pytest.mark.usefixtures("monday_morning")

JIEFANGBEI = {"lat": "29.557000", "lng": "106.577000"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 90, 0)).save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def place_step(client, **data):
    return client.post("/problems/report/", {"step": "place", "category": "roads", **data}, **EN)


def details_step(client, **data):
    body = {
        "step": "details",
        "category": "roads",
        "description": "路灯不亮，晚上很黑",
        "token": "t1",
        **data,
    }
    return client.post("/problems/report/", body, **EN)


def closed(world, report):
    report_sign(actor=world.street_officer, report_id=report.pk)
    report_contact(actor=world.street_officer, report_id=report.pk, kind="phone")
    report_close(actor=world.street_officer, report_id=report.pk, text="已修复")
    report.refresh_from_db()
    return report


def test_reporting_needs_a_signed_in_resident(client, world):
    response = client.get("/problems/report/", **EN)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_resident_reports_with_a_pin_and_a_photo_in_two_steps(client, world):
    client.force_login(world.resident)
    first = client.get("/problems/report/", **EN)
    assert first.status_code == 200
    assert b'data-pick-lat="id_lat"' in first.content

    second = place_step(client, **JIEFANGBEI)
    assert second.status_code == 200
    assert b"No open report of the same kind" in second.content
    assert b'name="lat" value="29.557000"' in second.content
    assert not Report.objects.exists()

    sent = details_step(client, **JIEFANGBEI, photos=[jpeg()])
    report = Report.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/problems/{report.number}/"
    assert (report.reporter, report.channel, report.category.code) == (world.resident, "web", "roads")
    assert str(report.lat) == "29.557000" and not report.private
    assert Photo.objects.filter(report=report).count() == 1

    # Sent twice (a double tap), it is still one report.
    details_step(client, **JIEFANGBEI, photos=[jpeg()])
    assert Report.objects.count() == 1 and Photo.objects.count() == 1


def test_a_place_picked_level_by_level_is_kept_with_the_names_of_the_street_and_community(client, world):
    from banshi.directory.selectors import communities_of, streets_of

    street_code, street_name = streets_of(district_code=YUZHONG)[0]
    community_code, community_name = communities_of(street_code=street_code)[0]
    client.force_login(world.resident)
    place = {"district": YUZHONG, "street": street_code, "community": community_code, "address": "8 号"}
    assert place_step(client, **place).status_code == 200
    details_step(client, **place, private="on")
    report = Report.objects.get()
    assert (report.district.code, report.street, report.community) == (YUZHONG, street_name, community_name)
    assert report.private


def test_every_bad_answer_is_named_and_nothing_is_written(client, world):
    client.force_login(world.resident)
    response = client.post(
        "/problems/report/", {"step": "place", "category": "nope", "lat": "40.1", "lng": "abc"}, **EN
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Category is not one of the choices" in text
    assert "Latitude is outside Chongqing" in text
    assert "Longitude must be a number" in text

    response = place_step(client)
    assert response.status_code == 400
    assert (
        "Place: put a pin on the map, or choose a district and give an address" in response.content.decode()
    )
    # Nothing chosen at all: the category and the place are named in the same answer.
    nothing = client.post("/problems/report/", {"step": "place"}, **EN).content.decode()
    assert "Category is required" in nothing
    assert "Place: put a pin on the map, or choose a district and give an address" in nothing

    response = details_step(client, **JIEFANGBEI, description="", photos=[SimpleUploadedFile("x.jpg", b"no")])
    assert response.status_code == 400
    assert "Description is required" in response.content.decode()

    response = details_step(client, **JIEFANGBEI, photos=[SimpleUploadedFile("x.jpg", b"not a photo")])
    assert response.status_code == 400
    assert "Photos is not a JPEG, PNG or WebP photo" in response.content.decode()

    response = details_step(client, **JIEFANGBEI, photos=[jpeg() for _ in range(7)])
    assert response.status_code == 400
    assert "Photos can be at most 6 photos a report" in response.content.decode()

    response = details_step(client, lat="22.5", lng="114.05")  # Shenzhen
    assert response.status_code == 400
    assert "Latitude is outside Chongqing" in response.content.decode()
    assert not Report.objects.exists() and not Photo.objects.exists()
    assert not Event.objects.filter(event_type=EventType.REPORT_FILED).exists()


def test_an_open_report_of_the_same_kind_nearby_is_offered_to_follow_instead(client, world):
    earlier = file_web(world, lat="29.557100", lng="106.577100")  # about 15 m away
    file_web(world, category="noise", lat="29.557000", lng="106.577000")  # another kind: not offered
    client.force_login(world.other_resident)
    response = place_step(client, **JIEFANGBEI)
    text = response.content.decode()
    assert f'id="nearby-{earlier.number}"' in text
    assert text.count('id="nearby-SQ') == 1
    assert "张丽" not in text and "13800000001" not in text

    followed = client.post(f"/problems/{earlier.number}/follow/", **EN)
    assert followed.status_code == 302 and followed["Location"] == f"/problems/{earlier.number}/"
    assert Follower.objects.filter(report=earlier, user=world.other_resident).exists()
    assert Report.objects.count() == 2  # nothing filed again

    client.post(f"/problems/{earlier.number}/unfollow/", **EN)
    assert not Follower.objects.filter(report=earlier, user=world.other_resident).exists()
    assert Event.objects.filter(event_type=EventType.REPORT_UNFOLLOWED).count() == 1


def test_another_resident_sees_the_public_parts_only(client, world):
    report = file_web(world)
    client.force_login(world.other_resident)
    response = client.get(f"/problems/{report.number}/", **EN)
    text = response.content.decode()
    assert response.status_code == 200
    assert "路面塌陷" in text and "Report received" in text
    assert f'<dd class="summary-value" id="report-unit">{world.street_office.name_en}<' in text
    assert "张丽" not in text and "13800000001" not in text and "张*" not in text
    assert 'id="reporter"' not in text

    client.force_login(world.resident)
    own = client.get(f"/problems/{report.number}/", **EN).content.decode()
    assert "张丽" in own and "13800000001" in own


def test_a_private_report_and_its_photos_are_not_found_for_another_resident_or_the_public(client, world):
    report = file_web(world, private=True)
    from banshi.problems.services import report_photos_add

    [photo] = report_photos_add(actor=world.resident, report_id=report.pk, files=[jpeg()])
    for who in (world.other_resident, None):
        client.logout()
        if who:
            client.force_login(who)
        assert client.get(f"/problems/{report.number}/", **EN).status_code == 404
        assert client.get(f"/problems/photos/{photo.pk}/", **EN).status_code == 404
    client.force_login(world.street_officer)
    assert client.get(f"/problems/photos/{photo.pk}/").status_code == 200
    client.force_login(world.resident)
    served = client.get(f"/problems/photos/{photo.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


def test_a_resident_reopens_within_30_days_of_closing_and_not_after(client, world):
    report = closed(world, file_web(world))
    client.force_login(world.resident)
    page = client.get(f"/problems/{report.number}/", **EN).content.decode()
    assert 'id="reopen-form"' in page

    with time_machine.travel("2026-12-30 10:00 +08:00", tick=False):
        client.force_login(world.resident)  # a session of three weeks ago has expired
        empty = client.post(f"/problems/{report.number}/reopen/", {"reason": ""}, **EN)
        assert empty.status_code == 400 and "Why it is not fixed is required" in empty.content.decode()
        report.refresh_from_db()
        assert report.status == Report.Status.CLOSED
        done = client.post(f"/problems/{report.number}/reopen/", {"reason": "灯还是不亮"}, **EN)
        assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.REOPENED


def test_a_reopening_after_30_days_is_refused_with_a_clear_message(client, world):
    report = closed(world, file_web(world))
    with time_machine.travel("2027-01-07 10:01 +08:00", tick=False):
        client.force_login(world.resident)
        page = client.get(f"/problems/{report.number}/", **EN).content.decode()
        assert 'id="reopen-form"' not in page and "only within 30 days of closing" in page
        refused = client.post(f"/problems/{report.number}/reopen/", {"reason": "还是坏的"}, follow=True, **EN)
    assert "a report can be reopened only within 30 days of closing" in refused.content.decode()
    report.refresh_from_db()
    assert report.status == Report.Status.CLOSED
    assert not Event.objects.filter(event_type=EventType.REPORT_REOPENED).exists()


def test_the_callback_is_answered_only_once_the_report_is_closed(client, world):
    report = file_web(world)
    client.force_login(world.resident)
    page = client.get(f"/problems/{report.number}/", **EN).content.decode()
    assert 'id="callback-form"' not in page
    early = client.post(
        f"/problems/{report.number}/callback/",
        {"solved": "yes", "satisfaction": "satisfied"},
        follow=True,
        **EN,
    )
    assert early.status_code == 200 and not Callback.objects.exists()
    assert 'class="message message-error"' in early.content.decode()

    closed(world, report)
    assert 'id="callback-form"' in client.get(f"/problems/{report.number}/", **EN).content.decode()
    bad = client.post(f"/problems/{report.number}/callback/", {"solved": "maybe"}, **EN)
    assert (
        bad.status_code == 400 and "Is the problem solved? is not one of the choices" in bad.content.decode()
    )
    assert not Callback.objects.exists()

    # Another resident may not answer it.
    client.force_login(world.other_resident)
    assert (
        client.post(
            f"/problems/{report.number}/callback/", {"solved": "yes", "satisfaction": "satisfied"}, **EN
        ).status_code
        == 404
    )

    client.force_login(world.resident)
    client.post(
        f"/problems/{report.number}/callback/", {"solved": "yes", "satisfaction": "fairly_satisfied"}, **EN
    )
    callback = Callback.objects.get()
    assert (callback.solved, callback.satisfaction, callback.by) == (True, "fairly_satisfied", "resident")


def test_my_reports_lists_only_mine_with_their_due_and_closed_times(client, world):
    mine = file_web(world)
    other = file_web(world, category="noise")
    Report.objects.filter(pk=other.pk).update(reporter=world.other_resident)
    client.force_login(world.resident)
    text = client.get("/problems/mine/", **EN).content.decode()
    assert f'id="report-{mine.number}"' in text and other.number not in text
    assert "To be contacted by" in text


def test_the_map_json_leaves_private_reports_out_and_filters(client, world):
    public = file_web(world, lat="29.557000", lng="106.577000")
    private = file_web(world, lat="29.558000", lng="106.578000", private=True)
    noise = file_web(world, category="noise", lat="29.559000", lng="106.579000")
    no_point = file_web(world)
    pins = client.get("/problems/map.json").json()
    urls = {pin["url"] for pin in pins}
    assert urls == {f"/problems/{public.number}/", f"/problems/{noise.number}/"}
    assert private.number not in str(pins) and no_point.number not in str(pins)
    assert {pin["status"] for pin in pins} == {"open"}
    assert [p["url"] for p in client.get("/problems/map.json?category=noise").json()] == [
        f"/problems/{noise.number}/"
    ]
    assert client.get("/problems/map.json?status=solved").json() == []
    assert client.get("/problems/map.json?status=bogus").json() == pins

    page = client.get("/problems/map/?category=noise", **EN)
    assert page.status_code == 200
    assert b'data-pins-url="/problems/map.json?category=noise"' in page.content


def test_the_menu_offers_residents_to_report_a_problem(client, world):
    client.force_login(world.resident)
    text = client.get("/", **EN).content.decode()
    assert 'href="/problems/report/"' in text and 'href="/problems/mine/"' in text


def test_without_javascript_the_update_button_fills_the_streets_of_the_district_chosen(client, world):
    from banshi.directory.selectors import streets_of

    street_code, street_name = streets_of(district_code=YUZHONG)[0]
    client.force_login(world.resident)
    response = client.post(
        "/problems/report/",
        {"step": "place", "action": "areas", "category": "roads", "district": YUZHONG},
        **EN,
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{street_code}">{street_name}</option>' in text
    assert 'class="error-summary"' not in text
    assert not Report.objects.exists()
