import pytest

from actions.transcript import (
    consecutive_misses,
    faq_key,
    handoff_summary,
    intent_label,
    topics_asked,
)


def user(text, intent="greet", faq=None):
    parse = {"intent": {"name": intent}}
    if faq:
        parse["response_selector"] = {"faq": {"response": {"intent_response_key": f"faq/{faq}"}}}
    return {"event": "user", "text": text, "parse_data": parse}


def act(name):
    return {"event": "action", "name": name}


FB = act("action_fallback")
LISTEN = act("action_listen")


@pytest.mark.parametrize(
    "events, expected",
    [
        ([user("x", "nlu_fallback")], 1),
        ([user("a"), act("action_greet"), LISTEN, user("x", "nlu_fallback")], 1),
        ([user("x"), FB, LISTEN, user("y")], 2),
        ([user("x"), FB, act("utter_offer_person"), LISTEN, user("y")], 2),
        ([user("w"), FB, LISTEN, user("x"), FB, LISTEN, user("y")], 3),
        ([user("w"), FB, LISTEN, user("ok"), act("action_answer_faq"), LISTEN, user("y")], 1),
        # a new session starts the count again
        ([user("w"), FB, LISTEN, {"event": "session_started"}, LISTEN, user("y")], 1),
    ],
)
def test_consecutive_misses(events, expected):
    assert consecutive_misses(events) == expected


@pytest.mark.parametrize(
    "parse, expected",
    [
        ({"response_selector": {"faq": {"response": {"intent_response_key": "faq/cost"}}}}, "cost"),
        ({"response_selector": {"faq": {"response": {"intent_response_key": "chitchat/x"}}}}, None),
        ({"response_selector": {"faq": {"response": {"intent_response_key": None}}}}, None),
        ({}, None),
    ],
)
def test_faq_key(parse, expected):
    assert faq_key(parse) == expected


def test_intent_label_uses_the_sub_intent():
    assert intent_label(user("x", "faq", faq="cost")) == "faq/cost"
    assert intent_label(user("x", "greet")) == "greet"


def test_topics_in_order_first_asked_without_repeats():
    events = [
        user("a", "faq", faq="cost"),
        user("b", "greet"),
        user("c", "faq", faq="vs_php"),
        user("d", "faq", faq="cost"),
    ]
    assert topics_asked(events) == ["cost", "vs php"]


def test_handoff_summary_has_reason_topics_and_last_messages_but_no_button_payloads():
    events = [
        user("hw much", "faq", faq="cost"),
        user("/human_handoff", "human_handoff"),
        user("pls a person", "human_handoff"),
    ]
    assert handoff_summary("Visitor asked for a person.", events) == (
        'Visitor asked for a person.\nAsked about: cost.\nLast messages: "hw much" | "pls a person"'
    )


def test_handoff_summary_with_nothing_said():
    assert handoff_summary("Why", []) == "Why"
