"""The supervisor with small real child processes (HTTP servers on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap

import pytest
from fakes import dead_url

from bot import supervisor
from bot.supervisor import Child, supervise

SERVER = textwrap.dedent("""
    import http.server, signal, sys
    port, mode = int(sys.argv[1]), sys.argv[2]
    if mode == "stubborn":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if mode == "crash":
        print("cannot load the model", flush=True)
        sys.exit(3)
    class Ok(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
        def log_message(self, *args):
            pass
    http.server.HTTPServer(("127.0.0.1", port), Ok).serve_forever()
""")


def child(name: str, tmp_path, mode: str = "ok") -> Child:
    port = int(dead_url().rsplit(":", 1)[1])
    return Child(
        name=name,
        argv=[sys.executable, "-c", SERVER, str(port), mode],
        health_url=f"http://127.0.0.1:{port}/health",
        ready_timeout=20,
        log_path=tmp_path / f"{name}.log",
    )


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    monkeypatch.setattr(supervisor, "MAX_RESTART_PAUSE", 0.2)
    monkeypatch.setattr(supervisor, "STOP_GRACE_SECONDS", 1.0)


async def until(condition, timeout=20.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_children_start_in_order_and_all_stop_on_request(tmp_path, capsys):
    kids = [child("first", tmp_path), child("second", tmp_path, mode="stubborn")]
    stop = asyncio.Event()
    seen = []

    async def ready():
        seen.append([k.process.returncode for k in kids])
        stop.set()

    await asyncio.wait_for(supervise(kids, on_ready=ready, stop_event=stop), 60)
    assert seen == [[None, None]]
    assert all(k.process.returncode is not None for k in kids)  # the stubborn one was killed
    assert "first is ready" in capsys.readouterr().out


async def test_a_child_that_dies_is_restarted(tmp_path):
    import aiohttp

    kid = child("flaky", tmp_path)
    stop, ready = asyncio.Event(), asyncio.Event()

    async def on_ready():
        ready.set()

    task = asyncio.create_task(supervise([kid], on_ready=on_ready, stop_event=stop))
    await asyncio.wait_for(ready.wait(), 30)
    first_pid = kid.process.pid
    os.killpg(first_pid, signal.SIGKILL)
    await until(lambda: kid.restarts == 1 and kid.process.pid != first_pid)
    async with aiohttp.ClientSession() as http:
        await supervisor.wait_healthy(http, kid)
    stop.set()
    await asyncio.wait_for(task, 30)
    assert kid.process.returncode is not None


async def test_a_child_that_stops_answering_its_health_check_is_killed_and_restarted(tmp_path):
    import aiohttp

    kid = child("hung", tmp_path)
    kid.health_every, kid.unhealthy_after = 0.2, 1.0
    stop, ready = asyncio.Event(), asyncio.Event()

    async def on_ready():
        ready.set()

    task = asyncio.create_task(supervise([kid], on_ready=on_ready, stop_event=stop))
    await asyncio.wait_for(ready.wait(), 30)
    hung = kid.process
    os.killpg(hung.pid, signal.SIGSTOP)  # alive, never exits, answers nothing
    await until(lambda: kid.restarts == 1 and kid.process is not hung)
    assert hung.returncode == -signal.SIGKILL
    async with aiohttp.ClientSession() as http:
        await supervisor.wait_healthy(http, kid)
    stop.set()
    await asyncio.wait_for(task, 30)
    assert kid.process.returncode is not None


async def test_a_child_that_cannot_start_stops_the_others_and_says_why(tmp_path):
    ok, broken = child("action server", tmp_path), child("rasa", tmp_path, mode="crash")
    with pytest.raises(RuntimeError) as info:
        await asyncio.wait_for(supervise([ok, broken]), 60)
    assert "rasa exited with code 3 while starting" in str(info.value)
    assert "cannot load the model" in str(info.value)
    assert ok.process.returncode is not None


async def test_a_child_that_never_gets_healthy_times_out(tmp_path):
    kid = Child(
        name="sleepy",
        argv=[sys.executable, "-c", "import time; time.sleep(60)"],
        health_url=dead_url() + "/health",
        ready_timeout=1.5,
    )
    with pytest.raises(RuntimeError, match="sleepy was not healthy after 2s"):
        await asyncio.wait_for(supervise([kid]), 30)
    assert kid.process.returncode is not None
