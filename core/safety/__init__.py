"""The crisis safety net: a deterministic check that runs first on every inbound message.

It must answer when Rasa, the action server and the database are all down, so it is
pure standard-library Python with no model and no threshold, and it takes microseconds.

Design, in the order a message goes through it:

1. Normalise. Disguise is undone first: Unicode compatibility forms (NFKC: full-width
   and mathematical letters), invisible characters and direction marks (zero-width,
   soft hyphen, bidi controls, variation selectors) and combining marks dropped,
   accents taken off, letters of other scripts that look Latin folded to it (the
   Unicode confusables table, from confusable-homoglyphs), letters spelled out one by
   one joined ("k i l l  m y s e l f", "s.u.i.c.i.d.e", "k-i-l-l": only runs of single
   letters, never ordinary words), digits and symbols read as letters ("su1c1de",
   "5uicide", "k!ll", where a known word comes out; "3rd" and "20mg" stay). Then case-
   folded, curly apostrophes straightened, contractions and SMS spelling mapped to one
   canonical form ("u" -> "you", "wanna" -> "want to", "od'd" -> "overdosed", "kms" ->
   "kill myself"), punctuation kept as separate tokens because it marks clause
   boundaries. Stretched letters ("plzzz", "dieeee") are tried two ways: squeezed to
   two letters and squeezed to one, because English words have double letters. A line
   break is the end of a sentence, and a single one in the middle of a sentence is also
   tried as a space ("i want to kill\nmyself"): a second reading, never instead.
2. Match. A table of rules, each a regular expression over the normalised text with
   a category and a note on whose danger it describes (the sender, someone else, or
   to be decided from the sentence's subject).
3. Judge each match in its clause, because a message often mixes a past event with a
   present one ("i overdosed last year and i just took a bunch again"):
   - negation right before it ("i'm not suicidal", "i would never kill myself");
   - a distant past or recovery in the same clause ("years ago", "used to", "clean
     since") unless the clause also says now/again/tonight;
   - a generic subject ("do you treat people who ...", "what if someone ...") unless
     something places it here and now;
   - a question about hypotheticals ("what should someone do if ...");
   - idioms that only look like danger ("dying to know", "killing me" about a commute),
     removed by neutralising phrases and by lookaheads in the rules.
   A past event that is said to be coming back ("i used to cut, i want to do it again")
   still counts.
4. Decide. Any surviving match is a crisis. `about_other` is true only when every
   surviving match is about someone else, so a sender who is also at risk is always
   spoken to directly. A sender who threatens someone else is spoken to directly too:
   the reply they need is the one for a person in crisis.

Speed: the cost of a message grows with its length, not with its square. Each rule carries
a few substrings one of which any match must contain (a test proves the keys never hide a
match), and the judge reads from each rule's own pattern the words its matches must hold:
most rules are skipped on most messages, and on a long one a rule is searched only near
those words. Each question about a clause (past, present, neutralisers) is answered once
per clause however many matches it holds. tests/core/test_safety_disguise.py checks that
these shortcuts find exactly what a plain search finds; scripts/bench_safety.py times them.
MAX_MESSAGE_CHARS is the largest message a channel accepts (the gateway refuses longer
ones, after this check); messages longer than 20,000 characters are read at their start
and their end, a backstop.

The rules are written from kinds of phrasing (intent verbs + dying, reflexive harm,
overdose verbs + quantity + substance, breathing/colour/consciousness, threats and
weapons), not from corpus sentences. tests/data/crisis_corpus.yml and
scripts/eval_safety.py measure them, including a held-out section never tuned on.
Indirect warning signs ("please tell my family i'm sorry") are where a pattern net is
weakest; the trained crisis intent in Rasa and the staff reading transcripts are the
layers behind it. The bias is deliberate: a false alarm costs a staff member a minute,
a miss can cost a life.
"""

from core.safety.judge import CATEGORIES, NOT_CRISIS, Assessment, assess
from core.safety.normalise import normalise
from core.safety.rules import RULES

# The largest message any channel accepts (the same as core.limits.MAX_MESSAGE_CHARS, kept
# here so that the net imports nothing of the gateway): what the speed goal is set for.
MAX_MESSAGE_CHARS = 4000

__all__ = ["CATEGORIES", "MAX_MESSAGE_CHARS", "NOT_CRISIS", "RULES", "Assessment", "assess", "normalise"]
