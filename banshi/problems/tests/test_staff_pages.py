"""The staff's pages of problem reports: each for its role only, the operator's call, the dispatcher's
routing, a unit's handling with the irreversible moves confirmed first, and the access log."""

from datetime import timedelta

import pytest
from django.urls import reverse

from banshi.audit.models import Access
from banshi.problems.models import Callback, Report
from banshi.problems.services import report_close, report_contact, report_sign
from banshi.problems.tests.conftest import SHAPINGBA, YUZHONG, file_web

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
S = Report.Status


def as_user(client, user):
    client.force_login(user)
    return client


def run_texts() -> None:
    """Send what the worker sends: the texts queued and the notifications' texts."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    paths = ["banshi.notify.tasks.deliver_sms", "banshi.notify.tasks.deliver_notification"]
    jobs = DBTaskResult.objects.ready().filter(task_path__in=paths)
    while (job := jobs.first()) is not None:
        job.claim(worker.worker_id)
        worker.run_task(job)


def call(**overrides):
    data = {
        "token": "t1",
        "reporter_phone": "13800000001",
        "reporter_name": "",
        "category_search": "",
        "category": "roads",
        "district": YUZHONG,
        "street": "",
        "community": "",
        "address": "解放碑步行街 8 号",
        "description": "路面塌陷",
    }
    return data | overrides


# --- who sees what -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page", ["problems:operator", "problems:dispatch", "problems:unit_queue", "problems:callbacks"]
)
def test_an_anonymous_visitor_is_sent_to_log_in_from_every_staff_page(client, world, page):
    response = client.get(reverse(page))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("resident", "problems:operator"),
        ("street_officer", "problems:operator"),
        ("dispatcher", "problems:operator"),
        ("resident", "problems:dispatch"),
        ("operator", "problems:dispatch"),
        ("street_officer", "problems:dispatch"),
        ("resident", "problems:unit_queue"),
        ("dispatcher", "problems:unit_queue"),
        ("resident", "problems:callbacks"),
    ],
)
def test_a_staff_page_does_not_exist_for_anyone_without_its_role(client, world, who, page):
    assert as_user(client, getattr(world, who)).get(reverse(page)).status_code == 404


def test_each_role_lands_on_its_page_and_finds_it_in_the_menu(client, world):
    for who, page in (
        ("operator", "problems:operator"),
        ("dispatcher", "problems:dispatch"),
        ("street_officer", "problems:unit_queue"),
    ):
        as_user(client, getattr(world, who))
        response = client.get(reverse("directory:landing"))
        assert response["Location"] == reverse(page)
        assert f'href="{reverse(page)}"'.encode() in client.get(reverse(page), **EN).content
    as_user(client, world.resident)
    assert client.get(reverse("directory:landing"))["Location"] == reverse("catalog:home")
    assert reverse("problems:unit_queue").encode() not in client.get(reverse("catalog:home")).content


def test_another_units_officer_a_resident_and_an_operator_get_no_staff_page_of_a_report(client, world):
    report = file_web(world)
    page = reverse("problems:staff_report", args=[report.number])
    for who in ("water_officer", "jiangbei_officer", "resident", "operator"):
        response = as_user(client, getattr(world, who)).get(page)
        assert response.status_code == 404
        assert b"13800000001" not in response.content
    sign = reverse("problems:staff_report_action", args=[report.number, "sign"])
    assert as_user(client, world.water_officer).post(sign).status_code == 404
    report.refresh_from_db()
    assert report.status == S.DISPATCHED and not Access.objects.exists()
    assert client.get(reverse("problems:staff_report", args=["SQ-none"])).status_code == 404


# --- the operator's console ----------------------------------------------------------------------------


def test_the_operator_files_a_call_of_a_resident_found_by_phone_and_the_caller_is_texted(
    client, world, sms_outbox
):
    as_user(client, world.operator)
    page = client.get(reverse("problems:operator"), **EN).content.decode()
    phone_input = page.split('name="reporter_phone"')[1].split(">")[0]
    assert "autofocus" in phone_input
    assert 'hx-sync="this:replace"' in phone_input  # the last number typed is the one answered
    response = client.post(reverse("problems:operator"), call(), **EN)
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('problems:operator')}?filed={report.number}"
    assert (report.reporter, report.reporter_phone, report.channel) == (world.resident, "", "phone")
    assert (report.filed_by, report.unit) == (world.operator, world.street_office)
    ready = client.get(response["Location"], **EN).content.decode()
    assert report.number in ready and "张*" in ready and "138****0001" in ready
    assert "张丽" not in ready and "13800000001" not in ready
    # The form is empty again, for the next call.
    assert 'value="13800000001"' not in ready
    run_texts()
    assert any(phone == "13800000001" and report.number in text for phone, text in sms_outbox)


def test_a_caller_without_an_account_is_kept_by_phone_and_texted_the_number(client, world, sms_outbox):
    as_user(client, world.operator)
    response = client.post(
        reverse("problems:operator"), call(reporter_phone="137 0000 0003", reporter_name="李先生"), **EN
    )
    report = Report.objects.get()
    assert response.status_code == 302
    assert (report.reporter, report.reporter_phone, report.reporter_name) == (None, "13700000003", "李先生")
    assert (
        "Kept with the caller's phone number only" in client.get(response["Location"], **EN).content.decode()
    )
    run_texts()
    assert [phone for phone, text in sms_outbox if report.number in text] == ["13700000003"]


def test_a_call_sent_twice_files_one_report(client, world):
    as_user(client, world.operator)
    client.post(reverse("problems:operator"), call(token="same"))
    client.post(reverse("problems:operator"), call(token="same"))
    assert Report.objects.count() == 1


def test_every_error_of_a_call_is_named_beside_its_field_and_nothing_is_written(client, world, sms_outbox):
    as_user(client, world.operator)
    response = client.post(
        reverse("problems:operator"),
        call(reporter_phone="", category="", district="", description=""),
        **EN,
    )
    page = response.content.decode()
    assert response.status_code == 400
    for message in (
        "Caller&#x27;s phone is required",
        "Category is required",
        "District or county is required",
        "What the caller says is required",
    ):
        assert message in page
    response = client.post(reverse("problems:operator"), call(reporter_phone="12345"), **EN)
    assert response.status_code == 400 and "Caller&#x27;s phone" in response.content.decode()
    response = client.post(reverse("problems:operator"), call(category="no-such"), **EN)
    assert response.status_code == 400 and "Category is not one of the choices" in response.content.decode()
    # A community picked that is not of the street picked.
    response = client.post(
        reverse("problems:operator"), call(street="500103001", community="500106001001"), **EN
    )
    assert response.status_code == 400 and "Community or village" in response.content.decode()
    assert not Report.objects.exists()
    run_texts()
    assert sms_outbox == []


def test_the_place_is_kept_by_the_names_of_the_street_and_community_picked(client, world):
    from banshi.directory.selectors import communities_of, streets_of

    street_code, street_name = streets_of(district_code=YUZHONG)[0]
    community_code, community_name = communities_of(street_code=street_code)[0]
    as_user(client, world.operator)
    response = client.post(reverse("problems:operator"), call(street=street_code, community=community_code))
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.street, report.community) == (street_name, community_name)


def test_without_scripts_the_form_sent_again_fills_the_streets_and_the_categories_found_and_saves_nothing(
    client, world
):
    from banshi.directory.selectors import streets_of

    street_code, street_name = streets_of(district_code=YUZHONG)[0]
    as_user(client, world.operator)
    response = client.post(
        reverse("problems:operator"), call(category_search="wat", category="", refresh="1"), **EN
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" not in page
    assert f'value="{street_code}"' in page and street_name in page
    category = page.split('id="id_category"')[1].split("</select>")[0]
    assert 'value="water"' in category and 'value="roads"' not in category
    assert 'value="13800000001"' in page  # what was typed stays
    assert not Report.objects.exists()


def test_a_search_left_in_its_box_does_not_refuse_a_category_picked_from_the_whole_list(client, world):
    as_user(client, world.operator)
    response = client.post(reverse("problems:operator"), call(category_search="wat", category="roads"))
    assert response.status_code == 302 and Report.objects.get().category == world.roads


def test_the_category_search_offers_the_categories_matching_what_was_typed(client, world):
    as_user(client, world.operator)
    response = client.get(reverse("problems:operator_categories"), {"category_search": "wat"}, **EN)
    options = response.content.decode()
    assert 'value="water" selected' in options and "roads" not in options
    assert as_user(client, world.resident).get(reverse("problems:operator_categories")).status_code == 404


def test_the_console_says_masked_whether_a_number_is_a_residents(client, world):
    as_user(client, world.operator)
    found = client.get(reverse("problems:operator_caller"), {"reporter_phone": "13800000001"}, **EN)
    assert "张*" in found.content.decode() and "张丽" not in found.content.decode()
    unknown = client.get(reverse("problems:operator_caller"), {"reporter_phone": "13700000003"}, **EN)
    assert "No account with this number" in unknown.content.decode()


# --- the dispatcher ------------------------------------------------------------------------------------


def test_the_dispatcher_routes_a_report_no_rule_routed_from_the_queue(client, world):
    waiting = file_web(world, district=SHAPINGBA)
    routed = file_web(world)
    as_user(client, world.dispatcher)
    page = client.get(reverse("problems:dispatch"), **EN).content.decode()
    assert waiting.number in page and routed.number not in page
    action = reverse("problems:staff_report_action", args=[waiting.number, "route"])
    response = client.post(action, {"route-unit": ""}, **EN)
    assert response.status_code == 400 and "Unit is required" in response.content.decode()
    response = client.post(action, {"route-unit": world.jiangbei_fallback.code})
    assert response["Location"] == reverse("problems:dispatch")
    waiting.refresh_from_db()
    assert waiting.status == S.DISPATCHED
    assert waiting.unit == waiting.coordinator == world.jiangbei_fallback
    assert waiting.number not in client.get(reverse("problems:dispatch")).content.decode()
    # An officer cannot route.
    other = file_web(world, district=SHAPINGBA)
    assert (
        as_user(client, world.street_officer)
        .post(
            reverse("problems:staff_report_action", args=[other.number, "route"]),
            {"route-unit": "jiefangbei"},
        )
        .status_code
        == 404
    )


def test_the_dispatcher_marks_a_duplicate_after_confirming_and_sees_the_reporter_masked(client, world):
    original, again = file_web(world, district=SHAPINGBA), file_web(world, district=SHAPINGBA)
    as_user(client, world.dispatcher)
    page = client.get(reverse("problems:staff_report", args=[again.number]), **EN).content.decode()
    assert "138****0001" in page and "13800000001" not in page
    assert not Access.objects.exists()
    action = reverse("problems:staff_report_action", args=[again.number, "duplicate"])
    missing = client.post(action, {"duplicate-original": "SQ000"}, **EN)
    assert missing.status_code == 400 and "is not a report" in missing.content.decode()
    asked = client.post(action, {"duplicate-original": original.number}, **EN)
    assert asked.status_code == 200 and 'name="confirmed"' in asked.content.decode()
    again.refresh_from_db()
    assert again.status == S.NEW
    client.post(action, {"duplicate-original": original.number, "confirmed": "yes"})
    again.refresh_from_db()
    assert (again.status, again.duplicate_of) == (S.DUPLICATE, original)


# --- the unit ------------------------------------------------------------------------------------------


def test_the_unit_queue_shows_its_reports_with_their_flags_and_no_others(client, world, monday_morning):
    ours = file_web(world)
    theirs = file_web(world, category="water")
    as_user(client, world.street_officer)
    page = client.get(reverse("problems:unit_queue"), **EN).content.decode()
    assert ours.number in page and theirs.number not in page and "Overdue" not in page
    monday_morning.shift(timedelta(days=10))
    as_user(client, world.street_officer)
    assert "Overdue" in client.get(reverse("problems:unit_queue"), **EN).content.decode()


def test_the_street_officer_signs_contacts_and_closes_after_confirming(client, world):
    report = file_web(world)
    as_user(client, world.street_officer)
    here = reverse("problems:staff_report", args=[report.number])
    act = lambda name: reverse("problems:staff_report_action", args=[report.number, name])  # noqa: E731
    page = client.get(here, **EN).content.decode()
    assert "张丽" in page and "13800000001" in page and 'id="close-form"' not in page
    assert client.post(act("sign"))["Location"] == here
    bad = client.post(act("contact"), {"contact-kind": "pigeon"}, **EN)
    assert bad.status_code == 400 and "Contacted by is not one of the choices" in bad.content.decode()
    client.post(act("contact"), {"contact-kind": "visit", "contact-note": "明天上门"})
    client.post(act("note"), {"note-text": "材料已订购", "note-public": "internal"})
    empty = client.post(act("close"), {"close-text": ""}, **EN)
    assert empty.status_code == 400 and "What was done is required" in empty.content.decode()
    asked = client.post(act("close"), {"close-text": "已修补路面"}, **EN)
    assert asked.status_code == 200 and "Close the report?" in asked.content.decode()
    report.refresh_from_db()
    assert report.status == S.CONTACTED
    done = client.post(act("close"), {"close-text": "已修补路面", "confirmed": "yes"})
    assert done["Location"] == here
    report.refresh_from_db()
    assert report.status == S.CLOSED and report.closures.get().text == "已修补路面"
    timeline = client.get(here, **EN).content.decode().split('id="timeline"')[1]
    assert "The unit signed for it" in timeline and "材料已订购" in timeline and "internal" in timeline
    assert "visit: 明天上门" in timeline and "What was done: 已修补路面" in timeline
    # A move the state does not allow any more is no page.
    assert client.post(act("sign")).status_code == 404


def test_sending_back_asks_first_and_the_report_goes_to_the_dispatcher(client, world):
    report = file_web(world, category="noise")  # Yuzhong's fallback unit holds it
    as_user(client, world.fallback_officer)
    act = reverse("problems:staff_report_action", args=[report.number, "send_back"])
    asked = client.post(act, {"send_back-reason": "属于环保部门"}, **EN)
    assert "Send the report back?" in asked.content.decode()
    report.refresh_from_db()
    assert report.status == S.DISPATCHED
    client.post(act, {"send_back-reason": "属于环保部门", "confirmed": "yes"})
    report.refresh_from_db()
    assert (report.status, report.unit) == (S.SENT_BACK, None)
    as_user(client, world.dispatcher)
    assert report.number in client.get(reverse("problems:dispatch")).content.decode()
    page = client.get(reverse("problems:staff_report", args=[report.number]), **EN).content.decode()
    assert "Sent back by yuzhong_gov: 属于环保部门" in page


def test_only_a_full_view_of_the_reporter_is_recorded_in_the_access_log(client, world):
    report = file_web(world)
    as_user(client, world.street_officer).get(reverse("problems:staff_report", args=[report.number]))
    access = Access.objects.get()
    assert (access.actor, access.resident, access.kind, access.purpose, access.problem_report_id) == (
        world.street_officer,
        world.resident,
        Access.Kind.PROBLEM,
        Access.Purpose.PROBLEM,
        report.pk,
    )
    # The queue shows no personal data and records nothing; the dispatcher sees it masked.
    client.get(reverse("problems:unit_queue"))
    as_user(client, world.dispatcher).get(reverse("problems:staff_report", args=[report.number]))
    assert Access.objects.count() == 1


# --- the callbacks -------------------------------------------------------------------------------------


def test_a_report_unanswered_7_days_after_closing_is_called_back_its_phone_shown_on_a_click(
    client, world, monday_morning
):
    report = file_web(world)
    report_sign(actor=world.street_officer, report_id=report.pk)
    report_contact(actor=world.street_officer, report_id=report.pk, kind="phone")
    report_close(actor=world.street_officer, report_id=report.pk, text="已修补")
    as_user(client, world.dispatcher)
    assert report.number not in client.get(reverse("problems:callbacks")).content.decode()
    monday_morning.shift(timedelta(days=7, minutes=1))
    listing = client.get(reverse("problems:callbacks"), **EN).content.decode()
    assert report.number in listing and "13800000001" not in listing
    assert not Access.objects.exists()
    shown = client.post(reverse("problems:staff_reporter_phone", args=[report.number]), **EN)
    assert "13800000001" in shown.content.decode()
    assert Access.objects.get().problem_report_id == report.pk
    answer = reverse("problems:staff_report_action", args=[report.number, "callback"])
    bad = client.post(answer, {"callback-solved": "yes"}, **EN)
    assert bad.status_code == 400 and "How satisfied is the resident? is required" in bad.content.decode()
    assert not Callback.objects.exists()
    client.post(answer, {"callback-solved": "yes", "callback-satisfaction": "satisfied"})
    report.refresh_from_db()
    assert report.status == S.CALLED_BACK
    assert Callback.objects.get().by == Callback.By.STAFF_PHONE
    assert report.number not in client.get(reverse("problems:callbacks")).content.decode()
    # Another unit's officer neither lists nor reveals it.
    as_user(client, world.water_officer)
    assert client.post(reverse("problems:staff_reporter_phone", args=[report.number])).status_code == 404


def test_a_report_near_its_deadline_is_flagged_due_soon_in_the_units_queue(client, world, monday_morning):
    leak = file_web(world, category="gas_leak")  # an emergency: 2 hours on the clock
    as_user(client, world.fallback_officer)
    assert "Due soon" not in client.get(reverse("problems:unit_queue"), **EN).content.decode()
    monday_morning.shift(timedelta(minutes=100))
    page = client.get(reverse("problems:unit_queue"), **EN).content.decode()
    assert leak.number in page and "Due soon" in page and "Overdue" not in page


def test_a_bad_closure_photo_closes_nothing_and_a_good_one_is_shown_to_the_resident(client, world):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from banshi.problems.models import Photo

    def jpeg() -> SimpleUploadedFile:
        out = io.BytesIO()
        Image.new("RGB", (40, 30), (20, 160, 60)).save(out, "JPEG")
        return SimpleUploadedFile("done.jpg", out.getvalue(), content_type="image/jpeg")

    report = file_web(world)
    report_sign(actor=world.street_officer, report_id=report.pk)
    report_contact(actor=world.street_officer, report_id=report.pk, kind="phone")
    as_user(client, world.street_officer)
    act = reverse("problems:staff_report_action", args=[report.number, "close"])
    asked = client.post(act, {"close-text": "已修补路面"}, **EN).content.decode()
    assert 'enctype="multipart/form-data"' in asked and 'name="close-photos"' in asked
    fake = SimpleUploadedFile("done.jpg", b"not a photo at all", content_type="image/jpeg")
    bad = client.post(
        act, {"close-text": "已修补路面", "confirmed": "yes", "close-photos": [jpeg(), fake]}, **EN
    )
    assert bad.status_code == 400
    assert "Photos of what was done is not a JPEG, PNG or WebP photo (photo 2)" in bad.content.decode()
    report.refresh_from_db()
    assert report.status == S.CONTACTED and not report.closures.exists()
    assert not Photo.objects.filter(report=report).exists()
    done = client.post(act, {"close-text": "已修补路面", "confirmed": "yes", "close-photos": [jpeg()]})
    assert done.status_code == 302
    report.refresh_from_db()
    photo = Photo.objects.get(report=report)
    assert report.status == S.CLOSED and photo.kind == Photo.Kind.CLOSURE
    as_user(client, world.resident)
    page = client.get(reverse("problems:report_detail", args=[report.number]), **EN).content.decode()
    assert reverse("problems:photo", args=[photo.pk]) in page and "Photo of what was done" in page
    assert client.get(reverse("problems:photo", args=[photo.pk])).status_code == 200
