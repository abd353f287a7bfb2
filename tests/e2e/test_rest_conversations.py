"""Whole conversations over REST against the real Rasa, action server and gateway."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.e2e


def texts(replies):
    return [r["text"] for r in replies if r.get("text")]


def new_sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}"


def test_greeting_says_automated_and_not_for_emergencies(helpline):
    replies = helpline.say(new_sender(), "hi")
    first = texts(replies)[0]
    assert "automated assistant" in first
    assert "911" in first and "988" in first
    assert "Cedar Bend Recovery" in first


def test_cost_answer_carries_the_program_profile(helpline):
    replies = helpline.say(new_sender(), "how much does iop cost")
    answer = " ".join(texts(replies))
    assert "$250" in answer  # from program.yml
    assert "sliding scale" in answer


def test_every_reply_has_the_rest_shape(helpline):
    sender = new_sender()
    for reply in helpline.say(sender, "hello"):
        assert reply["recipient_id"] == sender
        assert set(reply) <= {"recipient_id", "text", "buttons", "custom", "staff_name"}


def test_asking_for_a_person_opens_a_handoff_visible_through_the_api(helpline):
    sender = new_sender()
    helpline.say(sender, "how long does the program last")
    replies = helpline.say(sender, "can i talk to a real person please")
    joined = " ".join(texts(replies))
    assert "team" in joined
    assert not any("handoff" in (r.get("custom") or {}) for r in replies), "control payloads stay internal"
    conversation = helpline.api(f"/api/conversations/by-address/rest/{sender}")
    handoffs = helpline.api(f"/api/handoffs?conversation={conversation['id']}")
    assert [h["priority"] for h in handoffs] == ["normal"]
    assert "Visitor asked for a person." in handoffs[0]["summary"]
    assert conversation["mode"] == "waiting"
    # While waiting, the visitor is never left in silence.
    assert texts(helpline.say(sender, "hello?"))


def test_crisis_is_the_first_reply_and_escalates(helpline):
    sender = new_sender()
    replies = helpline.say(sender, "i dont want to wake up tomorrow")
    first = texts(replies)[0]
    assert "911" in first and "988" in first and "741741" in first
    conversation = helpline.api(f"/api/conversations/by-address/rest/{sender}")
    [handoff] = helpline.api(f"/api/handoffs?conversation={conversation['id']}")
    assert handoff["priority"] == "crisis"


def test_two_misunderstandings_in_a_row_offer_a_person(helpline):
    sender = new_sender()
    first = helpline.say(sender, "zxqv plorb wug")
    second = helpline.say(sender, "blorf snark quux")
    # Gibberish may read as "not understood" or as "out of scope": either way
    # the first reply shows what the assistant can do, with a way to a person.
    assert any("another way" in t or "outside what I can help with" in t for t in texts(first)), first
    assert "Talk to a person" in [b["title"] for r in first for b in r.get("buttons") or []]
    assert any("someone from our team" in t for t in texts(second)), second
    titles = [b["title"] for r in second for b in r.get("buttons") or []]
    assert "Yes, connect me" in titles
