"""Step 1: the forms of a message the rules are matched against.

Unicode compatibility forms, case, apostrophes, SMS spelling and contractions,
leetspeak inside words, stretched letters: each mapped to one canonical spelling.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Dict, List, Pattern, Sequence, Tuple

_APOSTROPHES = {ord(c): "'" for c in "\u2018\u2019\u201a\u201b\u02bc\u02bb\u02b9\u0060\u00b4\u2032\uff07"}
_QUOTES = {ord(c): '"' for c in "\u201c\u201d\u201e\u201f\u2033"}
# zero-width characters would split a word in two ("k\u200bms")
_INVISIBLE = {ord(c): None for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff"}

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

_CONTRACTIONS: Sequence[Tuple[Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in (
        # overdose shorthand, before apostrophes go: "od'd" must not become "odd"
        (r"\bo\.?d\.?'?(?:d|ed)\b", " overdosed "),
        (r"\bo\.?d\.?'?(?:ing|in)\b", " overdosing "),
        (
            r"\b(i|he|she|they|we|just|friend|son|daughter|brother|sister|mom|dad|boyfriend|girlfriend|"
            r"husband|wife|roommate|cousin|buddy|kid) odd\b",
            r"\1 overdosed",
        ),
        (r"\bo\.d\.(?=\s|$)", " overdose "),
        (r"\bi'?m\b", "i am"),
        (r"\bi'd\b", "i would"),
        (r"\b(he|she|they|we|you)'d\b", r"\1 would"),
        (r"\b(\w+)'ll\b", r"\1 will"),
        (r"\b(\w+)'re\b", r"\1 are"),
        (r"\b(\w+)'ve\b", r"\1 have"),
        (
            r"\b(he|she|it|that|there|what|who|where|here|how|someone|somebody|everyone|nobody|tonight|today)'s\b",
            r"\1 is",
        ),
    )
]
_SYMBOLS: Sequence[Tuple[Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in (
        (r"\bw/o\b", " without "),
        (r"\bw/", " with "),
        (r"\bb/c\b", " because "),
        (r"&", " and "),
        (r"\+", " and "),
    )
]
_CONTRACTIONS = list(_CONTRACTIONS) + list(_SYMBOLS)

_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_LEET_RE = re.compile(r"(?<=[a-z])[013457@$](?=[a-z])")
_STARRED_RE = re.compile(r"[a-z]*\*+[a-z*]*")
_STARRED_TARGETS = ("kill", "killing", "suicide", "suicidal", "die", "dead", "myself", "overdose", "overdosed")
_SENTENCE_END_RE = re.compile(r"[.!?\u2026]+")
_COMMA_RE = re.compile(r"[,;:\u2014\u2013]+|\s-+\s")
_OTHER_CHARS_RE = re.compile(r"[^a-z0-9 ,.?]+")
_SPACES_RE = re.compile(r"\s+")
_STRETCH_RE = re.compile(r"([a-z])\1{2,}")

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
_PHRASE_RE = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, _PHRASE_MAP), key=len, reverse=True)) + r")\b")
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


def _base_normalise(text: str) -> str:
    if text.isascii():
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKC", text).casefold()
        text = text.translate(_APOSTROPHES).translate(_QUOTES).translate(_INVISIBLE)
        for emoji, word in _EMOJI.items():
            if emoji in text:
                text = text.replace(emoji, word)
    if "'" in text or "o.d" in text or " odd" in text:
        for pattern, repl in _CONTRACTIONS:
            text = pattern.sub(repl, text)
    else:
        for pattern, repl in _SYMBOLS:
            text = pattern.sub(repl, text)
    text = text.replace("'", "")
    if any(c in text for c in _LEET):
        text = _LEET_RE.sub(lambda m: _LEET[m.group(0)], text)
    if "*" in text:
        text = _STARRED_RE.sub(_unstar, text)
    text = text.replace("\n", " . ").replace("\r", " . ")
    text = _SENTENCE_END_RE.sub(lambda m: " ? " if "?" in m.group(0) else " . ", text)
    text = _COMMA_RE.sub(" , ", text)
    text = _OTHER_CHARS_RE.sub(" ", text)
    return _SPACES_RE.sub(" ", text).strip()


def _canonical(text: str) -> str:
    get = _TOKENS.get
    text = " ".join([get(w, w) for w in text.split(" ")])
    text = _PHRASE_RE.sub(lambda m: _PHRASE_MAP[m.group(0)], text)
    if " 2" in text:
        text = _TWO_RE.sub(r"\1 to", text)
    return " " + text + " "


def normalise(text: str) -> List[str]:
    """The forms of `text` the rules are matched against (one, or two for stretched words)."""
    base = _base_normalise(text)
    if not _STRETCH_RE.search(base):
        return [_canonical(base)]
    forms = [_canonical(_squeeze(base, 2))]
    once = _canonical(_squeeze(base, 1))
    if once != forms[0]:
        forms.append(once)
    return forms
