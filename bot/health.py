"""/healthz (liveness of each part) and /metrics (Prometheus text)."""

from __future__ import annotations

import asyncio
from typing import Any, Dict

import aiohttp
from aiohttp import web

from bot import guards
from bot.web_keys import DB, HTTP, JOURNAL, METRICS, RASA, SETTINGS


async def reachable(session: aiohttp.ClientSession, url: str) -> bool:
    try:
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=2)) as resp:
            return resp.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
        return False


@guards.public
async def healthz(request: web.Request) -> web.Response:
    app = request.app
    rasa, actions, database = await asyncio.gather(
        app[RASA].healthy(),
        reachable(app[HTTP], app[SETTINGS].action_server_url.rstrip("/") + "/health"),
        app[DB].ping(),
    )
    parts = {"gateway": True, "database": database, "rasa": rasa, "action_server": actions}
    # The gateway is alive (and answers crises) as long as it and its database are.
    status = 200 if database else 503
    body: Dict[str, Any] = {name: "ok" if up else "down" for name, up in parts.items()}
    journal = app.get(JOURNAL)
    if journal is not None:
        # A crisis kept on disk is one staff cannot see yet.
        body["crisis_escalation"] = "degraded" if journal.escalation_degraded or not database else "ok"
        body["journal"] = {"waiting": journal.pending, "crises": journal.pending_crises}
    return web.json_response(body, status=status)


@guards.public  # counts only, never content; keep it off the public internet at the proxy
async def metrics(request: web.Request) -> web.Response:
    m = request.config_dict[METRICS]
    return web.Response(body=m.render(), headers={"Content-Type": m.content_type})
