"""The transcript store: conversations, messages and handoff tickets (SQLAlchemy)."""
