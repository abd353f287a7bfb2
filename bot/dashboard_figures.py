"""The dashboard's figures, one source for the console page and /api/dashboard."""

from __future__ import annotations

import functools
from typing import Any, Dict

from aiohttp import web

from bot.store import stats
from bot.web_keys import DB, ZONE


async def figures(request: web.Request, days: int) -> Dict[str, Any]:
    """Everything the dashboard shows, days counted in the program's time zone."""
    return await request.config_dict[DB].run(
        functools.partial(stats.dashboard, days=days, zone=request.config_dict[ZONE])
    )
