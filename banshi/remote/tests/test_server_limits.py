"""The WebSocket server's own limit, checked against the real server (uvicorn, as `bin/serve` starts it):
a frame larger than `--ws-max-size` is refused before any consumer reads it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from websockets.exceptions import ConnectionClosedError
from websockets.sync.client import connect

from banshi.remote.consumers import MAX_MESSAGE_BYTES
from banshi.remote.tests.servers import WS_MAX_SIZE, asgi_server
from banshi.remote.tests.sockets import login_cookie

ROOT = Path(settings.BASE_DIR)


def test_every_way_of_serving_caps_a_frame_at_the_same_size_above_the_largest_message():
    assert MAX_MESSAGE_BYTES < WS_MAX_SIZE <= 4 * MAX_MESSAGE_BYTES
    for path in ("bin/serve", "README.md"):
        text = (ROOT / path).read_text()
        commands = [line for line in text.splitlines() if re.search(r"uvicorn\b.*banshi\.asgi", line)]
        assert commands, path
        assert all(f"--ws-max-size {WS_MAX_SIZE}" in line for line in commands), path


@pytest.mark.browser  # a real server on 127.0.0.1, inside the browser tests' private network namespace
def test_the_server_closes_a_socket_sending_a_frame_over_the_cap(
    transactional_db, call_window, outsider, tmp_path
):
    cookie = login_cookie(outsider)
    with asgi_server(tmp_path) as base:
        url = base.replace("http://", "ws://") + f"/ws/queue/{call_window.pk}/"
        with connect(url, origin=base, additional_headers={"Cookie": f"sessionid={cookie}"}) as socket:
            assert '"window"' in socket.recv(timeout=5)  # the queue's state: the socket is open
            socket.send("x" * (WS_MAX_SIZE // 2))  # large, but under the cap: read (and ignored)
            socket.ping().wait(timeout=5)
            socket.send("x" * (WS_MAX_SIZE + 1))
            with pytest.raises(ConnectionClosedError) as closed:
                socket.recv(timeout=5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009  # message too big
