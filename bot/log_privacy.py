"""The log keeps what failed and where, never what a visitor wrote.

SQLAlchemy's `hide_parameters` (set on every engine) keeps bound values out of
its errors, but PostgreSQL itself echoes a failing row in its message
(`DETAIL: Failing row contains (...)`). This filter, on the gateway's log
handlers, rewrites a database error to its first line and its SQL, so a
traceback in the log can never carry a message's text or a phone number.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError


class DatabaseError(Exception):
    """A database error as the log shows it: the kind, the first line, the statement."""


def scrubbed(exc: DBAPIError) -> str:
    orig = exc.orig
    first = str(orig).strip().splitlines()[0] if orig is not None and str(orig).strip() else ""
    return f"{type(orig).__name__}: {first} [SQL: {exc.statement}]"


class HideRowValues(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], DBAPIError):
            exc = record.exc_info[1]
            record.exc_info = (DatabaseError, DatabaseError(scrubbed(exc)), record.exc_info[2])
            record.exc_text = None
        return True


def install(logger: logging.Logger | None = None) -> None:
    """On every handler of the root logger (as set up by `python -m bot`)."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, HideRowValues) for f in handler.filters):
            handler.addFilter(HideRowValues())
