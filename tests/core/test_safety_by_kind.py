"""Danger said without trigger words, by kind: one or two wordings per rule, written for these tests
(the held-out sets in tests/data/crisis_kinds*.yml are scored by scripts/eval_safety.py, not here)."""

import pytest

from core.safety import assess

CRISIS = {
    "means or place": [
        "holding my dads pistol, its in my lap right now",
        "the cord is already tied in the garage",
        "i bought enough so that i dont wake up",
        "gonna take the whole bottle at once tonight",
        "parked on the bridge and i keep looking down at the water",
    ],
    "farewell": [
        "gave my cat to my aunt, she will take better care of her when im gone",
        "he keeps giving his things away",
        "wrote letters to my family, theyre on the counter",
        "please dont blame yourselves",
        "can you make sure someone feeds my dog",
    ],
    "not safe": [
        "i dont trust myself tonight",
        "not sure ill make it through the night",
        "scared of what i might do if i stay alone",
        "i keep thinking about not being here",
        "my mom says she isnt safe alone tonight",
    ],
    "someone else in danger now": [
        "my friend sent me a photo of a bottle of pills",
        "my daughter is on the roof and wont come down",
        "my uncle drove off with his rifle",
        "she said she is going to jump",
        "he is in the bathroom and wont answer, i think he used",
    ],
    "medical emergency now": [
        "hes barely breathing",
        "her lips are blue and cold",
        "my heart is pounding so hard after the coke",
        "he keeps passing out",
        "seeing bugs everywhere, stopped drinking 3 days ago",
        "the toddler ate some of my pills",
    ],
    "danger from or to another": [
        "someone is breaking in through the kitchen",
        "my stepdad is waving a knife around",
        "hiding in the basement, hes looking for us",
        "i grabbed a bat and im waiting for him",
        "afraid im going to put my hands on her",
    ],
}

SAFE = [
    "i dont trust myself around alcohol yet, that is why i want iop",
    "where do i park, im by the bridge on main street",
    "my dad is on the roof fixing the gutters",
    "we gave away the old couch to a neighbor",
    "my heart races when i have too much coffee",
    "i used to see things when i stopped drinking, years ago",
    "i am not sure i will make it to the 9am group, can i come at noon",
    "we are going to jump into the program next week",
    "can you make sure someone calls me back",
]


@pytest.mark.parametrize("kind, text", [(k, t) for k, texts in CRISIS.items() for t in texts])
def test_caught(kind, text):
    assert assess(text).is_crisis, kind


@pytest.mark.parametrize("text", SAFE)
def test_left_alone(text):
    verdict = assess(text)
    assert not verdict.is_crisis, verdict.matched
