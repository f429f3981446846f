"""`bin/serve` (behind `make run`): stopping it stops everything it started, whatever each part is doing
at that moment. The script runs with stand-ins for Python and uvicorn (scripts that only sleep, as a
server, a worker or a sweep step would go on running), in a process group of its own; afterwards no
process of that group may be left."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
STAND_IN = "#!/bin/sh\nexec sleep 1000\n"


def fake_venv(tmp_path: Path) -> Path:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    for name in ("python", "uvicorn"):
        path = venv / "bin" / name
        path.write_text(STAND_IN)
        path.chmod(0o755)
    return venv


def group_members(group: int) -> list[str]:
    """The live processes (zombies aside) of the process group, as `pid command`."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp …: the command may hold spaces, so split after its parenthesis.
        state, _ppid, pgrp = stat[stat.rindex(")") + 2 :].split()[:3]
        if int(pgrp) == group and state != "Z":
            members.append(f"{entry.name} {stat[stat.index('(') : stat.rindex(')') + 1]}")
    return members


def serve(tmp_path: Path, *, sweep_interval: str) -> subprocess.Popen:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "VENV": str(fake_venv(tmp_path)),
        "SWEEP_INTERVAL": sweep_interval,
        "SECRET_KEY": "not-used-by-the-stand-ins",
        "BANSHI_DEMO": "1",
    }
    process = subprocess.Popen(
        ["bash", str(ROOT / "bin" / "serve")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    # The server, the worker and the sweeper (with its sleep or its step) are started.
    deadline = time.monotonic() + 10
    while len([m for m in group_members(process.pid) if "(sleep)" in m]) < 3:
        assert time.monotonic() < deadline, group_members(process.pid)
        time.sleep(0.05)
    time.sleep(0.3)  # a short sweep interval: the sweeper is in a step by now
    return process


def assert_nothing_left(process: subprocess.Popen) -> None:
    try:
        deadline = time.monotonic() + 10
        while group_members(process.pid):
            if time.monotonic() > deadline:
                pytest.fail(f"still running after bin/serve stopped: {group_members(process.pid)}")
            time.sleep(0.05)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.mark.parametrize(
    "sweep_interval",
    [
        "600",  # the sweeper is sleeping
        "0.1",  # the sweeper is running one of its steps
    ],
)
@pytest.mark.parametrize(
    "how, status",
    [
        ("ctrl-c", 130),  # the terminal sends SIGINT to the whole foreground process group
        ("term", 143),  # `kill PID` of the script alone
    ],
)
def test_stopping_serve_stops_everything_it_started(tmp_path, how, status, sweep_interval):
    process = serve(tmp_path, sweep_interval=sweep_interval)
    if how == "ctrl-c":
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGTERM)
    try:
        assert process.wait(timeout=10) == status
    finally:
        assert_nothing_left(process)


def test_serve_stops_the_rest_when_the_server_or_the_worker_exits(tmp_path):
    process = serve(tmp_path, sweep_interval="600")
    server = next(
        int(member.split()[0])
        for member in group_members(process.pid)
        if "(sleep)" in member and "1000" in Path(f"/proc/{member.split()[0]}/cmdline").read_text()
    )
    os.kill(server, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    finally:
        assert_nothing_left(process)
