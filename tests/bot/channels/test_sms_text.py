import pytest

from bot.channels import sms_text
from bot.channels.sms_text import (
    classify_keyword,
    encoding,
    gsm7_length,
    map_reply,
    render_buttons,
    segments,
    split_message,
)
from core import wording
from core.wording import Contact

FULL = Contact("Test IOP", "(555) 010-0100", "weekdays 9 to 5")
BARE = Contact("Test IOP")


@pytest.mark.parametrize(
    "body, expected",
    [
        ("STOP", "stop"),
        ("stop", "stop"),
        ("  Stop.  ", "stop"),
        ("STOP!", "stop"),
        ('"stop"', "stop"),
        ("stopall", "stop"),
        ("Unsubscribe", "stop"),
        ("cancel", "stop"),
        ("END", "stop"),
        ("quit", "stop"),
        ("OPTOUT", "stop"),
        ("revoke", "stop"),
        ("START", "start"),
        ("unstop", "start"),
        ("Yes", "start"),
        ("HELP", "help"),
        ("help?", "help"),
        ("info", "help"),
        ("stop drinking", None),
        ("I want to stop", None),
        ("please stop", None),
        ("STOP PLEASE", None),
        ("how do I quit", None),
        ("start over", None),
        ("yes please", None),
        ("help me", None),
        ("stopped", None),
        ("s t o p", None),
        ("", None),
        ("   ", None),
        ("?!", None),
    ],
)
def test_classify_keyword(body, expected):
    assert classify_keyword(body) == expected


def test_help_text_has_the_program_the_phone_and_988():
    text = wording.help_text(FULL)
    assert "Test IOP" in text and "(555) 010-0100 (weekdays 9 to 5)" in text
    assert "988" in text and "911" in text and "STOP" in text
    assert segments(text) <= 2


def test_help_text_without_a_phone_invents_none():
    text = wording.help_text(BARE)
    assert "Call us" not in text and "988" in text


@pytest.mark.parametrize("contact", [FULL, None])
def test_confirmations_say_how_to_undo_and_keep_the_crisis_lines(contact):
    stop = wording.stop_confirmation(contact)
    assert "START" in stop and "988" in stop
    assert "STOP" in wording.start_confirmation(contact)
    if contact:
        assert "Test IOP" in stop and "Test IOP" in wording.start_confirmation(contact)


def test_media_only_reply_asks_for_text_and_gives_the_crisis_lines():
    text = wording.media_only_reply()
    assert "text" in text and "988" in text and "911" in text


BUTTONS = [
    {"title": "Me", "payload": '/inform_who{"who":"self"}'},
    {"title": "Someone I care about", "payload": '/inform_who{"who":"other"}'},
]


@pytest.mark.parametrize(
    "text, buttons, expected",
    [
        ("Who is this for?", BUTTONS, "Who is this for?\nReply 1 for Me, 2 for Someone I care about"),
        ("", BUTTONS, "Reply 1 for Me, 2 for Someone I care about"),
        ("Ready?", [{"title": "Yes", "payload": "/affirm"}], "Ready?\nReply 1 for Yes"),
        ("Ready?", [], "Ready?"),
        ("Ready?  ", [{"title": "  Not   now ", "payload": "/deny"}], "Ready?\nReply 1 for Not now"),
        ("Pick", [{"payload": "/a"}, {"title": "B", "payload": "/b"}], "Pick\nReply 1 for /a, 2 for B"),
        (
            "Which times?",
            [{"title": "Yes, mornings", "payload": "mornings"}, {"title": "No", "payload": "no"}],
            "Which times?\nReply 1 for Yes, mornings; 2 for No",
        ),
    ],
)
def test_render_buttons(text, buttons, expected):
    assert render_buttons(text, buttons) == expected


@pytest.mark.parametrize(
    "body, options, expected",
    [
        ("1", BUTTONS, BUTTONS[0]["payload"]),
        (" 2 ", BUTTONS, BUTTONS[1]["payload"]),
        ("2.", BUTTONS, BUTTONS[1]["payload"]),
        ("#1", BUTTONS, BUTTONS[0]["payload"]),
        ("01", BUTTONS, BUTTONS[0]["payload"]),
        ("3", BUTTONS, None),  # not one of the options: an answer of its own
        ("0", BUTTONS, None),
        ("12", BUTTONS, None),
        ("1 or 2", BUTTONS, None),
        ("me", BUTTONS, BUTTONS[0]["payload"]),
        ("someone I care about", BUTTONS, BUTTONS[1]["payload"]),
        ("someone", BUTTONS, None),
        ("1", None, None),
        ("1", [], None),
        ("1", {"1": "/affirm", "2": "/deny"}, "/affirm"),
        ("2", {"1": "/affirm", "2": "/deny"}, "/deny"),
        ("3", {"1": "/affirm", "2": "/deny"}, None),
        ("yes", {"1": "/affirm"}, None),
    ],
)
def test_map_reply(body, options, expected):
    assert map_reply(body, options) == expected


def test_button_options_follow_the_order_offered():
    assert sms_text.button_options(BUTTONS) == {"1": BUTTONS[0]["payload"], "2": BUTTONS[1]["payload"]}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("hello", 5),
        ("{x}", 5),
        ("€", 2),
        ("café", 4),  # é is in GSM-7
        ("cómo", None),  # ó is not
        ("ok 👍", None),
    ],
)
def test_gsm7_length(text, expected):
    assert gsm7_length(text) == expected


@pytest.mark.parametrize(
    "text, expected_encoding, expected_segments",
    [
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("ó" * 70, "UCS-2", 1),
        ("ó" * 71, "UCS-2", 2),
        ("👍" * 35, "UCS-2", 1),  # two UTF-16 units each
        ("👍" * 36, "UCS-2", 2),
    ],
)
def test_encoding_and_segments(text, expected_encoding, expected_segments):
    assert encoding(text) == expected_encoding
    assert segments(text) == expected_segments


def test_smart_encoding_keeps_typographic_text_in_gsm7():
    text = "You\u2019re \u201cwelcome\u201d \u2014 call\u00a0us\u2026"
    assert sms_text.smart_encode(text) == 'You\'re "welcome" - call us...'


# -- splitting ---------------------------------------------------------------
def test_a_short_reply_is_one_text():
    assert split_message("Hi there. How can I help?") == ["Hi there. How can I help?"]


def test_empty_reply_is_no_text():
    assert split_message("   ") == []


@pytest.mark.parametrize(
    "text, limit, expected",
    [
        # paragraphs first, packed while they fit
        ("aaaa aaaa\n\nbbbb bbbb\n\ncccc", 20, ["aaaa aaaa\n\nbbbb bbbb", "cccc"]),
        ("aaaa aaaa\n\nbbbb bbbb\n\ncccc", 12, ["aaaa aaaa", "bbbb bbbb", "cccc"]),
        # then sentences inside a paragraph too long for one text
        ("One two. Three four. Five six.\n\nSeven.", 20, ["One two. Three four.", "Five six.\n\nSeven."]),
        ('He said "stop." Then he left.', 16, ['He said "stop."', "Then he left."]),
        ("First line\nSecond line", 12, ["First line", "Second line"]),
        # then words, never inside one
        ("alpha beta gamma delta", 11, ["alpha beta", "gamma delta"]),
        # a single word longer than a text is the only thing cut
        ("abcdefghij xy", 4, ["abcd", "efgh", "ij", "xy"]),
    ],
)
def test_split_message_boundaries(text, limit, expected):
    assert split_message(text, limit=limit) == expected


def _paragraphs(n, words):
    return "\n\n".join(" ".join(f"word{p}x{w}" for w in range(words)) + "." for p in range(n))


@pytest.mark.parametrize("text", [_paragraphs(5, 30), _paragraphs(1, 200), "Sentence number one is here. " * 40])
def test_split_message_keeps_every_word_in_order_within_the_gsm7_limit(text):
    parts = split_message(text)
    assert len(parts) > 1
    assert all(gsm7_length(p) <= sms_text.GSM7_LIMIT for p in parts)
    assert " ".join(parts).split() == text.split()


def test_split_message_counts_ucs2_units_when_the_text_needs_them():
    text = "¿Cómo estás? " * 40
    parts = split_message(text)
    assert all(encoding(p) == "UCS-2" or gsm7_length(p) is not None for p in parts)
    assert all(sms_text.ucs2_length(p) <= sms_text.UCS2_LIMIT for p in parts)
    assert " ".join(parts).split() == text.split()


def test_split_message_never_cuts_an_emoji_in_half():
    parts = split_message("👍" * 10, limit=5)
    assert parts == ["👍👍", "👍👍", "👍👍", "👍👍", "👍👍"]


def test_split_message_turns_smart_quotes_into_gsm7_so_texts_stay_long():
    text = ("That\u2019s a good question. " * 20).strip()
    parts = split_message(text)
    assert all(encoding(p) == "GSM-7" for p in parts)
    assert len(parts) == 2


def test_split_message_strips_characters_twiml_cannot_carry():
    assert split_message("hi\x00 there\x1b") == ["hi there"]


@pytest.mark.parametrize(
    "body, expected",
    [(None, ""), ("  hi  ", "hi"), ("a\x00b", "ab"), ("x" * 2000, "x" * 1600)],
)
def test_clean_inbound(body, expected):
    assert sms_text.clean_inbound(body) == expected
