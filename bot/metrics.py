"""Prometheus metrics, in a registry of the app's own (nothing global at import)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.messages = Counter(
            "helpline_inbound_messages", "Visitor messages received", ["channel"], registry=self.registry
        )
        self.crises = Counter(
            "helpline_crisis_detections",
            "Messages the safety net answered with crisis lines",
            ["channel"],
            registry=self.registry,
        )
        self.handoffs = Counter(
            "helpline_handoffs_requested", "Requests for a person", ["priority"], registry=self.registry
        )
        self.assistant_failures = Counter(
            "helpline_assistant_failures", "Turns Rasa or the action server could not answer", registry=self.registry
        )
        self.journalled = Counter(
            "helpline_journalled_turns",
            "Turns kept in the local journal because the store could not take them in time",
            ["kind"],
            registry=self.registry,
        )
        self.reply_seconds = Histogram(
            "helpline_reply_seconds",
            "Time from a visitor message to the replies",
            ["channel"],
            registry=self.registry,
        )

    def inbound(self, channel: str) -> None:
        self.messages.labels(channel=channel).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
