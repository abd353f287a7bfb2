"""Start the action server, Rasa and the gateway; keep them running; stop them cleanly.

Each child is a separate process bound to 127.0.0.1. A child that dies is
restarted (with a growing pause, so a crash loop does not spin), and so is one
that stops answering its health check for `unhealthy_after` seconds (hung, or
stopped): it is killed, then restarted like one that died. Ctrl-C or SIGTERM
stops all of them, politely first.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Awaitable, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import aiohttp

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 10.0
MAX_RESTART_PAUSE = 30.0
# A child that stayed up this long had recovered: its next crash pauses briefly again.
STABLE_SECONDS = 120.0


@dataclass
class Child:
    name: str
    argv: List[str]
    health_url: str
    env: Dict[str, str] = field(default_factory=dict)
    # Variables of ours this child must not see (secrets it has no use for).
    withheld: Tuple[str, ...] = ()
    ready_timeout: float = 180.0
    # Checked every `health_every` seconds once up; failing for `unhealthy_after` in a row means hung.
    health_every: float = 5.0
    unhealthy_after: float = 30.0
    log_path: Optional[Path] = None
    cwd: Optional[Path] = None
    process: Optional[asyncio.subprocess.Process] = None
    restarts: int = 0
    started_at: float = 0.0


def environment(child: Child, environ: Mapping[str, str]) -> Dict[str, str]:
    """What the child is started with: ours, minus what it must not see, plus its own."""
    return {**{k: v for k, v in environ.items() if k not in child.withheld}, **child.env}


def log_tail(child: Child, lines: int = 15) -> str:
    if not child.log_path or not child.log_path.exists():
        return ""
    tail = child.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    return f"; the end of {child.log_path}:\n" + "\n".join("    " + line for line in tail)


async def is_healthy(session: aiohttp.ClientSession, url: str) -> bool:
    try:
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=2)) as resp:
            return resp.status < 500
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
        return False


async def start(child: Child) -> asyncio.subprocess.Process:
    # Opened once at start (not per line) and handed to the child, which owns it.
    out = open(child.log_path, "ab") if child.log_path else None  # noqa: ASYNC230
    try:
        child.process = await asyncio.create_subprocess_exec(
            *child.argv,
            env=environment(child, os.environ),
            cwd=child.cwd,
            stdout=out or asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us, not the children directly
        )
    finally:
        if out:
            out.close()
    child.started_at = time.monotonic()
    log.info("started %s (pid %s)", child.name, child.process.pid)
    return child.process


async def wait_healthy(session: aiohttp.ClientSession, child: Child) -> None:
    deadline = time.monotonic() + child.ready_timeout
    while time.monotonic() < deadline:
        if child.process and child.process.returncode is not None:
            raise RuntimeError(
                f"{child.name} exited with code {child.process.returncode} while starting{log_tail(child)}"
            )
        if await is_healthy(session, child.health_url):
            return
        await asyncio.sleep(0.5)
    raise RuntimeError(f"{child.name} was not healthy after {child.ready_timeout:.0f}s{log_tail(child)}")


async def stop(child: Child) -> None:
    proc = child.process
    if not proc or proc.returncode is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), STOP_GRACE_SECONDS)
    except asyncio.TimeoutError:
        os.killpg(proc.pid, signal.SIGKILL)
        await proc.wait()
    except ProcessLookupError:
        pass
    log.info("stopped %s", child.name)


async def watch_health(session: aiohttp.ClientSession, child: Child) -> None:
    """Kill a child that has not answered its health check for `unhealthy_after` seconds; keep_alive restarts it."""
    failing_since: Optional[float] = None
    while True:
        await asyncio.sleep(child.health_every)
        if await is_healthy(session, child.health_url):
            failing_since = None
            continue
        now = time.monotonic()
        failing_since = failing_since if failing_since is not None else now
        if now - failing_since >= child.unhealthy_after and child.process and child.process.returncode is None:
            log.error(
                "%s has not answered its health check for %.0fs; killing it to restart it",
                child.name,
                now - failing_since,
            )
            try:
                # SIGKILL: a hung process may never act on SIGTERM, a stopped one cannot.
                os.killpg(child.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            return


async def keep_alive(session: aiohttp.ClientSession, child: Child) -> None:
    """Restart the child whenever it exits or hangs, pausing longer after each crash."""
    while True:
        assert child.process is not None
        watchdog = asyncio.create_task(watch_health(session, child))
        try:
            code = await child.process.wait()
        finally:
            watchdog.cancel()
        if time.monotonic() - child.started_at > STABLE_SECONDS:
            child.restarts = 0
        child.restarts += 1
        pause = min(MAX_RESTART_PAUSE, 2.0 ** min(child.restarts, 5))
        log.warning("%s exited with code %s; restarting in %.0fs", child.name, code, pause)
        await asyncio.sleep(pause)
        await start(child)
        try:
            await wait_healthy(session, child)
            log.info("%s is back", child.name)
        except RuntimeError as exc:
            log.error("%s", exc)


async def supervise(
    children: Sequence[Child],
    on_ready: Callable[[], Awaitable[None]] | None = None,
    stop_event: asyncio.Event | None = None,
) -> None:
    """Start children in order (each healthy before the next), then watch them."""
    stop_event = stop_event or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop_event.set)
        except (NotImplementedError, RuntimeError):
            pass
    watchers: List[asyncio.Task] = []
    try:
        async with aiohttp.ClientSession() as session:
            for child in children:
                await start(child)
                ready = asyncio.create_task(wait_healthy(session, child))
                stopping = asyncio.create_task(stop_event.wait())
                done, _ = await asyncio.wait({ready, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if stopping in done:
                    ready.cancel()
                    return
                stopping.cancel()
                ready.result()
                print(f"  {child.name} is ready", flush=True)
            watchers = [asyncio.create_task(keep_alive(session, c)) for c in children]
            if on_ready:
                await on_ready()
            await stop_event.wait()
    finally:
        for task in watchers:
            task.cancel()
        for child in reversed(children):
            await stop(child)
