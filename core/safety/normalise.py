"""Step 1: the forms of a message the rules are matched against.

Disguise first: Unicode compatibility forms (NFKC), invisible characters and direction
marks, combining marks and accents, look-alike letters of other scripts (the Unicode
confusables table), letters spelled out one by one, digits and symbols for letters, a
line break in the middle of a sentence. Then case, apostrophes, SMS spelling and
contractions, stretched letters: each mapped to one canonical spelling.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from typing import Dict, Iterator, List, Optional, Pattern, Sequence, Tuple

log = logging.getLogger(__name__)

_APOSTROPHES = {ord(c): "'" for c in "\u2018\u2019\u201a\u201b\u02bc\u02bb\u02b9\u0060\u00b4\u2032\uff07"}
_QUOTES = {ord(c): '"' for c in "\u201c\u201d\u201e\u201f\u2033"}

# Emoji that carry meaning here. Laughter marks hyperbole for the few rules that are
# prone to it; the object emoji stand for the words people would otherwise type.
_EMOJI = {
    "\U0001f602": " lol ",
    "\U0001f923": " lol ",
    "\U0001f480": " lol ",
    "\U0001f606": " lol ",
    "\U0001f48a": " pills ",
    "\U0001f52b": " gun ",
    "\U0001f52a": " knife ",
    "\U0001fa78": " blood ",
}

# Contractions and shorthand, applied in this order, each only when its guard (a substring
# any match contains) is in the text. Each pattern starts with a literal, so that the search
# skips ahead in C instead of trying every position: `'ll\b(?<=\w'll)` finds the same
# places as `\b(\w+)'ll\b` and leaves the word before it alone.
_Step = Tuple[Tuple[str, ...], Pattern[str], str]


def _steps(table: Sequence[Tuple[Tuple[str, ...], str, str]]) -> List[_Step]:
    return [(guards, re.compile(p), r) for guards, p, r in table]


def _after(words: str, suffix: str) -> str:
    return "(?:" + "|".join(rf"(?<=\b{w}{suffix})" for w in words.split()) + ")"


_ODD_SUBJECTS = (
    "i he she they we just friend son daughter brother sister mom dad boyfriend girlfriend husband wife "
    "roommate cousin buddy kid"
)
_IS_SUBJECTS = "he she it that there what who where here how someone somebody everyone nobody tonight today"
_CONTRACTIONS: List[_Step] = _steps(
    [
        # overdose shorthand, before apostrophes go: "od'd" must not become "odd"
        (("od", "o.d"), r"o(?<=\bo)\.?d\.?'?(?:d|ed)\b", " overdosed "),
        (("od", "o.d"), r"o(?<=\bo)\.?d\.?'?(?:ing|in)\b", " overdosing "),
        ((" odd",), r" odd\b" + _after(_ODD_SUBJECTS, " odd"), " overdosed"),
        (("o.d.",), r"o(?<=\bo)\.d\.(?=\s|$)", " overdose "),
        # `\bi'?m\b` in two steps
        (("i'm",), r"'m\b(?<=\bi'm)", " am"),
        (("im",), r"im\b(?<=\bim)", "i am"),
        (("i'd",), r"'d\b(?<=\bi'd)", " would"),
        (("'d",), r"'d\b" + _after("he she they we you", "'d"), " would"),
        (("'ll",), r"'ll\b(?<=\w'll)", " will"),
        (("'re",), r"'re\b(?<=\w're)", " are"),
        (("'ve",), r"'ve\b(?<=\w've)", " have"),
        (("'s",), r"'s\b" + _after(_IS_SUBJECTS, "'s"), " is"),
    ]
)
_SYMBOLS: List[_Step] = _steps(
    [
        (("w/o",), r"w/o\b(?<=\bw/o)", " without "),
        (("w/",), r"w/(?<=\bw/)", " with "),
        (("b/c",), r"b/c\b(?<=\bb/c)", " because "),
        (("&",), r"&", " and "),
        (("+",), r"\+", " and "),
    ]
)
_CONTRACTIONS = _CONTRACTIONS + _SYMBOLS
# The same suffix twice in a row ("x'll'll") is read differently by the word-first form
# (it takes the second suffix's "ll" for a word): then the word-first form is used.
_DOUBLED: Dict[str, Tuple[Pattern[str], str]] = {
    suffix: (re.compile(rf"\b(\w+){suffix}\b"), rf"\1 {word}")
    for suffix, word in (("'ll", "will"), ("'re", "are"), ("'ve", "have"))
}


def _apply(steps: Sequence[_Step], text: str) -> str:
    for guards, pattern, repl in steps:
        if any(g in text for g in guards):
            doubled = _DOUBLED.get(guards[0])
            if doubled is not None and guards[0] * 2 in text:
                pattern, repl = doubled
            text = pattern.sub(repl, text)
    return text


_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_LEET_RE = re.compile(r"[013457@$](?<=[a-z][013457@$])(?=[a-z])")
# "!" and "|" between two letters of a word the lists do not know ("w4rn!ng"): i and l
_LEET_MARKS_RE = re.compile(r"[!|](?<=[a-z][!|])(?=[a-z])")
# A starred word starts where a run of letters starts: the lookbehind keeps the search linear.
_STARRED_RE = re.compile(r"(?<![a-z])[a-z]*\*+[a-z*]*")
_STARRED_TARGETS = ("kill", "killing", "suicide", "suicidal", "die", "dead", "myself", "overdose", "overdosed")
_SENTENCE_END_RE = re.compile(r"[.!?\u2026]+")
# `[,;:\u2014\u2013]+|\s-+\s`, written to start with one character class
_COMMA_RE = re.compile(r"[,;:\u2014\u2013\s](?:(?<=[,;:\u2014\u2013])[,;:\u2014\u2013]*|(?<=\s)-+\s)")
_COMMA_ONLY_RE = re.compile(r"[,;:\u2014\u2013]+")  # the same where there is no "-"
_OTHER_CHARS_RE = re.compile(r"[^a-z0-9 ,.?]+")
_SPACES_RE = re.compile(r"\s+")
_STRETCH_RE = re.compile(r"([a-z])\1{2,}")
_TRIPLES = tuple(c * 3 for c in "abcdefghijklmnopqrstuvwxyz")
# ASCII characters a form does not keep, each made a space (the spaces are then collapsed)
_OTHER_ASCII = {i: " " for i in range(128) if not re.match(r"[a-z0-9 ,.?]", chr(i))}

# SMS spelling and contractions typed without apostrophes, one token at a time.
_TOKENS: Dict[str, str] = {
    "u": "you",
    "ya": "you",
    "yu": "you",
    "ur": "your",
    "youre": "you are",
    "r": "are",
    "n": "and",
    "im": "i am",
    "iam": "i am",
    "ive": "i have",
    "ima": "i am going to",
    "imma": "i am going to",
    "hes": "he is",
    "shes": "she is",
    "theyre": "they are",
    "thats": "that is",
    "theres": "there is",
    "whats": "what is",
    "wats": "what is",
    "wuts": "what is",
    "wut": "what",
    "wat": "what",
    "wanna": "want to",
    "wana": "want to",
    "wnna": "want to",
    "gonna": "going to",
    "gunna": "going to",
    "gona": "going to",
    "finna": "going to",
    "bouta": "about to",
    "gotta": "got to",
    "tryna": "trying to",
    "hafta": "have to",
    "kinda": "kind of",
    "sorta": "sort of",
    "lemme": "let me",
    "gimme": "give me",
    "dunno": "dont know",
    "idk": "i dont know",
    "idc": "i dont care",
    "prolly": "probably",
    "rly": "really",
    "rlly": "really",
    "realy": "really",
    "jus": "just",
    "jst": "just",
    "juss": "just",
    "bout": "about",
    "abt": "about",
    "tho": "though",
    "thru": "through",
    "rn": "right now",
    "atm": "right now",
    "tn": "tonight",
    "tonite": "tonight",
    "2nite": "tonight",
    "2night": "tonight",
    "2day": "today",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tmrow": "tomorrow",
    "tomoro": "tomorrow",
    "tommorow": "tomorrow",
    "tomorow": "tomorrow",
    "2moro": "tomorrow",
    "2morrow": "tomorrow",
    "pls": "please",
    "plz": "please",
    "plez": "please",
    "plse": "please",
    "pleas": "please",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "cos": "because",
    "bcuz": "because",
    "becuz": "because",
    "bcoz": "because",
    "cause": "because",
    "ppl": "people",
    "sum1": "someone",
    "some1": "someone",
    "smone": "someone",
    "any1": "anyone",
    "every1": "everyone",
    "evry1": "everyone",
    "evrything": "everything",
    "everythin": "everything",
    "no1": "nobody",
    "noone": "nobody",
    "b4": "before",
    "dnt": "dont",
    "cnt": "cant",
    "cannot": "cant",
    "dosent": "doesnt",
    "kms": "kill myself",
    "kmsrn": "kill myself right now",
    "myslef": "myself",
    "mysef": "myself",
    "myelf": "myself",
    "miself": "myself",
    "mself": "myself",
    "kil": "kill",
    "kll": "kill",
    "killin": "killing",
    "kilin": "killing",
    "kiling": "killing",
    "dye": "die",
    "dyin": "dying",
    "suicdal": "suicidal",
    "sucidal": "suicidal",
    "suicidial": "suicidal",
    "suisidal": "suicidal",
    "sucide": "suicide",
    "suicde": "suicide",
    "suiside": "suicide",
    "suacide": "suicide",
    "suecide": "suicide",
    "sewerslide": "suicide",
    "sewerside": "suicide",
    "overdoes": "overdose",
    "overdoesd": "overdosed",
    "overdossed": "overdosed",
    "ovedosed": "overdosed",
    "od": "overdose",
    "ods": "overdoses",
    "oding": "overdosing",
    "oded": "overdosed",
    "cuttin": "cutting",
    "hurtin": "hurting",
    "breathin": "breathing",
    "seizin": "seizing",
    "overdosin": "overdosing",
    "hittin": "hitting",
    "beatin": "beating",
    "chokin": "choking",
    "shakin": "shaking",
    "hearin": "hearing",
    "seein": "seeing",
    "tryin": "trying",
    "thinkin": "thinking",
    "goin": "going",
    "feelin": "feeling",
    "bleedin": "bleeding",
    "throwin": "throwing",
    "wakin": "waking",
    "respondin": "responding",
    "convulsin": "convulsing",
    "threatenin": "threatening",
    "stabbin": "stabbing",
    "punchin": "punching",
    "livin": "living",
    "endin": "ending",
    "buncha": "bunch of",
    "lotta": "a lot of",
    "alotta": "a lot of",
    "alot": "a lot",
    "fent": "fentanyl",
    "fetty": "fentanyl",
    "xannies": "xanax",
    "xans": "xanax",
    "percs": "percocet",
}

# Whole phrases mapped to one canonical spelling, in one pass.
_PHRASE_MAP: Dict[str, str] = {
    "can not": "cant",
    "do not": "dont",
    "does not": "doesnt",
    "did not": "didnt",
    "will not": "wont",
    "is not": "isnt",
    "are not": "arent",
    "was not": "wasnt",
    "were not": "werent",
    "would not": "wouldnt",
    "have not": "havent",
    "has not": "hasnt",
    "no one": "nobody",
    "no body": "nobody",
    "some one": "someone",
    "my self": "myself",
    "him self": "himself",
    "her self": "herself",
    "them self": "themselves",
    "them selves": "themselves",
    "themself": "themselves",
    "un alive": "unalive",
    "un aliving": "unaliving",
    "self harm": "self harm",
    "selfharm": "self harm",
    "self harming": "self harming",
    "selfharming": "self harming",
    "sewer slide": "suicide",
    "k m s": "kill myself",
    "d t s": "dts",
    "d ts": "dts",
    "dt s": "dts",
    # a specific person the sender knows, not a hypothetical someone
    "someone i know": "my friend",
    "somebody i know": "my friend",
    "a person i know": "my friend",
    "someone i love": "my friend",
    "someone close to me": "my friend",
    "a friend of mine": "my friend",
    "a family member of mine": "my friend",
}
_TOKEN_KEYS = frozenset(_TOKENS)


def _alternation(phrases: Sequence[str]) -> str:
    r"""`\b(?:p1|p2|...)` in the given order of preference, grouped by first letter so that
    the pattern starts with a choice of literals (which the search skips to in C)."""
    groups: Dict[str, List[str]] = {}
    for phrase in phrases:
        groups.setdefault(phrase[0], []).append(phrase[1:])
    return (
        "(?:"
        + "|".join(
            f"{re.escape(c)}(?<=\\b{re.escape(c)})(?:{'|'.join(map(re.escape, rests))})" for c, rests in groups.items()
        )
        + ")"
    )


_PHRASE_ORDER = tuple(sorted(_PHRASE_MAP, key=len, reverse=True))  # the longest first
_PHRASE_WORDS = tuple((p, frozenset(p.split(" "))) for p in _PHRASE_ORDER)
_PHRASE_RE = re.compile(_alternation(_PHRASE_ORDER) + r"\b")
# "want 2 die": a digit two after a verb that takes "to"
_TWO_RE = re.compile(r"\b(want|wanted|wants|going|have|has|need|needs|trying|ready|about|decided|try|used) 2\b")


def _squeeze(text: str, keep: int) -> str:
    return _STRETCH_RE.sub(lambda m: m.group(1) * keep, text)


def _unstar(match: "re.Match[str]") -> str:
    word = match.group(0)
    probe = re.compile("^" + word.replace("*", ".") + "$")
    for target in _STARRED_TARGETS:
        if len(target) == len(word) and probe.match(target):
            return target
    return word.replace("*", "")


# ---------------------------------------------------------------------------
# Disguise undone before anything is matched.
# ---------------------------------------------------------------------------

# Letters that stand for others in words ("su1c1de", "k!ll", "5uicide", "d13"), each with the
# letters it may stand for, the likelier first. Inside a word between two letters the digits
# and @ $ always are letters (the first reading); anywhere else in a word a reading is taken
# only when it spells a word the rules or the SMS table know, so "3rd", "20mg" and "b4" stay.
_LEET_READINGS: Dict[str, str] = {
    "0": "o",
    "1": "il",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "9": "g",
    "@": "a",
    "$": "s",
    "!": "i",
    "|": "li",
}
# a word with a leet character next to a letter (found first by its character: quick)
_LEET_NEAR_LETTER_RE = re.compile(r"[0-9@$!|](?:(?<=[a-z][0-9@$!|])|(?=[a-z]))")
_LEET_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789@$!|")
_LEET_WORD_END_RE = re.compile(r"[a-z0-9@$!|]*")
# a number with a unit or an ordinal ("20mg", "3pm", "2nd"), not a word in leetspeak
_QUANTITY_RE = re.compile(
    r"[0-9]*(?:1st|2nd|3rd|[04-9]th|1[0-9]th)$|[0-9]+(?:am|pm|mg|ml|k|x|s|h|hrs?|min|mins|yr|yrs|lbs?|oz|g)$"
)

# Letters spelled out one by one: "k i l l  m y s e l f", "s.u.i.c.i.d.e", "k-i-l-l". Only runs
# of three or more single letters (or digits) are joined, never ordinary words.
_SPELLED_RE = re.compile(
    r"(?<![^\s])[a-z0-9@$!|](?:(?: {1,3}|\t)[a-z0-9@$!|](?=\s)){1,}(?: {1,3}|\t)[a-z0-9@$!|](?![^\s.,?;:])"
)
_DOTTED_RE = re.compile(r"(?<![a-z0-9])[a-z0-9]([.\-_~])[a-z0-9](?:\1[a-z0-9])+(?![a-z0-9])")
_DOTTED_HINT_RE = re.compile(r"[.\-_~][a-z0-9][.\-_~]")  # what a dotted run has (quick to look for)
# three one-character words in a row (looked for from the spaces, which the search skips to)
_SPELLED_HINT_RE = re.compile(r"\s[a-z0-9@$!|](?: {1,3}|\t)[a-z0-9@$!|](?: {1,3}|\t)[a-z0-9@$!|](?![^\s.,?;:])")
_RUN_GAP_RE = re.compile(r" +|\t")
# One line break in the middle of a sentence ("i want to kill\nmyself"): read both ways.
_MID_BREAK_RE = re.compile(r"(?<=[^\W_]|[,@$!|])[ \t]*(?:\r\n|\r|\n)[ \t]*(?=[^\W_]|[@$!|])")

# Look-alike letters of other scripts that the confusables table below does not fold (it
# maps small capitals and a few others to nothing Latin), and Latin letters with a stroke,
# which Unicode does not decompose.
_FOLD_EXTRA: Dict[str, str] = {
    "\u043a": "k",  # Cyrillic ka
    "\u043c": "m",  # em
    "\u0442": "t",  # te
    "\u043d": "h",  # en
    "\u0432": "b",  # ve
    "\u044c": "b",  # soft sign
    "\u044f": "r",  # ya (a mirrored R)
    "\u043f": "n",  # pe
    "\u0438": "u",  # i
    "\u0434": "d",  # de
    "\u03ba": "k",  # Greek kappa
    "\u03c4": "t",  # tau
    "\u03b5": "e",  # epsilon
    "\u03b7": "n",  # eta
    "\u03bc": "u",  # mu
    "\u03c7": "x",  # chi
    "\u03c9": "w",  # omega
    "\u03b2": "b",  # beta
    "\u029f": "l",  # small capital L
    "\u0142": "l",  # l with stroke
    "\u00f8": "o",  # o with stroke
    "\u0111": "d",  # d with stroke
    "\u0127": "h",  # h with stroke
    "\u0131": "i",  # dotless i
}
# Invisible characters that are letters by category (Hangul fillers): dropped like format ones.
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}


def _confusables() -> Dict[str, str]:
    """Letters of other scripts folded to the Latin letter they look like, from the Unicode
    confusables table that confusable-homoglyphs ships (built once). Only letters that look
    like exactly one Latin letter are folded; ASCII is left alone (digits are read as leet)."""
    fold: Dict[str, str] = {}
    try:
        from confusable_homoglyphs import confusables

        table = confusables.confusables_data
    except Exception:  # pragma: no cover - without the table only _FOLD_EXTRA folds
        log.warning("confusable-homoglyphs is not available: look-alike letters are folded from a short list")
        return fold
    for char, glyphs in table.items():
        if len(char) != 1 or char.isascii() or not unicodedata.category(char).startswith("L"):
            continue
        latin = {g["c"] for g in glyphs if len(g["c"]) == 1 and g["c"].isascii() and g["c"].isalpha()}
        if len({c.lower() for c in latin}) != 1:
            continue
        letter = latin.pop().lower()
        if letter == "l" and char.isupper():
            letter = "i"  # a capital that looks like a bar is a capital I far more often than an l
        fold[char] = letter
    return fold


_CONFUSABLE: Dict[str, str] = _confusables()
_FOLDED: Dict[str, str] = {}  # what each non-ASCII character has been read as so far


def _fold_char(char: str) -> str:
    """A non-ASCII character as the rules should read it: invisible and combining marks
    dropped, accents taken off, look-alike letters made Latin; anything else as it is."""
    folded = _FOLDED.get(char)
    if folded is not None:
        return folded
    category = unicodedata.category(char)
    if category == "Cf" or category in ("Mn", "Me") or char in _BLANK_LETTERS:
        folded = ""  # zero-width, soft hyphen, direction marks, variation selectors, combining marks
    else:
        folded = _CONFUSABLE.get(char) or _FOLD_EXTRA.get(char) or ""
        if not folded and category.startswith("L"):
            lower = char.lower()
            folded = _CONFUSABLE.get(lower) or _FOLD_EXTRA.get(lower) or ""
            if not folded:
                bare = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
                if bare != char:
                    folded = "".join(_FOLDED.get(c) or _CONFUSABLE.get(c) or _FOLD_EXTRA.get(c) or c for c in bare)
        folded = folded or char
    if len(_FOLDED) < 20000:
        _FOLDED[char] = folded
    return folded


def _undisguise(text: str) -> str:
    table = {ord(c): _fold_char(c) for c in set(text) if not c.isascii()}
    return text.translate(table) if table else text


# Ordinary words a spelled-out or leet word may also be, beyond those of the rules.
_EVERYDAY_WORDS = frozenset(
    """
    a i u r n to is in it of on at be do so no my me am an as by he we us or if up go ok
    the and you she him her his they them this that was are not but have had has with for just can
    cant dont wont didnt isnt want will would what when who how why all any one out get got now too
    some from about been were into then than there here feel like know need help please life day
    night time tonight today again sorry everything nothing anything someone something anyone people
    person friend family mom dad son daughter brother sister husband wife boyfriend girlfriend kids
    baby home house room bed car work job school money phone text call told tell said say says
    think thought really very much many more most only even still also always never ever maybe
    because before after while until since ago year years month months week weeks last next first
    program treatment detox rehab meeting group counselor therapist doctor nurse client clients
    staff intake insurance medicaid appointment waitlist schedule cost pay free open hours
    drink drinking drank drunk alcohol beer wine using used use drugs pills high sober clean
    relapse relapsed recovery withdrawal craving cravings stop stopped quit start started
    good bad better worse fine okay well sick tired hurt pain scared afraid worried alone lonely
    sad angry happy hard easy long little big old new right wrong sure real true
    go going gone went come coming came take taking took give gave make made keep kept let
    see saw look looking find found try trying tried leave left stay stayed live living lived
    die dying died dead death kill killing killed myself yourself himself herself themselves
    end ending ended hang jump cut cutting burn bleeding blood breathe breathing breath seizure
    overdose overdosed overdosing suicide suicidal harm safe unsafe danger emergency hospital
    ambulance police gun knife rope bridge roof tonight tomorrow morning evening week weekend
    where which whose every each other another both either neither such same own
    """.split()
)


def _vocabulary() -> frozenset:
    """Words a spelled-out or leet word may be read as: those the rules spell and the judge
    reads (core.safety.judge.VOCABULARY), the SMS table's, and everyday ones."""
    words = set(_EVERYDAY_WORDS)
    try:
        from core.safety.judge import VOCABULARY

        words.update(VOCABULARY)
    except Exception:  # pragma: no cover - while the judge itself is being loaded
        pass
    for key, value in _TOKENS.items():
        words.add(key)
        words.update(value.split())
    for phrase, value in _PHRASE_MAP.items():
        words.update(phrase.split())
        words.update(value.split())
    return frozenset(w for w in words if w.isalnum())


@functools.lru_cache(maxsize=1)
def _known_words() -> frozenset:
    return _vocabulary()


_LONGEST_WORD = 20


def _read_leet_words(text: str) -> str:
    """Each word with a digit or symbol next to a letter, read (the words found from those
    characters, which a search finds quickly, rather than by trying every word)."""
    out: List[str] = []
    last = 0
    for hit in _LEET_NEAR_LETTER_RE.finditer(text):
        at = hit.start()
        if at < last:
            continue  # in the word just read
        start = at
        while start > last and text[start - 1] in _LEET_WORD_CHARS:
            start -= 1
        word_end = _LEET_WORD_END_RE.match(text, at)
        end = word_end.end() if word_end else at + 1
        out.append(text[last:start])
        out.append(_read_leet(text[start:end]))
        last = end
    out.append(text[last:])
    return "".join(out)


def _read_leet(word: str) -> str:
    if word in _TOKEN_KEYS or not any(c.isalpha() for c in word) or _QUANTITY_RE.match(word):
        return word
    if sum(c in _LEET_READINGS for c in word) > 10:
        return word
    readings = [""]
    for c in word:
        readings = [r + o for r in readings for o in _LEET_READINGS.get(c, c)][:512]
    known = _known_words()
    for reading in readings:
        if reading in known:
            return reading
    if sum(c.isalpha() for c in word) < 2:
        return word
    # a word the lists do not know ("p3r!0d5"): each character its likelier letter, but a "!"
    # or "|" is a letter only between two others ("help!!!" is shouting)
    return "".join(
        _LEET_READINGS[c][0]
        if c in _LEET_READINGS and (c not in "!|" or (0 < i < len(word) - 1 and _inside(word, i)))
        else c
        for i, c in enumerate(word)
    )


def _inside(word: str, i: int) -> bool:
    return word[i - 1] not in "!|" and word[i + 1] not in "!|"


def _segment(letters: str) -> Optional[List[str]]:
    """The fewest known words that spell `letters` exactly, or None."""
    n = len(letters)
    if n > 200:
        return None
    known = _known_words()
    cost: List[Optional[int]] = [0] + [None] * n
    back = [0] * (n + 1)
    for i in range(n):
        if cost[i] is None:
            continue
        for j in range(i + 1, min(n, i + _LONGEST_WORD) + 1):
            if letters[i:j] in known and (cost[j] is None or cost[i] + 1 < cost[j]):  # type: ignore[operator]
                cost[j] = cost[i] + 1  # type: ignore[operator]
                back[j] = i
    if cost[n] is None:
        return None
    words = []
    j = n
    while j > 0:
        words.append(letters[back[j] : j])
        j = back[j]
    return words[::-1]


def _spell(letters: str) -> str:
    """Single letters run together, read as the words they spell (space-separated)."""
    plain = "".join(_LEET_READINGS.get(c, c)[0] for c in letters)
    words = _segment(plain)
    if words is None:
        # a word the lists do not know: one word, after an "a" or "i" that may stand alone
        if plain[0] in "ai" and len(plain) > 3:
            rest = _segment(plain[1:])
            return letters[0] + " " + (" ".join(rest) if rest and len(rest) > 1 else letters[1:])
        return letters
    if max(map(len, words)) < 3:
        return " ".join(letters)  # not spelled-out words ("u r a" is SMS for "you are a"): as written
    out, at = [], 0
    for word in words:  # the letters as typed (a digit is read as leet later)
        out.append(letters[at : at + len(word)])
        at += len(word)
    return " ".join(out)


def _split_two(group: str) -> str:
    """A spelled-out word, or two run together where a line break was ("is" + "choking")."""
    plain = "".join(_LEET_READINGS.get(c, c)[0] for c in group)
    words = _segment(plain)
    if words is not None and len(words) == 2 and min(map(len, words)) >= 2:
        return group[: len(words[0])] + " " + group[len(words[0]) :]
    return group


def _join_spelled(match: "re.Match[str]") -> str:
    run = match.group(0)
    widths = {len(gap) for gap in _RUN_GAP_RE.findall(run)}
    if len(widths) < 2:
        return _spell("".join(run.split()))  # one width of gap throughout: the words are found
    # wider gaps between the words: each word's letters joined; letters left on their own
    # between wide gaps are read together
    narrow = min(widths)
    groups = ["".join(g.split()) for g in re.split(" {%d,}" % (narrow + 1), run)]
    out: List[str] = []
    single: List[str] = []
    known = _known_words()
    for group in groups + [""]:
        if len(group) == 1:
            single.append(group)
            continue
        if single:
            out.append(_spell("".join(single)) if len(single) >= 3 else " ".join(single))
            single = []
        if group:
            out.append(group if group in known or len(group) < 4 else _split_two(group))
    return " ".join(out)


def _join_dotted(match: "re.Match[str]") -> str:
    return match.group(0).replace(match.group(1), "")


def _base_normalise(text: str, join_lines: bool = False) -> str:
    if text.isascii():
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKC", text)
        text = text.translate(_APOSTROPHES).translate(_QUOTES)
        text = _undisguise(text).casefold()
        if not text.isascii():
            text = _undisguise(text)  # what casefolding made ("i\u0307" from a dotted capital I)
        for emoji, word in _EMOJI.items():
            if emoji in text:
                text = text.replace(emoji, word)
    if join_lines:  # as wide a space as the break and the spaces around it (spelled-out words)
        text = _MID_BREAK_RE.sub(lambda m: " " * len(m.group(0).replace("\r\n", "\n")), text)
    if "'" in text or "o.d" in text or " odd" in text:
        text = _apply(_CONTRACTIONS, text)
    else:
        text = _apply(_SYMBOLS, text)
    text = text.replace("'", "")
    if _DOTTED_HINT_RE.search(text):
        text = _DOTTED_RE.sub(_join_dotted, text)
    if _SPELLED_HINT_RE.search(" " + text):
        text = _SPELLED_RE.sub(_join_spelled, text)
    if _LEET_NEAR_LETTER_RE.search(text):
        text = _read_leet_words(text)
        if "!" in text or "|" in text:
            text = _LEET_MARKS_RE.sub(lambda m: "i" if m.group(0) == "!" else "l", text)
    if any(c in text for c in _LEET):
        text = _LEET_RE.sub(lambda m: _LEET[m.group(0)], text)
    if "*" in text:
        text = _STARRED_RE.sub(_unstar, text)
    text = text.replace("\n", " . ").replace("\r", " . ")
    text = _SENTENCE_END_RE.sub(lambda m: " ? " if "?" in m.group(0) else " . ", text)
    text = (_COMMA_RE if "-" in text else _COMMA_ONLY_RE).sub(" , ", text)
    if text.isascii():
        text = text.translate(_OTHER_ASCII)
    else:
        text = _OTHER_CHARS_RE.sub(" ", text)
    return " ".join(text.split())


@functools.lru_cache(maxsize=256)
def _phrases_re(phrases: Tuple[str, ...]) -> Pattern[str]:
    return re.compile(_alternation(phrases) + r"\b")


def _canonical(text: str) -> str:
    words = set(text.split(" "))
    keys = _TOKEN_KEYS.intersection(words)
    if keys:
        # token by token; no replacement holds a key, so replacing each key's tokens in turn
        # gives what mapping every token would
        padded = " " + text + " "
        for key in keys:
            needle, value = " " + key + " ", " " + _TOKENS[key] + " "
            while needle in padded:
                padded = padded.replace(needle, value)
        text = padded[1:-1]
        words = set(text.split(" "))
    # only the phrases whose words are all here can match: the pattern of just those finds the same
    possible = tuple(p for p, parts in _PHRASE_WORDS if words.issuperset(parts))
    if possible:
        text = _phrases_re(possible).sub(lambda m: _PHRASE_MAP[m.group(0)], text)
    if " 2" in text:
        text = _TWO_RE.sub(r"\1 to", text)
    return " " + text + " "


def _stretched(text: str) -> bool:
    return any(triple in text for triple in _TRIPLES) and _STRETCH_RE.search(text) is not None


def _forms(base: str) -> List[str]:
    if not _stretched(base):
        return [_canonical(base)]
    forms = [_canonical(_squeeze(base, 2))]
    once = _canonical(_squeeze(base, 1))
    if once != forms[0]:
        forms.append(once)
    return forms


def normalise(text: str) -> List[str]:
    """The forms of `text` the rules are matched against: one, or two for stretched words
    ("dieeee": squeezed to two letters and to one), and the same again with a line break in
    the middle of a sentence read as a space ("i want to kill\nmyself")."""
    return list(forms_of(text))


def forms_of(text: str) -> Iterator[str]:
    """`normalise(text)`, one form at a time: the judge stops at the first that holds a crisis,
    and the reading with line breaks joined is made only if it is needed."""
    base = _base_normalise(text)
    forms = _forms(base)
    yield from forms
    if "\n" in text or "\r" in text:
        joined = _base_normalise(text, join_lines=True)
        if joined != base:
            yield from (form for form in _forms(joined) if form not in forms)
