"""Tables of the transcript store. Any change here needs an Alembic migration."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.sql import false
from sqlalchemy.types import TypeDecorator

from core.handoff import PRIORITIES

MODES = ("bot", "waiting", "human", "closed")
AUTHORS = ("visitor", "bot", "staff", "system")
STATUSES = ("open", "claimed", "resolved")
ROLES = ("staff", "admin")

# Stable constraint names, so later migrations can refer to them on every backend.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
Base: Any = declarative_base(metadata=metadata)  # SQLAlchemy 1.4's declarative base has no static type


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_id() -> str:
    return uuid.uuid4().hex


def one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite would hand back naive ones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=timezone.utc) if value is not None else None


class Conversation(Base):
    """One visitor on one channel: the address is a phone number, a web session or a REST sender."""

    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("channel", "address"),
        CheckConstraint(one_of("mode", MODES), name="mode"),
    )

    # Also the sender id Rasa sees, so Rasa's tracker never holds a phone number as a key.
    id = Column(String(32), primary_key=True, default=new_id)
    channel = Column(String(16), nullable=False)
    address = Column(String(255), nullable=False)
    mode = Column(String(16), nullable=False, default="bot")
    opted_out = Column(Boolean, nullable=False, default=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    # The visitor asked for the conversation to be deleted while a crisis ticket was open: done when it closes.
    delete_requested_at = Column(UTCDateTime, nullable=True)

    messages = relationship(
        "Message",
        back_populates="conversation",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Message.id",
    )
    handoffs = relationship(
        "Handoff",
        back_populates="conversation",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Handoff.id",
    )


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        # A channel's retry of the same message (Twilio's MessageSid) is stored once.
        UniqueConstraint("channel", "channel_message_id"),
        CheckConstraint(one_of("author", AUTHORS), name="author"),
        Index("ix_messages_conversation_id_id", "conversation_id", "id"),
    )

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(32), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    channel = Column(String(16), nullable=False)
    author = Column(String(16), nullable=False)
    text = Column(Text, nullable=False, default="")
    payload = Column(JSON, nullable=True)
    channel_message_id = Column(String(128), nullable=True)
    staff_name = Column(String(120), nullable=True)
    # What the assistant understood a visitor message as ("faq/cost", "nlu_fallback"),
    # read from Rasa's tracker after the turn; for the dashboard and corrections.
    intent = Column(String(120), nullable=True)
    intent_confidence = Column(Float, nullable=True)
    # A staff text the channel has not taken yet (retried with backoff); shown as "not delivered" in the console.
    undelivered = Column(Boolean, nullable=False, default=False, server_default=false())
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    conversation = relationship("Conversation", back_populates="messages")


class Handoff(Base):
    """A ticket asking staff to take a conversation over."""

    __tablename__ = "handoffs"
    __table_args__ = (
        CheckConstraint(one_of("priority", PRIORITIES), name="priority"),
        CheckConstraint(one_of("status", STATUSES), name="status"),
        Index("ix_handoffs_status_created_at", "status", "created_at"),
        Index("ix_handoffs_conversation_id", "conversation_id"),
    )

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(32), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    reason = Column(Text, nullable=False)
    priority = Column(String(16), nullable=False, default="normal")
    status = Column(String(16), nullable=False, default="open")
    summary = Column(Text, nullable=False, default="")
    claimed_by = Column(String(120), nullable=True)
    callback_number = Column(String(40), nullable=True)
    callback_time = Column(String(200), nullable=True)
    crisis_lines_repeated = Column(Boolean, nullable=False, default=False)
    resolution_note = Column(Text, nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    claimed_at = Column(UTCDateTime, nullable=True)
    resolved_at = Column(UTCDateTime, nullable=True)

    conversation = relationship("Conversation", back_populates="handoffs")


class Staff(Base):
    """A person who signs in to the console."""

    __tablename__ = "staff"
    __table_args__ = (
        UniqueConstraint("username"),
        CheckConstraint(one_of("role", ROLES), name="role"),
    )

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False)
    display_name = Column(String(120), nullable=False)
    role = Column(String(16), nullable=False, default="staff")
    password_hash = Column(String(255), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    # Set for a password someone else chose (first admin, reset): changed at next sign-in.
    must_change_password = Column(Boolean, nullable=False, default=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    password_changed_at = Column(UTCDateTime, nullable=False, default=utcnow)
    # Shown to visitors after the display name ("Dana, intake counsellor"); optional.
    role_line = Column(String(80), nullable=True)
    # In every console session; raised by signing out, disabling and password changes, which ends them all.
    session_version = Column(Integer, nullable=False, default=0, server_default="0")


class AuditEntry(Base):
    """Who saw or did what. Written by the gateway and the CLI; nothing edits it.

    The conversation id is kept without a foreign key, so purging a
    conversation leaves the record that someone read it.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_conversation_id", "conversation_id"),
        Index("ix_audit_log_actor_at", "actor", "at"),
    )

    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime, nullable=False, default=utcnow)
    actor = Column(String(64), nullable=False)
    action = Column(String(40), nullable=False)
    conversation_id = Column(String(32), nullable=True)
    detail = Column(Text, nullable=False, default="")
    ip = Column(String(64), nullable=True)


class SignInFailure(Base):
    """A failed sign-in, for throttling guessers; old rows are pruned."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (
        Index("ix_sign_in_failures_username_at", "username", "at"),
        Index("ix_sign_in_failures_ip_at", "ip", "at"),
    )

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False)
    ip = Column(String(64), nullable=False)
    at = Column(UTCDateTime, nullable=False, default=utcnow)


class Correction(Base):
    """Staff say what a visitor message should have been understood as."""

    __tablename__ = "corrections"
    __table_args__ = (
        UniqueConstraint("message_id"),
        Index("ix_corrections_created_at", "created_at"),
    )

    id = Column(Integer, primary_key=True)
    message_id = Column(Integer, ForeignKey("messages.id", ondelete="CASCADE"), nullable=False)
    conversation_id = Column(String(32), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    # An intent or retrieval intent of the model ("faq/cost", "crisis"), or a new topic's name.
    intent = Column(String(120), nullable=False)
    new_topic = Column(Boolean, nullable=False, default=False)
    staff_username = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    message = relationship("Message")


class StaffNote(Base):
    """A private note in a conversation's timeline, for colleagues only.

    Kept out of `messages` on purpose: every channel, the visitor's history and
    the transcript API read messages, so a note cannot reach a visitor by any of them.
    """

    __tablename__ = "staff_notes"
    __table_args__ = (Index("ix_staff_notes_conversation_id_id", "conversation_id", "id"),)

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(32), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    staff_username = Column(String(64), nullable=False)
    staff_name = Column(String(120), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class CannedReply(Base):
    """What staff say twenty times a day, kept by admins; {phone} and the like are filled from program.yml."""

    __tablename__ = "canned_replies"
    __table_args__ = (UniqueConstraint("title"),)

    id = Column(Integer, primary_key=True)
    title = Column(String(80), nullable=False)
    text = Column(Text, nullable=False)
    updated_by = Column(String(64), nullable=False)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)


class ConversationRead(Base):
    """How far a staff member has read a conversation: the newest message id they were shown."""

    __tablename__ = "conversation_reads"
    __table_args__ = (
        UniqueConstraint("staff_username", "conversation_id", name="uq_conversation_reads_staff_conversation"),
    )

    id = Column(Integer, primary_key=True)
    staff_username = Column(String(64), nullable=False)
    conversation_id = Column(String(32), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    message_id = Column(Integer, nullable=False)
