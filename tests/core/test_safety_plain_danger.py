"""Danger said without the trigger words: the means ready, a dangerous place, "not safe", a farewell."""

import pytest

from core.safety import assess


@pytest.mark.parametrize(
    "text",
    [
        "the pills are all counted out on the table in front of me",
        "i have the gun in my lap",
        "rope is next to me",
        "i'm standing on the edge of the roof",
        "sitting on the train tracks",
        "im not safe right now",
        "i cant keep myself safe tonight",
        "I don't feel safe with myself tonight",
        "not safe around myself",
        "tell my kids i love them. goodbye",
        "tell my family im sorry",
    ],
)
def test_caught(text):
    assert assess(text).is_crisis


@pytest.mark.parametrize(
    "text",
    [
        "my meds are lined up on the counter, do i take them with food?",
        "i'm not safe to drive after group, is there a bus",
        "is it safe to take suboxone with my antidepressant",
        "we used to sit on the tracks as kids",
        "can you tell my mom what time it starts",
        "how do you keep people safe during detox",
    ],
)
def test_not_an_alarm(text):
    assert not assess(text).is_crisis


@pytest.mark.parametrize(
    "text",
    [
        "do you take aetna. also i have the pills ready tonight",
        "standing on the bridge right now",
        "up on the ledge of the parking garage",
    ],
)
def test_caught_after_something_else(text):
    assert assess(text).is_crisis


def test_a_commuter_on_a_bridge_is_not_an_alarm():
    assert not assess("i am on the bridge now, traffic is awful").is_crisis


def test_letters_written_and_it_is_time():
    assert assess("i wrote my letters, its time").is_crisis
    assert not assess("i wrote my letters to the judge like my lawyer said").is_crisis


@pytest.mark.parametrize(
    "text",
    [
        # a height or the tracks, said without "i am ... and i will jump"
        "on the railroad tracks right now",
        "at the very edge of the building roof",
        "i am on the ledge",
        # farewell letters, the means made ready, not living long
        "left goodbye notes for my kids",
        "finished my suicide letter",
        "i have the rope ready",
        "got my pills all laid out",
        "i wont survive much longer",
        "after tonight i wont be a burden",
        # a medical emergency now: confusion, withdrawal hallucinations
        "so dizzy and i dont know where i am",
        "quit drinking on monday and now im hearing voices that arent real",
    ],
)
def test_caught_in_plain_words(text):
    assert assess(text).is_crisis


@pytest.mark.parametrize(
    "text",
    [
        # grief and the past
        "mourning my nephew who overdosed",
        "i miss my dad who took his own life",
        "my aunt killed herself last summer",
        # hyperbole about a boss
        "my manager is going to kill me for being late",
        # how the program handles it
        "how do your therapists deal with suicidal thoughts",
        "what do you do if a client mentions suicide in group",
        "what should i do if i have urges of self harm during the program",
        # places and letters that are ordinary
        "i'm at the bridge street clinic, which door",
        "i am on the bridge now, traffic is bad, be there soon",
        "i left notes for my family about the dog's meds",
        "standing on the roof fixing shingles",
    ],
)
def test_not_an_alarm_in_plain_words(text):
    assert not assess(text).is_crisis
