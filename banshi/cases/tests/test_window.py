"""A window clerk's services: opening a resident's account, the confirmation code, the submission on
the resident's behalf, and handing over or posting the results."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from banshi.accounts.models import User
from banshi.audit.models import Event
from banshi.cases.models import Application, ApplicationMaterial, Task, WindowConfirmation
from banshi.cases.services.delivery import application_delivery_set, application_results_sent
from banshi.cases.services.window import (
    application_submit_at_window,
    confirmation_code_send,
    resident_create,
)
from banshi.cases.tests.helpers import work_everything
from banshi.conftest import ANSWERS, _clerk, newborn_values, run_queued_texts
from banshi.directory.selectors import window_for_clerk
from banshi.lib.codes import ATTEMPTS as CODE_ATTEMPTS
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.notify.models import Notification

pytestmark = pytest.mark.django_db


# A working morning, China time: the codes' daily caps, the births two days before and the documents'
# dates never meet a midnight in the middle of a test.
@pytest.fixture(autouse=True)
def _a_working_morning():
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield


def events(event_type: str):
    return Event.objects.filter(event_type=event_type)


@pytest.fixture
def window(window_clerk):
    return window_for_clerk(user=window_clerk)


@pytest.fixture
def filled(resident, uploads):
    """The resident's answers, values and documents as the clerk's draft holds them."""
    return {
        "bundle_code": "newborn",
        "answers": ANSWERS,
        "values": newborn_values(),
        "materials": uploads,
        "idempotency_key": "draft-token-1",
    }


@pytest.fixture
def send(window_clerk, window, resident, filled, sms_outbox, django_capture_on_commit_callbacks):
    """Send a code for the filled-in draft; returns the code the resident received."""

    def _send(**overrides) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            confirmation_code_send(
                actor=window_clerk, window=window, applicant=resident, **{**filled, **overrides}
            )
        run_queued_texts()
        return re.search(r"\b(\d{6})\b", sms_outbox[-1][1]).group(1)

    return _send


def confirm(clerk, window, resident, filled, code: str, **overrides) -> Application:
    return application_submit_at_window(
        actor=clerk, window=window, applicant=resident, code=code, **{**filled, **overrides}
    )


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


# --- the resident's account ------------------------------------------------------------------------


def test_a_clerk_opens_an_account_without_a_usable_password_and_it_is_audited(window_clerk, window):
    user = resident_create(actor=window_clerk, window=window, phone=" 13700000003 ", display_name="李华")
    assert (user.username, user.phone, user.display_name) == ("13700000003", "13700000003", "李华")
    assert not user.has_usable_password()
    event = events("user.created_at_window").get(subject_id=str(user.pk))
    assert event.actor == window_clerk
    assert event.extra == {"window": window.pk}
    assert "13700000003" not in str(event.extra) + event.reason


def test_an_account_is_not_opened_twice_or_for_a_wrong_number(window_clerk, window, resident):
    with pytest.raises(FieldErrors) as taken:
        resident_create(actor=window_clerk, window=window, phone=resident.phone, display_name="张丽")
    assert set(taken.value.errors) == {"phone"}
    with pytest.raises(FieldErrors) as bad:
        resident_create(actor=window_clerk, window=window, phone="12345", display_name="")
    assert set(bad.value.errors) == {"phone", "display_name"}
    assert User.objects.filter(phone="12345").count() == 0
    assert not events("user.created_at_window").exists()


# --- the confirmation code -------------------------------------------------------------------------


def test_the_code_is_texted_to_the_resident_and_only_its_digest_is_kept(send, resident, sms_outbox):
    code = send()
    assert sms_outbox[0][0] == resident.phone
    confirmation = WindowConfirmation.objects.get()
    assert code not in confirmation.code_digest and len(confirmation.code_digest) == 64
    assert confirmation.expires_at - confirmation.created_at == timedelta(minutes=10)
    event = events("window_confirmation.sent").get()
    assert code not in str(event.extra) and resident.phone not in str(event.extra)
    assert not Application.objects.exists()


def test_the_right_code_submits_for_the_resident_at_the_window(send, window_clerk, window, resident, filled):
    code = send()
    application = confirm(window_clerk, window, resident, filled, code)
    application.refresh_from_db()
    assert application.applicant == resident
    assert application.submitted_by == window_clerk
    assert application.channel == Application.Channel.WINDOW
    assert application.window == window
    assert application.confirmed_at is not None
    assert ApplicationMaterial.objects.filter(application=application).count() == len(filled["materials"])
    assert WindowConfirmation.objects.get().used_at is not None
    event = events("application.confirmed").get(subject_id=str(application.pk))
    assert event.actor == window_clerk and event.extra["window"] == window.pk
    # A resent request gets the same application and writes nothing.
    assert confirm(window_clerk, window, resident, filled, code).pk == application.pk
    assert confirm(window_clerk, window, resident, filled, wrong(code)).pk == application.pk
    assert Application.objects.count() == 1


def test_a_resent_request_with_a_changed_application_is_refused_after_success(
    send, window_clerk, window, resident, filled
):
    code = send()
    application = confirm(window_clerk, window, resident, filled, code)
    changed = newborn_values(**{"newborn.name": "王小红"})
    with pytest.raises(Conflict) as refused:
        confirm(window_clerk, window, resident, filled, code, values=changed)
    assert "different application" in str(refused.value)
    assert Application.objects.get().pk == application.pk
    assert Application.objects.get().values["newborn.name"] == "王小明"


def test_a_wrong_code_is_refused_counted_and_writes_nothing_else(
    send, window_clerk, window, resident, filled
):
    code = send()
    before = Event.objects.count()
    with pytest.raises(FieldErrors) as refused:
        confirm(window_clerk, window, resident, filled, wrong(code))
    assert refused.value.errors == {"code": "is not right: 4 tries left"}
    assert WindowConfirmation.objects.get().attempts == 1
    assert not Application.objects.exists() and not Task.objects.exists()
    assert Event.objects.count() == before


def test_an_expired_code_is_refused(send, window_clerk, window, resident, filled):
    code = send()
    WindowConfirmation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(FieldErrors) as refused:
        confirm(window_clerk, window, resident, filled, code)
    assert "expired" in refused.value.errors["code"]
    assert not Application.objects.exists()


def test_five_wrong_codes_lock_it_until_a_new_code_is_sent(send, window_clerk, window, resident, filled):
    code = send()
    for _ in range(CODE_ATTEMPTS):
        with pytest.raises(FieldErrors):
            confirm(window_clerk, window, resident, filled, wrong(code))
    assert events("window_confirmation.locked").count() == 1
    with pytest.raises(FieldErrors) as locked:
        confirm(window_clerk, window, resident, filled, code)
    assert "too many" in locked.value.errors["code"]
    assert WindowConfirmation.objects.get().attempts == CODE_ATTEMPTS
    assert not Application.objects.exists()

    WindowConfirmation.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    fresh = send()
    assert confirm(window_clerk, window, resident, filled, fresh).channel == Application.Channel.WINDOW


def test_a_code_confirms_only_the_application_it_was_sent_for(send, window_clerk, window, resident, filled):
    code = send()
    changed = newborn_values(**{"newborn.name": "王小红"})
    with pytest.raises(FieldErrors) as refused:
        confirm(window_clerk, window, resident, filled, code, values=changed)
    assert "changed" in refused.value.errors["code"]
    other = _clerk("other-clerk")
    with pytest.raises(FieldErrors):
        confirm(other, window, resident, filled, code)
    assert not Application.objects.exists()


def test_a_second_code_within_a_minute_is_refused(send):
    send()
    with pytest.raises(Conflict):
        send()
    assert WindowConfirmation.objects.count() == 1


def test_no_code_confirms_nothing(window_clerk, window, resident, filled):
    with pytest.raises(FieldErrors) as refused:
        confirm(window_clerk, window, resident, filled, "123456")
    assert "send a code first" in refused.value.errors["code"]


# --- handing over the results ----------------------------------------------------------------------


@pytest.fixture
def accepted(send, window_clerk, window, resident, filled) -> Application:
    return confirm(window_clerk, window, resident, filled, send())


def test_results_cannot_be_handed_over_before_the_application_is_complete(accepted, window_clerk):
    with pytest.raises(Conflict):
        application_results_sent(actor=window_clerk, application_id=accepted.pk, delivery="window")
    accepted.refresh_from_db()
    assert accepted.handed_over_at is None
    assert not events("application.handed_over").exists()


def test_the_clerk_hands_the_results_over_at_the_window_once(accepted, window_clerk, officers):
    work_everything(accepted, officers)
    application = application_results_sent(
        actor=window_clerk, application_id=accepted.pk, delivery="window", tracking_number="ignored"
    )
    application.refresh_from_db()
    assert application.handed_over_at is not None
    assert (application.result_delivery, application.tracking_number) == ("window", "")
    event = events("application.handed_over").get()
    assert event.actor == window_clerk and event.new_state == "window"
    with pytest.raises(Conflict):
        application_results_sent(
            actor=window_clerk, application_id=accepted.pk, delivery="post", tracking_number="X1"
        )


def test_posting_the_results_needs_a_tracking_number_and_tells_the_resident(
    accepted, window_clerk, officers, resident
):
    work_everything(accepted, officers)
    with pytest.raises(FieldErrors) as missing:
        application_results_sent(
            actor=window_clerk, application_id=accepted.pk, delivery="post", tracking_number=" "
        )
    assert set(missing.value.errors) == {"tracking_number"}
    with pytest.raises(FieldErrors):
        application_results_sent(actor=window_clerk, application_id=accepted.pk, delivery="drone")
    with pytest.raises(Conflict):  # no postal address yet
        application_results_sent(
            actor=window_clerk, application_id=accepted.pk, delivery="post", tracking_number="SF1234567890"
        )
    application_delivery_set(
        actor=window_clerk,
        application_id=accepted.pk,
        delivery="post",
        recipient="李梅",
        phone="13800138000",
        address="重庆市渝中区解放碑路 1 号",
        postcode="400010",
    )
    application_results_sent(
        actor=window_clerk, application_id=accepted.pk, delivery="post", tracking_number="SF1234567890"
    )
    accepted.refresh_from_db()
    assert (accepted.result_delivery, accepted.tracking_number) == ("post", "SF1234567890")
    assert accepted.handed_over_at is not None
    assert Notification.objects.filter(user=resident, body__contains="SF1234567890").exists()


def test_a_clerk_of_another_window_or_an_officer_cannot_hand_over(accepted, officers):
    work_everything(accepted, officers)
    other = _clerk("other-clerk", window_name="江北区政务服务中心综合窗口")
    for actor in (other, officers["health_commission"]):
        with pytest.raises(NotFound):
            application_results_sent(actor=actor, application_id=accepted.pk, delivery="window")
    accepted.refresh_from_db()
    assert accepted.handed_over_at is None
