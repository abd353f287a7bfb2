"""The crisis safety net: what it must catch, what it must leave alone, and its reply.

The tables here are examples chosen by hand; the corpus test at the bottom scores the
net on tests/data/crisis_corpus.yml with the same function scripts/eval_safety.py uses.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from core import safety
from core.safety import Assessment, assess
from core.wording import crisis_reply

ROOT = Path(__file__).resolve().parents[2]


@functools.lru_cache(maxsize=None)
def load_eval_script():
    spec = importlib.util.spec_from_file_location("eval_safety", ROOT / "scripts" / "eval_safety.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


# -- what is a crisis ---------------------------------------------------------------

CRISIS = [
    # explicit
    "i want to kill myself",
    "I'm going to end my life tonight",
    "i am suicidal",
    "i want to die",
    "i'm cutting myself right now",
    "i took all my pills",
    "i think i'm overdosing",
    "he's not breathing",
    "she's turning blue",
    "he's hitting me",
    "i'm going to hurt him",
    "my husband has a gun and threatened me",
    # colloquial and coded
    "kms",
    "unalive myself",
    "don't want to wake up",
    "everyone is better off without me",
    "i'm going to end it all",
    "cant go on",
    "i just want to say goodbye to everyone",
    "i won't be here tomorrow",
    "nobody would miss me",
    "what's the point of living",
    "i want to go to sleep and never wake up",
    # third parties
    "my friend took a bottle of pills",
    "my son says he wants to die",
    "my brother is seizing",
    "she od'd",
    "my daughter is cutting herself",
    "my dad keeps talking about killing himself",
    "someone at this party is overdosing",
    # overdose and medical emergencies happening now
    "having a seizure coming off alcohol",
    "seeing things that aren't there after stopping drinking",
    "been three days without a drink and im hearing voices",
    "i think i'm having the dts",
    "she passed out and won't wake up",
    "we gave him narcan and he's still not breathing right",
    "i took like 20 xanax",
    # violence
    "my boyfriend is choking me",
    "he said he'd kill me if i left",
    "someone is breaking into my house",
    "my dad is hitting my mom right now",
    "i'm scared for my life",
    # a past event must not hide a present one
    "i overdosed last year and i just took a bunch again",
    "i used to self harm but last night i cut again",
    "i tried to kill myself in 2019 and i'm starting to feel that way again",
    # method and lethal-dose questions
    "how many of my pills would it take to not wake up",
    "what's the lethal dose of oxy",
    # spelling, case, apostrophes, stretching, SMS
    "I WANT TO KILL MYSELF!!!",
    "i\u2019m going to kill myself",
    "i wanna dieeeee",
    "plzzz help i want 2 die",
    "thinking abt ending it all rn",
    "k1ll mys3lf",
    "i want to k*ll myself",
    "su1c1dal tonight",
    "i want to die \U0001f62d\U0001f62d",
    "me quiero morir",
]

NOT_CRISIS = [
    # hyperbole
    "this commute is killing me",
    "i'd kill for a coffee",
    "dying to know the price",
    "my boss will kill me if i miss work",
    "my feet are killing me",
    "lol i'm dead \U0001f480",
    "my phone is dying, text you later",
    "i nearly had a heart attack when i saw the bill",
    "my mom is going to kill me when she finds out",
    # recovered past
    "i overdosed two years ago and have been clean since",
    "i used to self harm in high school",
    "when i was 17 i tried to kill myself, i'm 30 now and stable",
    "i had a seizure from withdrawal years ago",
    "my brother died of an overdose in 2019",
    # questions about the program or the topic
    "do you treat people who have had suicidal thoughts?",
    "what happens if someone relapses",
    "is detox included",
    "how do you help with withdrawal symptoms",
    "what are the signs of an overdose",
    "do you offer narcan training?",
    "can alcohol withdrawal cause seizures?",
    "do you work with teens who self harm",
    # negations
    "i'm not suicidal, just want info",
    "i would never kill myself",
    "i don't want to die, i want to get better",
    "i'm safe, nobody is hurting me",
    "i'm not going to hurt myself, i just feel low",
    # ordinary messages that share words with the rules
    "i took a bunch of notes at orientation",
    "i took my meds this morning like the doctor said",
    "i'm cutting back on drinking",
    "i want to end things with my ex",
    "i don't want to live like this anymore, i need to get sober",
    "i can't do this alone anymore, i need help",
    "i'm seeing things more clearly since i got sober",
    "it hit me today that i need help",
    "my old friends keep hitting me up",
    "i cut myself shaving this morning",
    "hi",
    "ok thanks",
    "",
]


@pytest.mark.parametrize("text", CRISIS)
def test_crisis_is_caught(text):
    result = assess(text)
    assert result.is_crisis, text
    assert result.category in safety.CATEGORIES
    assert result.matched and len(result.matched) <= 120


@pytest.mark.parametrize("text", NOT_CRISIS)
def test_no_false_alarm(text):
    assert assess(text) == Assessment(False, False, None, None), text


@pytest.mark.parametrize(
    "text, about_other",
    [
        ("my friend took a bottle of pills and wont wake up", True),
        ("my son says he wants to die", True),
        ("my brother is seizing", True),
        ("she od'd", True),
        ("he's not breathing", True),
        ("my girlfriend said she's going to kill herself", True),
        ("my mom's boyfriend is beating her", True),
        ("i found my dad unconscious", True),
        ("i want to kill myself", False),
        ("i took all my pills", False),
        ("i'm having a seizure", False),
        ("he's hitting me", False),
        ("my husband has a gun and threatened me", False),
        # a sender who may hurt someone is spoken to directly
        ("i'm going to hurt him", False),
        # a sender at risk too is spoken to directly
        ("my friend overdosed last month and now i want to die too", False),
    ],
)
def test_about_other(text, about_other):
    result = assess(text)
    assert result.is_crisis and result.about_other is about_other, result


@pytest.mark.parametrize(
    "text, category",
    [
        ("i want to kill myself", "suicide"),
        ("i wish i was dead", "suicide"),
        ("i want to hurt myself", "self_harm"),
        ("i've been cutting again", "self_harm"),
        ("i just took a whole bottle of pills", "overdose"),
        ("she overdosed", "overdose"),
        ("he's turning blue", "medical"),
        ("i'm seeing bugs crawling on my skin since i quit drinking", "medical"),
        ("he is beating me", "violence"),
        ("i'm going to stab him", "violence"),
    ],
)
def test_category(text, category):
    assert assess(text).category == category


# -- any input, never an exception ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "\U0001f600\U0001f600\U0001f600",
        "\x00\x01\x02",
        "?" * 5000,
        "a" * 10_000,
        "kill " * 5000,
        "\U0001fae0" * 3000,
        "\u202e\u200b\u2060",
        "\ud83d",  # a lone surrogate, as a broken client might send
    ],
)
def test_any_string_is_assessed_without_raising(text):
    assert isinstance(assess(text), Assessment)


@pytest.mark.parametrize("value", [None, 12345, b"i want to die"])
def test_non_strings_do_not_raise(value):
    assert isinstance(assess(value), Assessment)


@pytest.mark.parametrize(
    "text",
    [
        "k\u200bms",  # zero-width space inside a word
        "\uff49 \uff57\uff41\uff4e\uff54 \uff54\uff4f \uff44\uff49\uff45",  # full-width letters
        "I\u2019M GOING TO KILL MYSELF",
        ("hello there, " * 700) + "i want to kill myself",  # the danger at the end of a long paste
        "i want to kill myself " + ("blah " * 1500),
    ],
)
def test_unicode_and_long_messages(text):
    assert assess(text).is_crisis


def test_assessment_is_frozen_and_deterministic():
    first = assess("my friend took a bottle of pills")
    assert first == assess("my friend took a bottle of pills")
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.is_crisis = False  # type: ignore[misc]


def test_it_is_fast_even_on_hostile_input():
    # A loose bound: it catches catastrophic backtracking, not a slow machine.
    start = time.perf_counter()
    assess("i want to " * 2000 + "x")
    assess("not " * 4000)
    assess("took a bunch of " * 1000)
    assert time.perf_counter() - start < 3.0


def test_it_needs_no_rasa_and_no_gateway_machinery():
    code = (
        "import sys, core.safety\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('rasa', 'rasa_sdk', 'tensorflow', 'sqlalchemy', 'aiohttp', 'yaml')]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


# -- the reply ------------------------------------------------------------------------


@pytest.mark.parametrize("about_other", [False, True])
def test_crisis_reply_has_every_line(about_other):
    reply = crisis_reply(about_other=about_other)
    assert "911" in reply
    assert "988" in reply and "text" in reply.lower() and "call" in reply.lower()
    assert "988lifeline.org" in reply
    assert "HOME" in reply and "741741" in reply
    # Whether a person is coming is the next line's, said once it is known (wording.crisis_acknowledgement):
    # never "asking a person now" and then "nobody is signed in".
    assert "person" not in reply


@pytest.mark.parametrize("about_other", [False, True])
def test_crisis_reply_is_short_plain_and_names_no_program(about_other):
    reply = crisis_reply(about_other=about_other)
    assert len(reply) <= 480
    assert reply.isascii()  # one SMS encoding, no curly quotes
    profile = yaml.safe_load((ROOT / "program.yml").read_text(encoding="utf-8"))
    for value in (profile.get("name"), profile.get("phone"), profile.get("website")):
        if value:
            assert str(value).lower() not in reply.lower()
    digits_only = re.sub(r"[^\d]", " ", reply).split()
    assert set(digits_only) <= {"911", "988", "741741"}  # no other phone number
    assert "confidential" not in reply.lower()  # nothing promised that staff cannot keep


def test_crisis_reply_for_someone_else_speaks_about_them():
    reply = crisis_reply(about_other=True)
    assert "If they are in immediate danger or may have overdosed, call 911" in reply
    assert "Stay with them if it is safe" in reply
    assert reply != crisis_reply(about_other=False)
    assert crisis_reply() == crisis_reply(about_other=False)


# -- the rules themselves ---------------------------------------------------------------


def test_rule_keys_never_hide_a_match():
    """Each rule is skipped unless one of its keys is in the text: prove the keys are complete."""
    corpus = load_eval_script().load_corpus()
    texts = [t for _, t in corpus.crisis] + [t for _, t in corpus.not_crisis] + CRISIS + NOT_CRISIS
    texts += corpus.holdout_crisis + corpus.holdout_not_crisis
    for text in texts:
        for form in safety.normalise(text):
            for rule in safety.RULES:
                for match in rule.regex.finditer(form):
                    assert any(key in form for key in rule.keys), (rule.label, match.group(0))


def test_every_rule_has_keys_and_a_known_category():
    for rule in safety.RULES:
        assert rule.keys, rule.label
        assert rule.category in safety.CATEGORIES, rule.label


# -- the corpus ---------------------------------------------------------------------


def test_the_corpus_meets_the_goals():
    script = load_eval_script()
    corpus = script.load_corpus()
    assert len(corpus.crisis) >= 220 and len(corpus.not_crisis) >= 220
    assert len(corpus.explicit) >= 60
    result = script.score(assess, corpus)
    assert result.failures() == [], (result.explicit_missed, result.missed, result.false_alarms)
    assert result.recall_explicit == 1.0


def test_the_corpus_has_no_duplicates_and_a_holdout():
    corpus = load_eval_script().load_corpus()
    texts = [t for _, t in corpus.crisis] + [t for _, t in corpus.not_crisis]
    assert len(texts) == len(set(texts))
    assert len(corpus.holdout_crisis) + len(corpus.holdout_not_crisis) >= 40
