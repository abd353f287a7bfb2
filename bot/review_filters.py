"""Reading the filters of a search or an audit-log page from a query string (pure).

Shared by the console's review pages and the JSON API, so both accept and
refuse the same things, with the same messages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any, Dict, Mapping, Optional
from urllib.parse import urlencode

from bot import local_time
from bot.masking import hide_numbers
from bot.store import audit as audit_store
from bot.store import search as search_store

SEARCH_PAGE = 50
AUDIT_PAGE = 100
MAX_AUDIT_PAGE = 500
MAX_FIELD = 200


class BadQuery(ValueError):
    """A filter value we cannot use; the message is shown as is."""


def _text(query: Mapping[str, str], name: str) -> str:
    value = query.get(name, "").strip()
    if len(value) > MAX_FIELD:
        raise BadQuery(f"“{name}” is too long (at most {MAX_FIELD} characters).")
    return value


def parse_moment(value: str, name: str, zone: tzinfo, end: bool = False) -> Optional[datetime]:
    """A date (2024-05-31) or an ISO date and time, in the program's `zone` unless it has an offset.

    A date is a whole day in `zone`: as the start of a range its first instant,
    as the end the first instant of the next day.
    """
    value = value.strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise BadQuery(f"“{name}” must be a date like 2024-05-31.") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=zone)
    start, after = local_time.day_bounds(day, day, zone)
    return after if end else start


def parse_int(query: Mapping[str, str], name: str, default: Optional[int], low: int, high: int) -> Optional[int]:
    value = query.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadQuery(f"“{name}” must be a whole number.") from None
    if not low <= number <= high:
        raise BadQuery(f"“{name}” must be between {low} and {high}.")
    return number


def _choice(query: Mapping[str, str], name: str, choices: Mapping[str, str]) -> str:
    value = query.get(name, "").strip()
    if value and value not in choices:
        raise BadQuery(f"“{name}” must be one of: {', '.join(choices)}.")
    return value


def detail_of(filters: Dict[str, Any]) -> str:
    """The filters as the audit log keeps them: non-empty ones only, numbers in the text masked."""
    kept = {k: (hide_numbers(v) if isinstance(v, str) else v) for k, v in filters.items() if v}
    return json.dumps(kept, ensure_ascii=False)


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    since: Optional[datetime] = None
    until: Optional[datetime] = None
    channel: str = ""
    outcome: str = ""
    limit: int = SEARCH_PAGE
    offset: int = 0

    def run(self, s) -> Dict[str, Any]:
        return search_store.search_conversations(
            s,
            text=self.text or None,
            since=self.since,
            until=self.until,
            channel=self.channel or None,
            outcome=self.outcome or None,
            limit=self.limit,
            offset=self.offset,
        )


def search_query(query: Mapping[str, str], zone: tzinfo, limit: int = SEARCH_PAGE) -> SearchQuery:
    since = parse_moment(query.get("from", ""), "from", zone)
    until = parse_moment(query.get("to", ""), "to", zone, end=True)
    if since and until and since >= until:
        raise BadQuery("“from” must be before “to”.")
    return SearchQuery(
        text=_text(query, "text"),
        since=since,
        until=until,
        channel=_choice(query, "channel", search_store.CHANNELS),
        outcome=_choice(query, "outcome", search_store.OUTCOMES),
        limit=parse_int(query, "limit", limit, 1, search_store.MAX_LIMIT) or limit,
        offset=parse_int(query, "offset", 0, 0, 10**9) or 0,
    )


def search_detail(query: Mapping[str, str], q: SearchQuery) -> str:
    return detail_of(
        {
            "text": q.text,
            "from": query.get("from", "").strip(),
            "to": query.get("to", "").strip(),
            "channel": q.channel,
            "outcome": q.outcome,
            "offset": q.offset,
        }
    )


@dataclass(frozen=True)
class AuditQuery:
    actor: str = ""
    action: str = ""
    conversation: str = ""
    since: Optional[datetime] = None
    until: Optional[datetime] = None
    before_id: Optional[int] = None
    limit: int = AUDIT_PAGE

    def run(self, s) -> Any:
        # One more than a page, to know whether there is an older page.
        return audit_store.entries(
            s,
            actor=self.actor or None,
            action=self.action or None,
            conversation_id=self.conversation or None,
            since=self.since,
            until=self.until,
            limit=self.limit + 1,
            before_id=self.before_id,
        )


def audit_query(query: Mapping[str, str], zone: tzinfo, limit: int = AUDIT_PAGE) -> AuditQuery:
    day = query.get("date", "")
    return AuditQuery(
        actor=_text(query, "actor").lower(),
        action=_text(query, "action"),
        conversation=_text(query, "conversation"),
        since=parse_moment(day, "date", zone),
        until=parse_moment(day, "date", zone, end=True),
        before_id=parse_int(query, "before_id", None, 1, 2**62),
        limit=parse_int(query, "limit", limit, 1, MAX_AUDIT_PAGE) or limit,
    )


def audit_detail(query: Mapping[str, str], q: AuditQuery) -> str:
    return detail_of(
        {
            "actor": q.actor,
            "action": q.action,
            "conversation": q.conversation,
            "date": query.get("date", "").strip(),
            "before_id": q.before_id,
        }
    )


def page_of(rows: list, limit: int) -> tuple:
    """(the page, id to continue before, or None on the last page)."""
    return (rows[:limit], rows[limit - 1]["id"]) if len(rows) > limit else (rows, None)


def with_query(path: str, query: Mapping[str, str], **changes: Any) -> str:
    """The same filters with some values changed (None drops one), for paging links."""
    merged = {**{k: v for k, v in query.items() if v}, **{k: str(v) for k, v in changes.items() if v is not None}}
    for key in [k for k, v in changes.items() if v is None]:
        merged.pop(key, None)
    return f"{path}?{urlencode(merged)}" if merged else path


def kept_filters(query: Mapping[str, str], names) -> Dict[str, str]:
    return {name: query[name].strip() for name in names if query.get(name, "").strip()}
