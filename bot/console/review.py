"""Review in the console: searching past conversations and reading the audit log.

Every search and every look at the audit log is itself audited. The audit log
is only ever read here: its routes answer GET and nothing else.
"""

from __future__ import annotations

from typing import Any, Dict

from aiohttp import web

from bot.console.pages import render
from bot.console.sessions import admin_only, audit, staff_only
from bot.review_filters import (
    BadQuery,
    audit_detail,
    audit_query,
    kept_filters,
    page_of,
    search_detail,
    search_query,
    with_query,
)
from bot.store import search as search_store
from bot.web_keys import DB, ZONE

# -- console pages ----------------------------------------------------------------------
SEARCH_FIELDS = ("text", "from", "to", "channel", "outcome")
AUDIT_FIELDS = ("actor", "action", "conversation", "date")


@staff_only
async def search_page(request: web.Request) -> web.Response:
    form = {name: request.query.get(name, "").strip() for name in SEARCH_FIELDS}
    context: Dict[str, Any] = dict(
        form=form,
        channels=search_store.CHANNELS,
        outcomes=search_store.OUTCOMES,
        result=None,
        error=None,
        previous_url=None,
        next_url=None,
        first=0,
    )
    try:
        q = search_query(request.query, request.config_dict[ZONE])
    except BadQuery as exc:
        return await render(request, "search.html", status=400, **{**context, "error": str(exc)})
    result = await request.config_dict[DB].run(q.run)
    await audit(request, "search", detail=search_detail(request.query, q))
    filters = kept_filters(request.query, (*form, "limit"))
    if q.offset:
        context["previous_url"] = with_query(request.path, filters, offset=max(0, q.offset - q.limit) or None)
    if q.offset + q.limit < result["total"]:
        context["next_url"] = with_query(request.path, filters, offset=q.offset + q.limit)
    return await render(request, "search.html", **{**context, "result": result, "first": q.offset + 1})


@admin_only
async def audit_page(request: web.Request) -> web.Response:
    form = {name: request.query.get(name, "").strip() for name in AUDIT_FIELDS}
    context: Dict[str, Any] = dict(form=form, entries=None, error=None, older_url=None, newest_url=None)
    try:
        q = audit_query(request.query, request.config_dict[ZONE])
    except BadQuery as exc:
        return await render(request, "audit.html", status=400, **{**context, "error": str(exc)})
    # Recorded before reading, so this very look is the first entry on the first page.
    await audit(request, "view_audit", detail=audit_detail(request.query, q))
    entries, older = page_of(await request.config_dict[DB].run(q.run), q.limit)
    filters = kept_filters(request.query, (*form, "limit"))
    if older:
        context["older_url"] = with_query(request.path, filters, before_id=older)
    if q.before_id:
        context["newest_url"] = with_query(request.path, filters)
    return await render(request, "audit.html", **{**context, "entries": entries})
