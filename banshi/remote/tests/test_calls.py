"""Video calls: calling, connecting, dropping and rejoining, ending; who may join; the draft the
resident shares, the stills and verdicts of the pre-review, and the rating."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from banshi.audit.models import Event
from banshi.cases.models import Upload
from banshi.cases.services import upload_create
from banshi.conftest import ANSWERS, png_bytes
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.notify.models import Notification
from banshi.remote import realtime, services
from banshi.remote.models import Appointment, CallRating, CallSession, PreReview, QueueTicket, Slot
from banshi.remote.selectors import session_for_participant
from banshi.remote.tests.fixtures import (  # noqa: F401 (fixtures)
    clerk_fixture,
    other_clerk_fixture,
    other_window_fixture,
    window_fixture,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_video_hours")]
S = CallSession.Status
T = QueueTicket.Status
A = Appointment.Status


def take(user, window) -> QueueTicket:
    return services.ticket_take(actor=user, window_id=window.pk)


@pytest.fixture
def call(window, clerk, resident) -> CallSession:
    take(resident, window)
    return services.call_start(actor=clerk)


def refreshed(session: CallSession) -> CallSession:
    session.refresh_from_db()
    return session


def draft(uploads, answers=None, **values) -> dict:
    return {"bundle": "newborn", "answers": answers or ANSWERS, "values": values, "materials": dict(uploads)}


# --- calling --------------------------------------------------------------------------------------------


def test_the_clerk_calls_the_next_waiting_resident(window, clerk, resident, other_resident):
    first, _second = take(resident, window), take(other_resident, window)
    session = services.call_start(actor=clerk)
    assert (session.status, session.window, session.clerk, session.resident) == (
        S.CALLING,
        window,
        clerk,
        resident,
    )
    first.refresh_from_db()
    assert session.ticket == first and first.status == T.CALLED and first.called_at is not None
    assert Event.objects.filter(event_type="call.started", actor=clerk).count() == 1
    assert Event.objects.filter(event_type="ticket.called", subject_id=str(first.pk)).count() == 1


def test_the_clerk_calls_a_given_number(window, clerk, resident, other_resident):
    take(resident, window)
    second = take(other_resident, window)
    session = services.call_start(actor=clerk, ticket_id=second.pk)
    assert session.resident == other_resident and session.ticket == second


def test_calling_tells_the_resident_and_the_queue(
    window, clerk, resident, monkeypatch, django_capture_on_commit_callbacks
):
    told: list[int] = []
    take(resident, window)
    monkeypatch.setattr(realtime, "queue_changed", told.append)
    with django_capture_on_commit_callbacks(execute=True):
        session = services.call_start(actor=clerk)
    assert told == [window.pk]
    note = Notification.objects.get(user=resident)
    assert note.url == f"/video/calls/{session.pk}/"


def test_a_clerk_of_another_window_cannot_call_this_queue(window, other_clerk, resident):
    ticket = take(resident, window)
    with pytest.raises(NotFound):
        services.call_start(actor=other_clerk, ticket_id=ticket.pk)
    with pytest.raises(Conflict):  # their own queue is empty
        services.call_start(actor=other_clerk)
    ticket.refresh_from_db()
    assert ticket.status == T.WAITING and not CallSession.objects.exists()


def test_nobody_but_a_video_clerk_can_call(window, window_clerk, resident, outsider, health_officer):
    ticket = take(resident, window)
    for stranger in (window_clerk, resident, outsider, health_officer):
        with pytest.raises(NotFound):
            services.call_start(actor=stranger, ticket_id=ticket.pk)
    assert not CallSession.objects.exists()


def test_a_clerk_has_at_most_one_unfinished_call(window, clerk, call, other_resident):
    take(other_resident, window)
    with pytest.raises(Conflict):
        services.call_start(actor=clerk)
    services.call_interrupted(session_id=call.pk, user=clerk)
    with pytest.raises(Conflict):  # an interrupted call is not finished either
        services.call_start(actor=clerk)
    services.call_end(actor=clerk, session_id=call.pk, outcome=CallSession.Outcome.DROPPED)
    assert services.call_start(actor=clerk).resident == other_resident


def test_nobody_waiting_is_a_conflict(window, clerk):
    with pytest.raises(Conflict):
        services.call_start(actor=clerk)
    assert not CallSession.objects.exists()


def test_a_number_and_an_appointment_at_once_are_refused(window, clerk, resident):
    ticket = take(resident, window)
    with pytest.raises(FieldErrors):
        services.call_start(actor=clerk, ticket_id=ticket.pk, appointment_id=1)


def test_a_resident_in_another_call_is_not_called_twice(window, other_window, clerk, other_clerk, resident):
    take(resident, window)
    here = take(resident, other_window)
    services.call_start(actor=clerk)
    with pytest.raises(Conflict):
        services.call_start(actor=other_clerk, ticket_id=here.pk)
    with pytest.raises(Conflict):  # "next" skips them: nobody else waits
        services.call_start(actor=other_clerk)
    here.refresh_from_db()
    assert here.status == T.WAITING


def _appointment_today(window, resident, *, days: int = 0) -> Appointment:
    starts = timezone.now() + timedelta(days=days, minutes=5)
    slot = Slot.objects.create(
        window=window, starts_at=starts, ends_at=starts + timedelta(minutes=15), capacity=1, booked=1
    )
    return Appointment.objects.create(slot=slot, resident=resident, created_at=timezone.now())


def test_the_clerk_calls_an_appointment_of_today_without_a_number(window, clerk, resident):
    appointment = _appointment_today(window, resident)
    session = services.call_start(actor=clerk, appointment_id=appointment.pk)
    assert session.resident == resident and session.appointment == appointment and session.ticket is None


def test_calling_an_appointment_calls_the_residents_waiting_number_too(window, clerk, resident):
    appointment = _appointment_today(window, resident)
    ticket = take(resident, window)
    session = services.call_start(actor=clerk, appointment_id=appointment.pk)
    ticket.refresh_from_db()
    assert session.ticket == ticket and ticket.status == T.CALLED


def test_a_cancelled_or_other_days_or_other_windows_appointment_cannot_be_called(
    window, other_window, clerk, resident, other_resident, outsider
):
    cancelled = _appointment_today(window, resident)
    Appointment.objects.filter(pk=cancelled.pk).update(status=A.CANCELLED)
    tomorrow = _appointment_today(window, other_resident, days=1)
    elsewhere = _appointment_today(other_window, outsider)
    with pytest.raises(Conflict):
        services.call_start(actor=clerk, appointment_id=cancelled.pk)
    with pytest.raises(Conflict):
        services.call_start(actor=clerk, appointment_id=tomorrow.pk)
    with pytest.raises(NotFound):
        services.call_start(actor=clerk, appointment_id=elsewhere.pk)
    assert not CallSession.objects.exists()


# --- the state machine ----------------------------------------------------------------------------------


def test_connecting_makes_the_call_active_and_sets_the_connection_time_once(call):
    services.call_connected(session_id=call.pk)
    first = refreshed(call).connected_at
    assert call.status == S.ACTIVE and first is not None
    services.call_connected(session_id=call.pk, now=timezone.now() + timedelta(minutes=1))  # the other end
    assert refreshed(call).connected_at == first
    assert Event.objects.filter(event_type="call.connected").count() == 1


def test_a_call_that_is_still_ringing_can_be_interrupted(call, resident):
    now = timezone.now()
    services.call_interrupted(session_id=call.pk, user=resident, now=now)
    call = refreshed(call)
    assert call.status == S.INTERRUPTED and call.rejoin_until == now + timedelta(minutes=10)


def test_an_interruption_gives_ten_minutes_to_rejoin_and_the_call_resumes(call, clerk, resident):
    services.call_connected(session_id=call.pk)
    first = refreshed(call).connected_at
    now = timezone.now()
    services.call_interrupted(session_id=call.pk, user=clerk, now=now)
    call = refreshed(call)
    assert (call.status, call.interrupted_at, call.rejoin_until) == (
        S.INTERRUPTED,
        now,
        now + timedelta(minutes=10),
    )
    services.call_interrupted(session_id=call.pk, user=resident, now=now + timedelta(minutes=5))
    assert refreshed(call).rejoin_until == now + timedelta(minutes=10)  # not prolonged by the other end
    services.call_connected(session_id=call.pk, now=now + timedelta(minutes=9))
    call = refreshed(call)
    assert call.status == S.ACTIVE and call.connected_at == first and call.rejoin_until is None
    assert Event.objects.filter(event_type="call.resumed").count() == 1


def test_an_interrupted_call_cannot_resume_after_its_rejoin_time(call, clerk):
    now = timezone.now()
    services.call_interrupted(session_id=call.pk, user=clerk, now=now)
    with pytest.raises(Conflict):
        services.call_connected(session_id=call.pk, now=now + timedelta(minutes=11))
    assert refreshed(call).status == S.INTERRUPTED


def test_a_stranger_cannot_interrupt_a_call(call, other_resident, other_clerk):
    for stranger in (other_resident, other_clerk):
        with pytest.raises(NotFound):
            services.call_interrupted(session_id=call.pk, user=stranger)
    assert refreshed(call).status == S.CALLING


def test_an_ended_call_is_never_connected_or_interrupted_again(call, clerk, resident):
    services.call_end(actor=clerk, session_id=call.pk, outcome=CallSession.Outcome.NO_ANSWER)
    with pytest.raises(Conflict):
        services.call_connected(session_id=call.pk)
    services.call_interrupted(session_id=call.pk, user=resident)
    call = refreshed(call)
    assert call.status == S.ENDED and call.rejoin_until is None and call.connected_at is None
    with pytest.raises(Conflict):
        services.call_end(actor=clerk, session_id=call.pk, outcome=CallSession.Outcome.SERVED)
    assert refreshed(call).outcome == CallSession.Outcome.NO_ANSWER


def test_ending_a_connected_call_serves_the_number_and_attends_the_appointment(
    window, clerk, resident, monkeypatch, django_capture_on_commit_callbacks
):
    appointment = _appointment_today(window, resident)
    take(resident, window)
    session = services.call_start(actor=clerk)
    assert session.appointment == appointment
    services.call_connected(session_id=session.pk)
    told: list[int] = []
    monkeypatch.setattr(realtime, "queue_changed", told.append)
    with django_capture_on_commit_callbacks(execute=True):
        services.call_end(actor=clerk, session_id=session.pk, outcome=CallSession.Outcome.SERVED)
    session = refreshed(session)
    assert (session.status, session.outcome) == (S.ENDED, CallSession.Outcome.SERVED)
    assert session.ended_at is not None
    assert QueueTicket.objects.get().status == T.SERVED
    assert Appointment.objects.get().status == A.ATTENDED
    assert told == [window.pk]
    assert {"call.ended", "ticket.served", "appointment.attended"} <= set(
        Event.objects.values_list("event_type", flat=True)
    )


def test_ending_an_unanswered_call_misses_the_number_and_the_appointment(window, clerk, resident):
    _appointment_today(window, resident)
    take(resident, window)
    session = services.call_start(actor=clerk)
    services.call_end(actor=clerk, session_id=session.pk, outcome=CallSession.Outcome.NO_ANSWER)
    assert QueueTicket.objects.get().status == T.MISSED
    assert Appointment.objects.get().status == A.MISSED


def test_an_interrupted_call_can_be_ended_even_after_its_rejoin_time(call, clerk):
    services.call_connected(session_id=call.pk)
    services.call_interrupted(session_id=call.pk, user=clerk, now=timezone.now() - timedelta(hours=1))
    services.call_end(actor=clerk, session_id=call.pk, outcome=CallSession.Outcome.DROPPED)
    assert refreshed(call).status == S.ENDED
    assert QueueTicket.objects.get().status == T.SERVED


def test_an_unknown_outcome_is_refused(call, clerk):
    with pytest.raises(FieldErrors):
        services.call_end(actor=clerk, session_id=call.pk, outcome="great")
    assert refreshed(call).status == S.CALLING


def test_a_stranger_cannot_end_a_call(call, other_clerk, other_resident, outsider):
    for stranger in (other_clerk, other_resident, outsider):
        with pytest.raises(NotFound):
            services.call_end(actor=stranger, session_id=call.pk, outcome=CallSession.Outcome.SERVED)
    assert refreshed(call).status == S.CALLING


def test_signaling_messages_are_counted_for_the_participants_only(call, clerk, outsider):
    services.call_touch(session_id=call.pk, user=clerk)
    services.call_touch(session_id=call.pk, user=outsider)
    assert refreshed(call).signaling_messages == 1


# --- who may join -------------------------------------------------------------------------------------


def test_the_clerk_and_the_resident_may_join_their_call(call, clerk, resident):
    assert session_for_participant(user=clerk, session_id=call.pk) == call
    assert session_for_participant(user=resident, session_id=call.pk) == call


@pytest.mark.parametrize("who", ["outsider", "other_resident", "other_clerk", "colleague", "anonymous"])
def test_nobody_else_may_join_a_call(window, call, who, outsider, other_resident, other_clerk):
    from banshi.remote.tests.fixtures import video_clerk_of

    colleague = video_clerk_of("colleague", window) if who == "colleague" else None
    user = {
        "outsider": outsider,
        "other_resident": other_resident,
        "other_clerk": other_clerk,
        "colleague": colleague,
        "anonymous": AnonymousUser(),
    }[who]
    assert session_for_participant(user=user, session_id=call.pk) is None


def test_the_resident_of_another_call_may_not_join_this_one(window, call, other_resident):
    from banshi.remote.tests.fixtures import video_clerk_of

    take(other_resident, window)
    other = services.call_start(actor=video_clerk_of("colleague", window))
    assert session_for_participant(user=other_resident, session_id=call.pk) is None
    assert session_for_participant(user=other_resident, session_id=other.pk) == other


def test_an_ended_call_may_not_be_joined(call, clerk, resident):
    services.call_end(actor=clerk, session_id=call.pk, outcome=CallSession.Outcome.NO_ANSWER)
    assert session_for_participant(user=clerk, session_id=call.pk) is None
    assert session_for_participant(user=resident, session_id=call.pk) is None


def test_an_interrupted_call_may_be_joined_until_its_rejoin_time_only(call, clerk, resident):
    services.call_interrupted(session_id=call.pk, user=resident, now=timezone.now() - timedelta(minutes=9))
    assert session_for_participant(user=resident, session_id=call.pk) == call
    CallSession.objects.filter(pk=call.pk).update(rejoin_until=timezone.now() - timedelta(seconds=1))
    assert session_for_participant(user=resident, session_id=call.pk) is None
    assert session_for_participant(user=clerk, session_id=call.pk) is None


def test_an_unknown_call_is_nobodys(clerk):
    assert session_for_participant(user=clerk, session_id=999999) is None


# --- the shared draft --------------------------------------------------------------------------------


def test_the_resident_shares_their_draft(call, resident, uploads):
    shared = {**draft(uploads, **{"newborn.name": "王小明"}), "token": "secret-idempotency-key"}
    services.call_draft_share(actor=resident, session_id=call.pk, draft=shared)
    assert refreshed(call).draft == {
        "bundle": "newborn",
        "answers": ANSWERS,
        "values": {"newborn.name": "王小明"},
        "materials": uploads,
    }
    event = Event.objects.get(event_type="call.draft_shared")
    assert event.extra == {"bundle": "newborn", "materials": sorted(uploads)}
    assert "王小明" not in str(event.extra)


def test_an_unfinished_draft_may_be_shared(call, resident):
    services.call_draft_share(actor=resident, session_id=call.pk, draft={"bundle": "newborn"})
    assert refreshed(call).draft == {"bundle": "newborn", "answers": {}, "values": {}, "materials": {}}


def test_a_draft_with_someone_elses_upload_is_refused(call, resident, other_resident):
    theirs = upload_create(owner=other_resident, file=SimpleUploadedFile("id.png", png_bytes("black")))
    with pytest.raises(FieldErrors) as refused:
        services.call_draft_share(
            actor=resident, session_id=call.pk, draft=draft({"mother_id_card": theirs.pk})
        )
    assert set(refused.value.errors) == {"draft.materials.mother_id_card"}
    assert refreshed(call).draft == {}


@pytest.mark.parametrize(
    "bad",
    [
        "not an object",
        {"bundle": "nonsense"},
        {"bundle": "newborn", "answers": {"register_with": "grandmother"}},
        {"bundle": "newborn", "answers": {"unknown": "x"}},
        {"bundle": "newborn", "values": {"unknown.field": "x"}},
        {"bundle": "newborn", "values": {"newborn.name": {"nested": 1}}},
        {"bundle": "newborn", "materials": {"passport": 1}},
        {"bundle": "newborn", "materials": {"hukou_book": "x"}},
        {"bundle": "newborn", "answers": ["list"]},
    ],
)
def test_a_malformed_draft_is_refused(call, resident, bad):
    with pytest.raises(FieldErrors):
        services.call_draft_share(actor=resident, session_id=call.pk, draft=bad)
    assert refreshed(call).draft == {}


def test_only_the_resident_of_the_call_shares_and_not_after_it_ended(call, clerk, resident, other_resident):
    for stranger in (clerk, other_resident):
        with pytest.raises(NotFound):
            services.call_draft_share(actor=stranger, session_id=call.pk, draft={"bundle": "newborn"})
    services.call_end(actor=clerk, session_id=call.pk, outcome=CallSession.Outcome.NO_ANSWER)
    with pytest.raises(Conflict):
        services.call_draft_share(actor=resident, session_id=call.pk, draft={"bundle": "newborn"})


# --- stills and verdicts ------------------------------------------------------------------------------


@pytest.fixture
def shared(call, resident, uploads) -> CallSession:
    without_hukou = {key: value for key, value in uploads.items() if key != "hukou_book"}
    services.call_draft_share(actor=resident, session_id=call.pk, draft=draft(without_hukou))
    return refreshed(call)


def still() -> SimpleUploadedFile:
    return SimpleUploadedFile("still.png", png_bytes("purple"), content_type="image/png")


def test_a_still_becomes_the_residents_upload_of_that_document(shared, clerk, resident):
    upload = services.call_capture_attach(
        actor=clerk, session_id=shared.pk, material="hukou_book", file=still()
    )
    assert upload.owner == resident
    assert refreshed(shared).draft["materials"]["hukou_book"] == upload.pk
    event = Event.objects.get(event_type="call.capture_attached")
    assert event.actor == clerk and event.extra == {"material": "hukou_book", "upload": upload.pk}


def test_a_still_for_a_document_the_application_does_not_need_is_refused(shared, clerk):
    uploads = Upload.objects.count()
    for material in ("authorisation_letter", "passport", ""):  # the letter: only when someone else applies
        with pytest.raises(FieldErrors):
            services.call_capture_attach(actor=clerk, session_id=shared.pk, material=material, file=still())
    assert Upload.objects.count() == uploads


def test_only_the_calls_clerk_keeps_stills(window, shared, resident, other_clerk):
    from banshi.remote.tests.fixtures import video_clerk_of

    for stranger in (resident, other_clerk, video_clerk_of("colleague", window)):
        with pytest.raises(NotFound):
            services.call_capture_attach(
                actor=stranger, session_id=shared.pk, material="hukou_book", file=still()
            )
    assert "hukou_book" not in refreshed(shared).draft["materials"]


def test_nothing_can_be_kept_or_reviewed_before_the_resident_shares(call, clerk):
    with pytest.raises(Conflict):
        services.call_capture_attach(actor=clerk, session_id=call.pk, material="hukou_book", file=still())
    with pytest.raises(Conflict):
        services.prereview_record(actor=clerk, session_id=call.pk, material="hukou_book", verdict="accepted")


def test_a_verdict_is_recorded_with_the_upload_and_a_new_one_replaces_it(shared, clerk, uploads):
    services.prereview_record(
        actor=clerk, session_id=shared.pk, material="mother_id_card", verdict="needs_fixing", reason="模糊"
    )
    review = services.prereview_record(
        actor=clerk, session_id=shared.pk, material="mother_id_card", verdict="accepted"
    )
    assert PreReview.objects.count() == 1
    assert (review.verdict, review.reason, review.upload_id) == ("accepted", "", uploads["mother_id_card"])
    events = Event.objects.filter(event_type="prereview.recorded").order_by("id")
    assert [e.new_state for e in events] == ["needs_fixing", "accepted"]
    assert all("模糊" not in str(e.extra) and e.reason == "" for e in events)


def test_a_document_that_needs_fixing_says_why(shared, clerk):
    with pytest.raises(FieldErrors) as refused:
        services.prereview_record(
            actor=clerk, session_id=shared.pk, material="mother_id_card", verdict="needs_fixing", reason="  "
        )
    assert set(refused.value.errors) == {"reason"}
    with pytest.raises(FieldErrors):
        services.prereview_record(
            actor=clerk, session_id=shared.pk, material="mother_id_card", verdict="maybe"
        )
    assert not PreReview.objects.exists()


def test_a_verdict_on_a_document_not_needed_is_refused(shared, clerk):
    with pytest.raises(FieldErrors):
        services.prereview_record(
            actor=clerk, session_id=shared.pk, material="authorisation_letter", verdict="accepted"
        )
    assert not PreReview.objects.exists()


def test_only_the_calls_clerk_gives_verdicts_and_only_during_the_call(shared, clerk, resident, other_clerk):
    for stranger in (resident, other_clerk):
        with pytest.raises(NotFound):
            services.prereview_record(
                actor=stranger, session_id=shared.pk, material="mother_id_card", verdict="accepted"
            )
    services.call_end(actor=clerk, session_id=shared.pk, outcome=CallSession.Outcome.PRE_REVIEWED)
    with pytest.raises(Conflict):
        services.prereview_record(
            actor=clerk, session_id=shared.pk, material="mother_id_card", verdict="accepted"
        )
    with pytest.raises(Conflict):
        services.call_capture_attach(actor=clerk, session_id=shared.pk, material="hukou_book", file=still())
    assert not PreReview.objects.exists()


# --- rating -------------------------------------------------------------------------------------------


@pytest.fixture
def ended(call, clerk) -> CallSession:
    services.call_connected(session_id=call.pk)
    services.call_end(actor=clerk, session_id=call.pk, outcome=CallSession.Outcome.SERVED)
    return refreshed(call)


def test_the_resident_rates_an_ended_call_once(ended, resident):
    rating = services.call_rate(actor=resident, session_id=ended.pk, level="2", comment=" 等太久 ")
    assert (rating.level, rating.comment, rating.session) == (2, "等太久", ended)
    event = Event.objects.get(event_type="call_rating.created")
    assert event.extra == {"call": ended.pk, "window": ended.window_id, "poor": True}
    assert "等太久" not in str(event.extra)
    with pytest.raises(Conflict):
        services.call_rate(actor=resident, session_id=ended.pk, level=5)
    assert CallRating.objects.count() == 1


def test_a_call_is_rated_only_once_it_ended_and_only_if_it_took_place(call, clerk, resident):
    with pytest.raises(Conflict):
        services.call_rate(actor=resident, session_id=call.pk, level=5)
    services.call_end(actor=clerk, session_id=call.pk, outcome=CallSession.Outcome.NO_ANSWER)
    with pytest.raises(Conflict):
        services.call_rate(actor=resident, session_id=call.pk, level=5)
    assert not CallRating.objects.exists()


def test_only_the_resident_of_the_call_rates_it(ended, clerk, other_resident):
    for stranger in (clerk, other_resident):
        with pytest.raises(NotFound):
            services.call_rate(actor=stranger, session_id=ended.pk, level=5)
    assert not CallRating.objects.exists()


@pytest.mark.parametrize("level", [0, 6, "five", None, True, 3.5])
def test_a_rating_outside_the_five_levels_is_refused(ended, resident, level):
    with pytest.raises(FieldErrors):
        services.call_rate(actor=resident, session_id=ended.pk, level=level)
    assert not CallRating.objects.exists()


# --- connected means media flowing; the chat kept with the call -------------------------------------------


def test_a_call_is_connected_only_once_both_pages_report_their_peer_connection(call, clerk, resident):
    services.call_media_connected(session_id=call.pk, user=clerk)
    services.call_media_connected(session_id=call.pk, user=clerk)  # the same side again
    assert (refreshed(call).status, refreshed(call).connected_at) == (S.CALLING, None)
    assert not Event.objects.filter(event_type="call.connected").exists()
    services.call_media_connected(session_id=call.pk, user=resident)
    session = refreshed(call)
    assert session.status == S.ACTIVE and session.connected_at is not None
    assert Event.objects.filter(event_type="call.connected").count() == 1


def test_after_a_drop_both_pages_report_again_before_the_call_is_active(call, clerk, resident):
    services.call_media_connected(session_id=call.pk, user=clerk)
    services.call_media_connected(session_id=call.pk, user=resident)
    first = refreshed(call).connected_at
    services.call_interrupted(session_id=call.pk, user=resident)
    services.call_media_connected(session_id=call.pk, user=clerk)  # its connection to the old page
    assert refreshed(call).status == S.INTERRUPTED
    services.call_media_connected(session_id=call.pk, user=resident)
    session = refreshed(call)
    assert session.status == S.ACTIVE and session.connected_at == first
    assert Event.objects.filter(event_type="call.resumed").count() == 1


def test_a_call_whose_media_never_flowed_counts_for_nothing(call, clerk, resident):
    services.call_media_connected(session_id=call.pk, user=clerk)  # only one side ever got through
    services.call_end(actor=clerk, session_id=call.pk, outcome=CallSession.Outcome.DROPPED)
    session = refreshed(call)
    assert session.connected_at is None
    assert session.ticket is not None and refreshed(session).ticket.status == T.MISSED  # not served
    with pytest.raises(Conflict):
        services.call_rate(actor=resident, session_id=call.pk, level=5)
    from banshi.remote.selectors import average_call_minutes, video_stats

    assert video_stats()["length"]["count"] == 0
    assert average_call_minutes(window_id=call.window_id) == 10.0  # the default, not this call


def test_a_stranger_cannot_report_a_call_connected(call, clerk, resident, other_resident):
    with pytest.raises(NotFound):
        services.call_media_connected(session_id=call.pk, user=other_resident)
    assert refreshed(call).clerk_media_at is None and refreshed(call).resident_media_at is None


def test_the_chat_is_kept_with_the_call_in_order_and_refused_once_it_has_ended(call, clerk, resident):
    services.call_chat_post(actor=clerk, session_id=call.pk, text="  请把户口簿举到镜头前 ")
    services.call_chat_post(actor=resident, session_id=call.pk, text="好的")
    from banshi.remote.selectors import chat_of

    assert [(line.role, line.author, line.text) for line in chat_of(session=call)] == [
        ("clerk", clerk, "请把户口簿举到镜头前"),
        ("resident", resident, "好的"),
    ]
    for empty in ("", "   ", None):
        with pytest.raises(FieldErrors) as refused:
            services.call_chat_post(actor=resident, session_id=call.pk, text=empty)
        assert "text" in refused.value.errors
    with pytest.raises(FieldErrors):
        services.call_chat_post(actor=resident, session_id=call.pk, text="x" * 1001)
    services.call_end(actor=clerk, session_id=call.pk, outcome=CallSession.Outcome.SERVED)
    with pytest.raises(Conflict):
        services.call_chat_post(actor=resident, session_id=call.pk, text="还在吗？")
    assert len(chat_of(session=call)) == 2


def test_nobody_else_writes_in_a_calls_chat(call, other_resident, outsider):
    for stranger in (other_resident, outsider):
        with pytest.raises(NotFound):
            services.call_chat_post(actor=stranger, session_id=call.pk, text="hello")
    assert not call.chat.exists()
