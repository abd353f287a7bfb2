"""The crisis response comes first in every mode, and with Rasa stopped, against real processes."""

from __future__ import annotations

import uuid

CRISIS_LINES = ("911", "988", "741741")


def texts(replies):
    return [r["text"] for r in replies if r.get("text")]


def new_sender(kind: str) -> str:
    return f"e2e-{kind}-{uuid.uuid4().hex[:12]}"


def is_crisis_reply(text: str) -> bool:
    return all(line in text for line in CRISIS_LINES)


def handoffs_of(helpline, sender):
    conversation = helpline.api(f"/api/conversations/by-address/rest/{sender}")
    return conversation, helpline.api(f"/api/handoffs?conversation={conversation['id']}")


def test_a_question_gets_the_assistants_answer_through_rest(helpline):
    sender = new_sender("faq")
    replies = helpline.say(sender, "what is an intensive outpatient program")
    answer = " ".join(texts(replies))
    assert "outpatient" in answer.lower()
    conversation, handoffs = handoffs_of(helpline, sender)
    assert conversation["mode"] == "bot" and handoffs == []
    assert [m["author"] for m in conversation["messages"]][:2] == ["visitor", "bot"]


def test_crisis_first_in_bot_mode(helpline):
    sender = new_sender("bot-mode")
    helpline.say(sender, "hi")
    replies = helpline.say(sender, "i want to kill myself")
    assert is_crisis_reply(texts(replies)[0])
    conversation, [handoff] = handoffs_of(helpline, sender)
    assert handoff["priority"] == "crisis" and handoff["status"] == "open"
    assert conversation["mode"] == "waiting"


def test_crisis_first_while_waiting_for_a_person(helpline):
    sender = new_sender("waiting")
    helpline.say(sender, "can i talk to a real person please")
    conversation, [handoff] = handoffs_of(helpline, sender)
    assert conversation["mode"] == "waiting" and handoff["priority"] == "normal"
    replies = helpline.say(sender, "i took all my pills an hour ago")
    assert is_crisis_reply(texts(replies)[0])
    _, [raised] = handoffs_of(helpline, sender)
    assert raised["id"] == handoff["id"] and raised["priority"] == "crisis"


def test_crisis_first_with_rasa_stopped(helpline_without_rasa):
    sender = new_sender("no-rasa")
    replies = helpline_without_rasa.say(sender, "i dont want to be alive anymore")
    assert is_crisis_reply(texts(replies)[0])
    _, [handoff] = handoffs_of(helpline_without_rasa, sender)
    assert handoff["priority"] == "crisis"


def test_with_rasa_stopped_a_question_gets_the_phone_and_a_person(helpline_without_rasa):
    sender = new_sender("no-rasa-faq")
    [reply] = texts(helpline_without_rasa.say(sender, "how much does iop cost"))
    assert "(555) 010-0147" in reply and "911" in reply and "988" in reply
    conversation, [handoff] = handoffs_of(helpline_without_rasa, sender)
    assert (handoff["reason"], handoff["priority"]) == ("assistant unavailable", "urgent")
    assert conversation["messages"][0]["text"] == "how much does iop cost"  # the message is kept


def test_health_reports_rasa_down_on_the_second_gateway(helpline, helpline_without_rasa):
    import requests

    assert requests.get(f"{helpline.url}/healthz", timeout=10).json() == {
        "gateway": "ok",
        "database": "ok",
        "rasa": "ok",
        "action_server": "ok",
        "crisis_escalation": "ok",
        "journal": {"waiting": 0, "crises": 0},
    }
    assert requests.get(f"{helpline_without_rasa.url}/healthz", timeout=10).json()["rasa"] == "down"
