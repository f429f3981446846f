"""The video window's WebSockets through the whole ASGI stack (origin check, session cookie, routing):
only a call's two participants share its room, bad messages are dropped without closing the socket,
and queue watchers hear of every change."""

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers

from banshi.asgi import application
from banshi.audit.models import Event
from banshi.directory.models import Window
from banshi.remote import consumers, services
from banshi.remote.models import CallSession
from banshi.remote.realtime import call_changed
from banshi.remote.tests.sockets import WebsocketCommunicator, login_cookie

pytestmark = pytest.mark.django_db(transaction=True)

OFFER = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}
ANSWER = {"type": "answer", "sdp": "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n"}
CANDIDATE = {
    "type": "candidate",
    "candidate": {
        "candidate": "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host",
        "sdpMid": "0",
        "sdpMLineIndex": 0,
        "usernameFragment": "abcd",
    },
}


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """The in-memory layer binds its queues to the event loop of the test that used it first."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def socket(path: str, cookie: str | None = None) -> WebsocketCommunicator:
    """A browser's socket: from the site's own origin, with the session cookie of `login_cookie`."""
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if cookie is not None:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def join(path: str, cookie: str) -> WebsocketCommunicator:
    communicator = socket(path, cookie)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def assert_refused(communicator: WebsocketCommunicator) -> None:
    """Accepted only to be closed with 4403, before anything of the room reaches it."""
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_output() == {"type": "websocket.close", "code": 4403}


def run(scenario) -> None:
    async_to_sync(scenario)()


def test_the_two_participants_exchange_offer_answer_and_candidates(call_session, call_clerk, resident):
    path = f"/ws/calls/{call_session.pk}/"
    clerk_cookie, resident_cookie = login_cookie(call_clerk), login_cookie(resident)

    async def scenario():
        clerk = await join(path, clerk_cookie)
        await clerk.send_json_to({"type": "hello", "peer": "clerk-page"})
        assert await clerk.receive_nothing(0.1)  # (and its hello has gone to the empty room by now)
        person = await join(path, resident_cookie)
        await person.send_json_to({"type": "hello", "peer": "resident-page"})
        # The clerk's hello went out before the resident joined: only the resident's arrives.
        assert await clerk.receive_json_from() == {
            "type": "hello",
            "peer": "resident-page",
            "from": "resident",
        }
        assert await person.receive_nothing(0.1)

        await clerk.send_json_to({"type": "ready", "peer": "clerk-page"})
        assert await person.receive_json_from() == {"type": "ready", "peer": "clerk-page", "from": "clerk"}
        await clerk.send_json_to(OFFER)
        assert await person.receive_json_from() == {**OFFER, "from": "clerk"}
        await person.send_json_to(ANSWER)
        assert await clerk.receive_json_from() == {**ANSWER, "from": "resident"}
        await person.send_json_to(CANDIDATE)
        await person.send_json_to({"type": "candidate", "candidate": None})
        assert await clerk.receive_json_from() == {**CANDIDATE, "from": "resident"}
        assert await clerk.receive_json_from() == {"type": "candidate", "candidate": None, "from": "resident"}
        await clerk.send_json_to({"type": "chat", "text": "请把户口簿举到镜头前"})
        assert await person.receive_json_from() == {
            "type": "chat",
            "text": "请把户口簿举到镜头前",
            "from": "clerk",
        }
        await person.send_json_to({"type": "mute", "audio": True, "video": False})
        assert await clerk.receive_json_from() == {
            "type": "mute",
            "audio": True,
            "video": False,
            "from": "resident",
        }
        # Nobody hears their own messages back.
        assert await clerk.receive_nothing(0.1)
        assert await person.receive_nothing(0.1)
        # Met, offered, answered, talked: not connected until both pages say their media flow.
        session = await database_sync_to_async(CallSession.objects.get)(pk=call_session.pk)
        assert session.status == CallSession.Status.CALLING and session.connected_at is None
        await clerk.send_json_to({"type": "connected", "peer": "clerk-page"})
        await person.send_json_to({"type": "connected", "peer": "resident-page"})
        assert await clerk.receive_nothing(0.1)  # a report is the server's, not relayed
        assert await person.receive_nothing(0.1)
        await clerk.disconnect()
        await person.disconnect()

    run(scenario)
    call_session.refresh_from_db()
    assert call_session.status == CallSession.Status.INTERRUPTED  # both left without ending it
    assert call_session.connected_at is not None  # the two reports marked it connected
    assert call_session.signaling_messages == 11
    assert Event.objects.filter(subject_id=str(call_session.pk), event_type="call.connected").count() == 1
    assert [(line.role, line.text) for line in call_session.chat.all()] == [("clerk", "请把户口簿举到镜头前")]


def test_the_call_is_active_once_both_pages_report_their_connection_not_when_they_meet(
    call_session, call_clerk, resident
):
    clerk_cookie, resident_cookie = login_cookie(call_clerk), login_cookie(resident)

    def status():
        return CallSession.objects.get(pk=call_session.pk).status

    async def scenario():
        clerk = await join(f"/ws/calls/{call_session.pk}/", clerk_cookie)
        person = await join(f"/ws/calls/{call_session.pk}/", resident_cookie)
        await person.send_json_to({"type": "hello", "peer": "r"})
        await clerk.receive_json_from()
        await clerk.send_json_to({"type": "ready", "peer": "c"})
        await person.receive_json_from()
        assert await database_sync_to_async(status)() == CallSession.Status.CALLING
        await clerk.send_json_to({"type": "connected", "peer": "c"})
        await clerk.send_json_to({"type": "connected", "peer": "c"})  # twice from one side is one side
        assert await clerk.receive_nothing(0.1)
        assert await database_sync_to_async(status)() == CallSession.Status.CALLING
        await person.send_json_to({"type": "connected", "peer": "r"})
        assert await person.receive_nothing(0.1)
        assert await database_sync_to_async(status)() == CallSession.Status.ACTIVE
        await clerk.disconnect()
        await person.disconnect()

    run(scenario)


@pytest.mark.parametrize("who", ["outsider", "other_resident", "anonymous"])
def test_nobody_but_the_two_participants_joins_or_hears_the_room(
    who, call_session, other_call_session, call_clerk, resident, outsider, other_resident
):
    stranger = {"outsider": outsider, "other_resident": other_resident, "anonymous": None}[who]
    stranger_cookie = login_cookie(stranger) if stranger else None
    clerk_cookie, resident_cookie = login_cookie(call_clerk), login_cookie(resident)

    async def scenario():
        clerk = await join(f"/ws/calls/{call_session.pk}/", clerk_cookie)
        intruder = socket(f"/ws/calls/{call_session.pk}/", stranger_cookie)
        await assert_refused(intruder)
        person = await join(f"/ws/calls/{call_session.pk}/", resident_cookie)
        await clerk.send_json_to(OFFER)
        assert (await person.receive_json_from())["type"] == "offer"
        assert await intruder.receive_nothing(0.1)
        # The clerk's page learns nothing of the intruder either.
        assert await clerk.receive_nothing(0.1)
        await clerk.disconnect()
        await person.disconnect()

    run(scenario)


def test_a_resident_of_another_call_is_refused_by_this_one_but_joins_their_own(
    call_session, other_call_session, other_resident
):
    cookie = login_cookie(other_resident)

    async def scenario():
        await assert_refused(socket(f"/ws/calls/{call_session.pk}/", cookie))
        own = await join(f"/ws/calls/{other_call_session.pk}/", cookie)
        await own.disconnect()

    run(scenario)


def test_an_ended_call_refuses_even_its_participants(call_session, call_clerk, resident):
    services.call_end(actor=call_clerk, session_id=call_session.pk, outcome=CallSession.Outcome.NO_ANSWER)
    clerk_cookie, resident_cookie = login_cookie(call_clerk), login_cookie(resident)

    async def scenario():
        await assert_refused(socket(f"/ws/calls/{call_session.pk}/", clerk_cookie))
        await assert_refused(socket(f"/ws/calls/{call_session.pk}/", resident_cookie))

    run(scenario)


@pytest.mark.parametrize(
    "bad",
    [
        "not json",
        json.dumps(["offer"]),
        json.dumps({"type": "shout", "text": "hi"}),
        json.dumps({"type": "offer", "sdp": 42}),
        json.dumps({"type": "candidate", "candidate": "candidate:1"}),
        json.dumps({"type": "candidate", "candidate": {"candidate": "c", "sdpMLineIndex": "0"}}),
        json.dumps({"type": "mute", "audio": "yes", "video": False}),
        json.dumps({"type": "chat", "text": ""}),
        json.dumps({"type": "chat", "text": "x" * 17 * 1024}),
        json.dumps({"type": "offer", "sdp": "x" * 16 * 1024}),
    ],
    ids=[
        "not-json",
        "not-an-object",
        "unknown-type",
        "sdp-not-text",
        "candidate-not-object",
        "index-not-number",
        "flag-not-boolean",
        "empty-chat",
        "oversized-chat",
        "oversized-offer",
    ],
)
def test_a_malformed_or_oversized_message_is_dropped_and_the_socket_stays_up(
    bad, call_session, call_clerk, resident, caplog
):
    clerk_cookie, resident_cookie = login_cookie(call_clerk), login_cookie(resident)

    async def scenario():
        clerk = await join(f"/ws/calls/{call_session.pk}/", clerk_cookie)
        person = await join(f"/ws/calls/{call_session.pk}/", resident_cookie)
        await clerk.send_to(text_data=bad)
        await clerk.send_to(bytes_data=b"\x00\x01")
        assert await person.receive_nothing(0.1)
        await clerk.send_json_to(OFFER)
        assert await person.receive_json_from() == {**OFFER, "from": "clerk"}
        await clerk.disconnect()
        await person.disconnect()

    run(scenario)
    dropped = [r for r in caplog.records if r.name == "banshi.remote.consumers"]
    assert len(dropped) == 2
    # Logged without the content.
    assert all("x" * 100 not in r.getMessage() and "shout" not in r.getMessage() for r in dropped)
    call_session.refresh_from_db()
    assert call_session.signaling_messages == 1


def test_extra_fields_are_not_relayed(call_session, call_clerk, resident):
    clerk_cookie, resident_cookie = login_cookie(call_clerk), login_cookie(resident)

    async def scenario():
        clerk = await join(f"/ws/calls/{call_session.pk}/", clerk_cookie)
        person = await join(f"/ws/calls/{call_session.pk}/", resident_cookie)
        await clerk.send_json_to({**OFFER, "from": "resident", "html": "<script>"})
        assert await person.receive_json_from() == {**OFFER, "from": "clerk"}
        await clerk.disconnect()
        await person.disconnect()

    run(scenario)


def test_the_other_side_hears_when_one_leaves_and_the_call_waits_for_the_rejoin(
    call_session, call_clerk, resident
):
    clerk_cookie, resident_cookie = login_cookie(call_clerk), login_cookie(resident)

    async def scenario():
        clerk = await join(f"/ws/calls/{call_session.pk}/", clerk_cookie)
        person = await join(f"/ws/calls/{call_session.pk}/", resident_cookie)
        await clerk.send_json_to({"type": "connected", "peer": "first"})
        await person.send_json_to({"type": "connected", "peer": "r"})
        assert await person.receive_nothing(0.1)
        await clerk.disconnect()
        assert await person.receive_json_from() == {"type": "left"}
        session = await database_sync_to_async(CallSession.objects.get)(pk=call_session.pk)
        assert session.status == CallSession.Status.INTERRUPTED
        assert session.rejoin_until is not None
        # The clerk reloads the page: same call_session, same room.
        clerk = await join(f"/ws/calls/{call_session.pk}/", clerk_cookie)
        await clerk.send_json_to({"type": "hello", "peer": "again"})
        assert await person.receive_json_from() == {"type": "hello", "peer": "again", "from": "clerk"}
        await person.send_json_to({"type": "ready", "peer": "r"})
        assert (await clerk.receive_json_from())["type"] == "ready"
        # The resident's report of before the drop does not count: both report the new connection.
        await person.send_json_to({"type": "connected", "peer": "r"})
        assert await person.receive_nothing(0.1)
        session = await database_sync_to_async(CallSession.objects.get)(pk=call_session.pk)
        assert session.status == CallSession.Status.INTERRUPTED
        await clerk.send_json_to({"type": "connected", "peer": "again"})
        assert await clerk.receive_nothing(0.1)
        session = await database_sync_to_async(CallSession.objects.get)(pk=call_session.pk)
        assert session.status == CallSession.Status.ACTIVE
        await clerk.disconnect()
        await person.disconnect()

    run(scenario)


def test_a_second_page_of_the_same_person_takes_the_call_over(call_session, call_clerk, resident):
    clerk_cookie, resident_cookie = login_cookie(call_clerk), login_cookie(resident)

    async def scenario():
        first = await join(f"/ws/calls/{call_session.pk}/", resident_cookie)
        second = await join(f"/ws/calls/{call_session.pk}/", resident_cookie)
        assert await first.receive_output() == {"type": "websocket.close", "code": 4409}
        clerk = await join(f"/ws/calls/{call_session.pk}/", clerk_cookie)
        await clerk.send_json_to(OFFER)
        assert (await second.receive_json_from())["type"] == "offer"
        await clerk.disconnect()
        await second.disconnect()

    run(scenario)
    # Being replaced is not an interruption: only the clerk's leaving at the end was one.
    interruptions = Event.objects.filter(subject_id=str(call_session.pk), event_type="call.interrupted")
    assert [event.actor_id for event in interruptions] == [call_clerk.pk]


def test_ending_the_call_tells_both_pages_and_closes_their_sockets(call_session, call_clerk, resident):
    clerk_cookie, resident_cookie = login_cookie(call_clerk), login_cookie(resident)

    async def scenario():
        clerk = await join(f"/ws/calls/{call_session.pk}/", clerk_cookie)
        person = await join(f"/ws/calls/{call_session.pk}/", resident_cookie)
        await database_sync_to_async(services.call_end)(
            actor=call_clerk, session_id=call_session.pk, outcome=CallSession.Outcome.SERVED
        )
        await database_sync_to_async(call_changed)(call_session.pk, "ended")
        for page in (clerk, person):
            assert await page.receive_json_from() == {"type": "ended"}
            assert await page.receive_output() == {"type": "websocket.close", "code": 4000}

    run(scenario)
    assert CallSession.objects.get(pk=call_session.pk).status == CallSession.Status.ENDED


def test_queue_watchers_receive_the_state_and_every_change(call_window, outsider, other_resident):
    cookie = login_cookie(outsider)

    async def scenario():
        watcher = await join(f"/ws/queue/{call_window.pk}/", cookie)
        first = await watcher.receive_json_from()
        assert first["window"] == call_window.pk
        assert first["waiting"] == 0
        ticket = await database_sync_to_async(services.ticket_take)(
            actor=other_resident, window_id=call_window.pk
        )
        update = await watcher.receive_json_from()
        assert update["waiting"] == 1
        assert update["tickets"][0]["id"] == ticket.pk
        assert update["tickets"][0]["position"] == 1
        # Numbers, places and waits only: nobody's name or phone.
        assert other_resident.phone not in json.dumps(update)
        await watcher.disconnect()

    run(scenario)


def test_an_anonymous_socket_cannot_watch_a_queue(call_window):
    async def scenario():
        await assert_refused(socket(f"/ws/queue/{call_window.pk}/"))

    run(scenario)


def test_only_a_video_window_s_queue_can_be_watched(call_window, outsider):
    physical = Window.objects.create(
        name="渝中区政务服务中心综合窗口", kind=Window.Kind.PHYSICAL, area=call_window.area
    )
    missing = Window.objects.order_by("-pk").first().pk + 1
    cookie = login_cookie(outsider)

    async def scenario():
        await assert_refused(socket(f"/ws/queue/{physical.pk}/", cookie))
        await assert_refused(socket(f"/ws/queue/{missing}/", cookie))

    run(scenario)


def test_a_socket_from_another_origin_is_refused(call_session, call_clerk):
    cookie = login_cookie(call_clerk)

    async def scenario():
        communicator = WebsocketCommunicator(
            application,
            f"/ws/calls/{call_session.pk}/",
            headers=[(b"origin", b"https://evil.example"), (b"cookie", f"sessionid={cookie}".encode())],
        )
        connected, _ = await communicator.connect()
        assert not connected

    run(scenario)


# --- flooding ---------------------------------------------------------------------------------------


def test_a_socket_flooding_the_room_is_closed_with_its_own_code_and_the_other_side_hears_it_left(
    call_session, call_clerk, resident, settings, caplog
):
    clerk_cookie, resident_cookie = login_cookie(call_clerk), login_cookie(resident)
    burst = settings.WS_MESSAGE_BURST

    async def scenario():
        clerk = await join(f"/ws/calls/{call_session.pk}/", clerk_cookie)
        person = await join(f"/ws/calls/{call_session.pk}/", resident_cookie)
        for number in range(5 * burst):
            await clerk.send_json_to({"type": "chat", "text": f"message {number}"})
        assert await clerk.receive_output() == {"type": "websocket.close", "code": consumers.CLOSE_FLOODED}
        await clerk.disconnect()  # the browser's side of the closing handshake
        relayed = 0
        while (message := await person.receive_json_from()) != {"type": "left"}:
            assert message["type"] == "chat"
            relayed += 1
        # The burst and what the rate refilled meanwhile, not the rest.
        assert burst <= relayed < 2 * burst
        await person.disconnect()
        return relayed

    relayed = async_to_sync(scenario)()
    call_session.refresh_from_db()
    assert call_session.signaling_messages == relayed
    assert call_session.status == CallSession.Status.INTERRUPTED
    flooded = [r.getMessage() for r in caplog.records if "messages a second" in r.getMessage()]
    assert flooded == [
        f"call {call_session.pk}, the clerk: closed the socket, more than 20 messages a second"
    ]


def test_a_queue_watcher_that_floods_is_closed_too(call_window, outsider, settings):
    settings.WS_MESSAGE_BURST = 5
    cookie = login_cookie(outsider)

    async def scenario():
        watcher = await join(f"/ws/queue/{call_window.pk}/", cookie)
        await watcher.receive_json_from()
        for _ in range(20):
            await watcher.send_to(text_data="{}")
        assert await watcher.receive_output() == {"type": "websocket.close", "code": consumers.CLOSE_FLOODED}
        await watcher.disconnect()

    run(scenario)


def test_a_call_at_a_page_s_pace_is_never_closed(call_session, call_clerk, resident):
    """What call.js sends: hello and ready, the offer and the answer, each side's ICE candidates at
    once (a machine with many interfaces gathers a few dozen), then chat and mute as people type and
    click, for two seconds at ten a second."""
    clerk_cookie, resident_cookie = login_cookie(call_clerk), login_cookie(resident)

    async def scenario():
        clerk = await join(f"/ws/calls/{call_session.pk}/", clerk_cookie)
        person = await join(f"/ws/calls/{call_session.pk}/", resident_cookie)
        sent = [
            (person, {"type": "hello", "peer": "r"}),
            (clerk, {"type": "ready", "peer": "c"}),
            (clerk, OFFER),
            (person, ANSWER),
        ]
        for side, message in sent:
            await side.send_json_to(message)
            assert (await (clerk if side is person else person).receive_json_from())["type"] == message[
                "type"
            ]
        for side in (clerk, person):
            for _ in range(30):
                await side.send_json_to(CANDIDATE)
            await side.send_json_to({"type": "candidate", "candidate": None})
        for side in (clerk, person):
            other = person if side is clerk else clerk
            for _ in range(31):
                assert (await other.receive_json_from())["type"] == "candidate"
        for number in range(20):
            await clerk.send_json_to({"type": "chat", "text": f"第{number}条"})
            await person.send_json_to({"type": "mute", "audio": number % 2 == 0, "video": False})
            assert (await person.receive_json_from())["text"] == f"第{number}条"
            assert (await clerk.receive_json_from())["type"] == "mute"
            await asyncio.sleep(0.1)
        assert await clerk.receive_nothing(0.1)
        assert await person.receive_nothing(0.1)
        await clerk.disconnect()
        await person.disconnect()

    run(scenario)
    call_session.refresh_from_db()
    assert call_session.signaling_messages == 4 + 2 * 31 + 2 * 20


def test_dropped_messages_are_warned_of_once_a_minute_and_counted_never_quoted(
    call_session, call_clerk, resident, caplog
):
    clerk_cookie, resident_cookie = login_cookie(call_clerk), login_cookie(resident)

    async def scenario():
        clerk = await join(f"/ws/calls/{call_session.pk}/", clerk_cookie)
        person = await join(f"/ws/calls/{call_session.pk}/", resident_cookie)
        for number in range(30):
            await clerk.send_to(text_data=f"secret-{number} 13800000001")
        await clerk.send_json_to(OFFER)  # not dropped, and still relayed: the socket stays up
        assert await person.receive_json_from() == {**OFFER, "from": "clerk"}
        await clerk.disconnect()
        await person.disconnect()

    run(scenario)
    lines = [r.getMessage() for r in caplog.records if r.name == "banshi.remote.consumers"]
    assert lines == [
        f"call {call_session.pk}, the clerk: dropped a message: not JSON",
        f"call {call_session.pk}, the clerk: dropped 29 more messages since the last warning",
    ]


def test_the_token_bucket_allows_the_burst_then_the_rate():
    now = [0.0]
    bucket = consumers.TokenBucket(rate=20, burst=40, clock=lambda: now[0])
    assert all(bucket.take() for _ in range(40))
    assert not bucket.take()
    now[0] += 0.05  # one token back
    assert bucket.take() and not bucket.take()
    now[0] += 100  # never more than the burst
    assert sum(bucket.take() for _ in range(100)) == 40


def test_the_warning_limiter_lets_one_through_per_period_and_counts_the_rest():
    now = [0.0]
    limiter = consumers.WarningLimiter(every=60, clock=lambda: now[0])
    assert limiter.allow() == 0
    assert [limiter.allow() for _ in range(3)] == [None, None, None]
    now[0] += 61
    assert limiter.allow() == 3  # this one goes out, saying how many were held back
    assert limiter.allow() is None
    assert limiter.held_back() == 1
    assert limiter.held_back() == 0
