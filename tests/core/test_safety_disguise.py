"""The crisis safety net reads through disguise, and its shortcuts never change what it reads.

Property-based (hypothesis): every explicit crisis statement in tests/data/crisis_corpus.yml,
disguised by each transform below and by two of them at random, is still a crisis; every message
the corpus says is not a crisis, disguised the same ways, still is not. The transforms are plain
functions of (text, random generator), listed in TRANSFORMS.

Then the judge's shortcuts (core/safety/judge.py): the word prefilter read from each rule's
pattern and the windows around the words a match must hold. They are checked against the plain
reading (every rule's regex over the whole form) on the corpus, on long pastes, and on strings
generated from the rules' own patterns.
"""

from __future__ import annotations

import itertools
import random
import re
import sre_constants
import sre_parse
import sys
from pathlib import Path
from typing import Callable, Dict, List

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import limits, safety
from core.safety import assess, normalise

judge = sys.modules["core.safety.judge"]

ROOT = Path(__file__).resolve().parents[2]
CORPUS = yaml.safe_load((ROOT / "tests" / "data" / "crisis_corpus.yml").read_text(encoding="utf-8"))
EXPLICIT: List[str] = [t for texts in CORPUS["crisis"]["explicit"].values() for t in texts]
NOT_CRISIS: List[str] = [t for texts in CORPUS["not_crisis"].values() for t in texts]
EVERY_TEXT: List[str] = (
    [t for kind in CORPUS["crisis"].values() for texts in kind.values() for t in texts]
    + NOT_CRISIS
    + CORPUS["holdout"]["crisis"]
    + CORPUS["holdout"]["not_crisis"]
)

# hypothesis: modest, repeatable, and writing no example database into the repository
PROPERTY = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# -- the disguises ------------------------------------------------------------------------

Transform = Callable[[str, random.Random], str]

CYRILLIC = dict(
    zip("acdehijkmopstxy", "\u0430\u0441\u0501\u0435\u04bb\u0456\u0458\u043a\u043c\u043e\u0440\u0455\u0442\u0445\u0443")
)
GREEK = dict(zip("aikoptuv", "\u03b1\u03b9\u03ba\u03bf\u03c1\u03c4\u03c5\u03bd"))
ACCENTED = {"a": "áàâäã", "e": "éèêë", "i": "íìîï", "o": "óòôöõ", "u": "úùûü", "n": "ñ", "c": "ç", "y": "ýÿ"}
LEET = {"a": "4@", "e": "3", "i": "1!", "o": "0", "s": "5$", "t": "7", "l": "1|", "g": "9", "b": "8"}
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
DIRECTION_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
SPELLABLE = re.compile(r"([A-Za-z0-9@$!|]+)([.,?!]?)")  # a word that can be spelled out, and its stop


def _each_letter(text: str, rng: random.Random, change: Callable[[str, random.Random], str], rate: float) -> str:
    """`change` applied to a share `rate` of the ASCII letters."""
    return "".join(change(c, rng) if c.isascii() and c.isalpha() and rng.random() < rate else c for c in text)


def _one_word(text: str, rng: random.Random, change: Callable[[str], str]) -> str:
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 3]
    if long_words:
        i = rng.choice(long_words)
        words[i] = change(words[i])
    return " ".join(words)


def fullwidth(text: str, rng: random.Random) -> str:  # compatibility forms NFKC folds
    return _each_letter(text, rng, lambda c, r: chr(ord(c) + 0xFEE0), 0.7)


def math_bold(text: str, rng: random.Random) -> str:  # 𝐤𝐢𝐥𝐥: compatibility forms too
    return _each_letter(text, rng, lambda c, r: chr((0x1D41A if c.islower() else 0x1D400) + ord(c.lower()) - 97), 0.7)


def zero_width(text: str, rng: random.Random) -> str:
    return _each_letter(text, rng, lambda c, r: c + r.choice(ZERO_WIDTH), 0.4)


def soft_hyphens(text: str, rng: random.Random) -> str:
    return _each_letter(text, rng, lambda c, r: c + "\u00ad", 0.3)


def direction_marks(text: str, rng: random.Random) -> str:
    return _each_letter(text, rng, lambda c, r: c + r.choice(DIRECTION_MARKS), 0.3)


def variation_selectors(text: str, rng: random.Random) -> str:
    return _each_letter(text, rng, lambda c, r: c + r.choice("\ufe0e\ufe0f"), 0.4)


def combining_noise(text: str, rng: random.Random) -> str:  # "z̷a̴l̶g̵o̸"
    return _each_letter(
        text, rng, lambda c, r: c + "".join(chr(r.randrange(0x300, 0x370)) for _ in range(r.randint(1, 3))), 0.6
    )


def accents(text: str, rng: random.Random) -> str:
    return _each_letter(text, rng, lambda c, r: r.choice(ACCENTED[c.lower()]) if c.lower() in ACCENTED else c, 0.8)


def look_alikes(text: str, rng: random.Random) -> str:  # Cyrillic and Greek letters that look Latin
    return _each_letter(text, rng, lambda c, r: r.choice([CYRILLIC, GREEK]).get(c.lower(), c), 0.7)


def mixed_case(text: str, rng: random.Random) -> str:
    return _each_letter(text, rng, lambda c, r: c.upper() if r.random() < 0.5 else c.lower(), 1.0)


def spaced_out(text: str, rng: random.Random) -> str:  # "k i l l  m y s e l f"
    def spell(word: str) -> str:
        m = SPELLABLE.fullmatch(word)
        return " ".join(m.group(1)) + m.group(2) if m else word

    return "  ".join(spell(w) for w in text.split(" "))


def spaced_word(text: str, rng: random.Random) -> str:  # "i want to d i e"
    return _one_word(text, rng, " ".join)


def dotted(text: str, rng: random.Random) -> str:  # "s.u.i.c.i.d.e"
    return _one_word(text, rng, ".".join)


def dashed(text: str, rng: random.Random) -> str:  # "k-i-l-l"
    return _one_word(text, rng, "-".join)


def line_break(text: str, rng: random.Random) -> str:  # "i want to kill\nmyself"
    spaces = [i for i, c in enumerate(text) if c == " "]
    if not spaces:
        return text
    i = rng.choice(spaces)
    return text[:i] + "\n" + text[i + 1 :]


def leetspeak(text: str, rng: random.Random) -> str:  # "su1c1d3", "k!ll", "5uicide"
    def word(m: "re.Match[str]") -> str:
        w = m.group(0)
        if len(w) < 3:
            return w  # "i", "a", "my": a digit alone reads as a number
        return w[0] + "".join(
            rng.choice(LEET[c.lower()]) if c.lower() in LEET and rng.random() < 0.6 else c for c in w[1:]
        )

    return re.sub(r"[A-Za-z]+", word, text)


TRANSFORMS: Dict[str, Transform] = {
    f.__name__: f
    for f in (
        fullwidth,
        math_bold,
        zero_width,
        soft_hyphens,
        direction_marks,
        variation_selectors,
        combining_noise,
        accents,
        look_alikes,
        mixed_case,
        spaced_out,
        spaced_word,
        dotted,
        dashed,
        line_break,
        leetspeak,
    )
}
# A line break is read as the end of a sentence, as it always was, and in addition (new) as a
# space. A message that is safe read as one line can read as a crisis split in two ("my
# landlord is going to kill me\nwhen he sees the carpet": "kill me." is no longer the idiom).
# That is the net's choice of a false alarm over a miss; these flips are not made by the
# joined reading, which test_a_line_break_only_adds_the_joined_reading checks.
FLIPS_SAFE_MESSAGES = {"line_break"}
SAFE_TRANSFORMS = [name for name in TRANSFORMS if name not in FLIPS_SAFE_MESSAGES]


def disguise(text: str, names: List[str], seed: int) -> str:
    rng = random.Random(seed)
    for name in names:
        text = TRANSFORMS[name](text, rng)
    return text


# -- properties ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_every_explicit_crisis_survives_each_disguise(name):
    missed = [
        (text, disguised)
        for text in EXPLICIT
        for seed in (0, 1)
        if not assess(disguised := disguise(text, [name], seed)).is_crisis
    ]
    assert not missed, missed[:5]


@pytest.mark.parametrize("name", SAFE_TRANSFORMS)
def test_no_safe_message_becomes_a_crisis_in_disguise(name):
    flipped = [
        (text, disguised, assess(disguised).matched)
        for text in NOT_CRISIS
        for seed in (0, 1)
        if assess(disguised := disguise(text, [name], seed)).is_crisis
    ]
    assert not flipped, flipped[:5]


@PROPERTY
@given(
    text=st.sampled_from(EXPLICIT),
    names=st.lists(st.sampled_from(list(TRANSFORMS)), min_size=1, max_size=2),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_crisis_survives_any_one_or_two_disguises(text, names, seed):
    disguised = disguise(text, names, seed)
    assert assess(disguised).is_crisis, (names, disguised, normalise(disguised))


@PROPERTY
@given(
    text=st.sampled_from(NOT_CRISIS),
    names=st.lists(st.sampled_from(SAFE_TRANSFORMS), min_size=1, max_size=2),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_safe_message_stays_safe_under_any_one_or_two_disguises(text, names, seed):
    disguised = disguise(text, names, seed)
    verdict = assess(disguised)
    assert not verdict.is_crisis, (names, disguised, normalise(disguised), verdict.matched)


@PROPERTY
@given(text=st.sampled_from(NOT_CRISIS), seed=st.integers(0, 2**32 - 1))
def test_a_line_break_only_adds_the_joined_reading(text, seed):
    """Split in two lines, a safe message reads as a crisis only if it did before this reading
    was added, when a line break was always the end of a sentence."""
    broken = line_break(text, random.Random(seed))
    as_sentences = broken.replace("\n", ". ")
    assert assess(broken).is_crisis == assess(as_sentences).is_crisis


# -- what each disguise is undone to ----------------------------------------------------------


@pytest.mark.parametrize(
    "text, form",
    [
        ("\uff4b\uff49\uff4c\uff4c \U0001d426\U0001d432\U0001d42c\U0001d41e\U0001d425\U0001d41f", " kill myself "),
        ("k\u200bi\u200cl\u200dl m\u2060y\ufeffs\u00adelf", " kill myself "),
        ("\u202ekill\u202c my\u200eself\u200f", " kill myself "),
        ("ki\ufe0fll my\ufe0eself", " kill myself "),
        ("k\u0337i\u0336l\u0334l m\u0301y\u0308self", " kill myself "),
        ("k\u00edll m\u00fds\u00e9lf", " kill myself "),
        ("k\u0456ll m\u0443s\u0435lf", " kill myself "),  # Cyrillic і у е
        ("\u041a\u0406LL MYS\u0415LF", " kill myself "),  # Cyrillic К І Е, capitals
        ("\u03baill my\u03c3elf", " kill myoelf "),  # a sigma looks like an o (the table says), not an s
        ("k i l l  m y s e l f", " kill myself "),
        ("k i l l m y s e l f", " kill myself "),
        ("s.u.i.c.i.d.e", " suicide "),
        ("k-i-l-l myself", " kill myself "),
        ("su1c1d3", " suicide "),
        ("5uicide", " suicide "),
        ("k!ll myself", " kill myself "),
        ("ki11 my$elf", " kill myself "),
        ("i w4nt 7o d13", " i want to die "),
    ],
)
def test_disguise_is_undone(text, form):
    assert form in normalise(text)


@pytest.mark.parametrize(
    "text, form",
    [
        # single letters that are words are not spelled-out words
        ("u r a star", " you are a star "),
        ("i m ok", " i m ok "),
        ("plan a b or c", " plan a b or c "),
        # numbers with units, ordinals and SMS spellings stay what they are
        ("i took 20mg at 3pm on the 3rd", " i took 20mg at 3pm on the 3rd "),
        ("b4 2nite", " before tonight "),
        ("help me!", " help me . "),
        ("a.m. or p.m., e.g. at 9", " a . m . or p . m . , e . g . at 9 "),
        # ordinary accented and non-Latin text
        ("caf\u00e9 ma\u00f1ana", " cafe manana "),
    ],
)
def test_ordinary_text_is_not_folded_into_something_else(text, form):
    assert normalise(text)[0] == form


def test_a_line_break_in_the_middle_of_a_sentence_is_also_read_as_a_space():
    assert normalise("i want to kill\nmyself") == [" i want to kill . myself ", " i want to kill myself "]
    assert assess("i want to kill\nmyself").is_crisis
    assert assess("i swallowed a bottle of\nsleeping pills").is_crisis
    # a break between sentences stays one: the past in one does not excuse the other
    assert assess("been clean since 2019\ni want to kill myself").is_crisis


def test_the_confusables_table_is_the_maintained_one():
    from confusable_homoglyphs import confusables

    norm = sys.modules["core.safety.normalise"]
    assert len(norm._CONFUSABLE) > 500, "the fold map is built from confusable-homoglyphs' table"
    assert "\u0430" in confusables.confusables_data and norm._CONFUSABLE["\u0430"] == "a"


def test_the_longest_message_is_the_gateways():
    assert safety.MAX_MESSAGE_CHARS == limits.MAX_MESSAGE_CHARS == 4000
    assert judge._MAX_CHARS >= safety.MAX_MESSAGE_CHARS  # the start-and-end backstop is for longer ones


# -- the judge's shortcuts never hide a match -----------------------------------------------------

ALL_INFOS = [info for _, info in judge._RULE_INFO] + judge._NEUTRALISER_INFO


def _spans(matches) -> List[tuple]:
    return [m.span() for m in matches]


def _check_form(form: str) -> None:
    words = judge._form_words(form)
    shaped = judge._Form(form, words)
    for info in ALL_INFOS:
        plain = _spans(info.regex.finditer(form))
        if plain:
            assert judge._may_match(info.dnf, words), (info.regex.pattern[:60], form)
        assert _spans(shaped.finditer(info)) == plain, (info.regex.pattern[:60], form[:200])


def _long_texts(seed: int, count: int = 12, size: int = 4000) -> List[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        parts: List[str] = []
        while sum(map(len, parts)) < size:
            text = rng.choice(EVERY_TEXT)
            if rng.random() < 0.3:
                text = disguise(text, [rng.choice(list(TRANSFORMS))], rng.randrange(10**6))
            parts.append(text)
        out.append(rng.choice([" ", ". ", "\n", ", "]).join(parts)[:size])
    return out


def test_the_prefilter_and_the_windows_find_every_match_in_the_corpus():
    for text in EVERY_TEXT:
        for form in normalise(text):
            _check_form(form)


@pytest.mark.parametrize("seed", range(4))
def test_the_windows_find_every_match_in_a_long_paste(seed):
    for text in _long_texts(seed):
        for form in normalise(text):
            _check_form(form)


def _spell_out(seq, rng: random.Random, depth: int = 0) -> str:
    """A string the parsed pattern may match (lookarounds and boundaries are not enforced)."""
    out = []
    for op, av in seq:
        if op is sre_constants.LITERAL:
            out.append(chr(av))
        elif op is sre_constants.IN:
            chars = [chr(v) for kind, v in av if kind is sre_constants.LITERAL]
            if any(kind is sre_constants.CATEGORY for kind, _ in av) or not chars:
                chars = [rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")]
            out.append(rng.choice(chars))
        elif op is sre_constants.ANY:
            out.append(rng.choice("abcde xyz"))
        elif op is sre_constants.BRANCH:
            out.append(_spell_out(rng.choice(av[1]), rng, depth + 1))
        elif op is sre_constants.SUBPATTERN:
            out.append(_spell_out(av[3], rng, depth + 1))
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            low, high, body = av
            times = rng.randint(low, min(high, low + 3))
            out.extend(_spell_out(body, rng, depth + 1) for _ in range(times))
    return "".join(out)


def _as_form(text: str) -> str:
    text = re.sub(r"([,.?])", r" \1 ", text)
    return " " + " ".join(text.split()) + " "


@pytest.mark.parametrize("seed", range(3))
def test_strings_spelled_from_each_rule_pass_its_prefilter(seed):
    rng = random.Random(seed)
    filler = _as_form(" ".join(NOT_CRISIS))
    filler = filler[: filler.rfind(" ", 0, 3000) + 1]
    checked = 0
    for info in ALL_INFOS:
        parsed = sre_parse.parse(info.regex.pattern, info.regex.flags)
        for _ in range(30):
            spelled = _as_form(_spell_out(parsed, rng))
            if not info.regex.search(spelled):
                continue
            checked += 1
            words = judge._form_words(spelled)
            assert judge._may_match(info.dnf, words), (info.regex.pattern[:80], spelled)
            # and in the middle of a long text, where the windows are used
            form = filler + spelled[1:] + filler[1:]
            shaped = judge._Form(form, judge._form_words(form))
            assert _spans(shaped.finditer(info)) == _spans(info.regex.finditer(form)), (
                info.regex.pattern[:80],
                spelled,
            )
    assert checked > 500


def test_the_shortcuts_give_the_plain_verdict_on_long_pastes(monkeypatch):
    texts = _long_texts(7, count=6) + [t * 40 for t in EXPLICIT[:5] + NOT_CRISIS[:5]]
    quick = [assess(t) for t in texts]
    monkeypatch.setattr(judge, "_may_match", lambda dnf, words: True)
    monkeypatch.setattr(judge, "_WINDOWS_FROM", 10**9)
    assert [assess(t) for t in texts] == quick


def test_no_pair_of_transforms_is_left_out():
    # the two-disguise properties draw from these; keep the table and the lists in step
    assert set(SAFE_TRANSFORMS) | FLIPS_SAFE_MESSAGES == set(TRANSFORMS)
    assert len(list(itertools.combinations(TRANSFORMS, 2))) > 100
