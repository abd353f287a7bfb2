"""Teaching the assistant: the topics staff pick from, and corrections written out for review.

Staff mark a visitor message the assistant misunderstood with the topic it
should have been. `nlu_yaml` turns those marks into Rasa NLU examples in a
file a maintainer reads before anything is trained on it: visitors' words
go into data/ only by a person's hand.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import (
    Any,
    Dict,
    Iterable,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Tuple,
    Union,
)

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from core.paths import REPO_ROOT

DOMAIN = REPO_ROOT / "domain.yml"
TRAINING_DATA = REPO_ROOT / "data"
FAQ = "faq"
FAQ_RESPONSE = "utter_faq/"
# New topics are exported under this intent, which the domain does not have: `make validate`
# fails on it until someone writes an answer and moves the examples, so it is not trained by accident.
NEW_TOPIC = "new_topic"
MAX_TOPIC_LENGTH = 40

# Plain words for the intents staff see; an intent not listed is shown by its name.
INTENT_LABELS = {
    "greet": "Greeting",
    "goodbye": "Goodbye",
    "thank": "Thanks",
    "bot_challenge": "Asks if this is a bot",
    "affirm": "Yes",
    "deny": "No",
    "human_handoff": "Asks for a person",
    "start_screen": "Wants the screening questions",
    "screen_answer": "Answer to a screening question",
    "stop": "Stop",
    "out_of_scope": "Something we don't cover",
    "crisis": "Crisis",
    "nlu_fallback": "Not understood",
}


class Topic(NamedTuple):
    name: str  # the intent, or faq/<topic>
    label: str  # what staff see
    faq: bool


class TopicError(ValueError):
    """A topic choice the console refuses, with a message for the staff member."""


def label(name: str) -> str:
    """ "faq/cost" -> "FAQ: cost"; "new_topic/parking" -> "New topic: parking"; "greet" -> "Greeting"."""
    group, _, topic = name.partition("/")
    if topic and group == FAQ:
        return f"FAQ: {topic.replace('_', ' ')}"
    if topic and group == NEW_TOPIC:
        return f"New topic: {topic.replace('_', ' ')}"
    return INTENT_LABELS.get(name) or name.replace("_", " ").capitalize()


def topics_from_domain(domain: Mapping[str, Any]) -> Tuple[Topic, ...]:
    """Every intent of the domain, with the FAQ retrieval intent split into its topics (faq/<topic>)."""
    intents = []
    for entry in domain.get("intents") or []:
        name = next(iter(entry)) if isinstance(entry, dict) else str(entry)  # "- greet" or "- greet: {...}"
        if name != FAQ:
            intents.append(Topic(name, label(name), faq=False))
    faq_topics = sorted(
        Topic(f"{FAQ}/{key[len(FAQ_RESPONSE) :]}", label(f"{FAQ}/{key[len(FAQ_RESPONSE) :]}"), faq=True)
        for key in (domain.get("responses") or {})
        if key.startswith(FAQ_RESPONSE)
    )
    return tuple(faq_topics) + tuple(intents)


def load_topics(path: Path = DOMAIN) -> Tuple[Topic, ...]:
    with open(path, encoding="utf-8") as f:
        return topics_from_domain(yaml.safe_load(f) or {})


def slugify(text: str) -> str:
    """A topic name from what staff typed: "Parking & transport" -> "parking_transport"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def choose(topics: Iterable[Topic], intent: str, new_topic: str) -> Tuple[str, bool]:
    """(intent, is new) from the console form: one of the topics, or a new topic's name."""
    intent, new_topic = (intent or "").strip(), (new_topic or "").strip()
    if intent and new_topic:
        raise TopicError("Pick a topic from the list or type a new one, not both.")
    names = {t.name for t in topics}
    if intent:
        if intent not in names:
            raise TopicError("That topic is not one the assistant knows. Pick one from the list.")
        return intent, False
    if not new_topic:
        raise TopicError("Pick a topic from the list, or type a new one.")
    slug = slugify(new_topic)
    if len(slug) < 3 or not slug[0].isalpha():
        raise TopicError("Name the new topic in a few words, starting with a letter (for example: parking).")
    if len(slug) > MAX_TOPIC_LENGTH:
        raise TopicError(f"Keep the new topic's name under {MAX_TOPIC_LENGTH} letters.")
    # A "new" topic that already exists is that topic ("Cost" means faq/cost).
    for existing in (f"{FAQ}/{slug}", slug):
        if existing in names:
            return existing, False
    return slug, True


# -- the export ---------------------------------------------------------------------------
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w+(])(\+|\()?\d[\d ().-]{5,}\d(?!\w)")
# "[text](entity)", "[text]{...}" and "[text][...]" are entity annotations to Rasa.
ENTITY_MARKUP = re.compile(r"\](?=[(\[{])")


def one_line(text: str) -> str:
    """A visitor message as one training example line: one line, no control characters,
    contact details replaced by placeholders, and no brackets Rasa would read as entities."""
    text = " ".join((text or "").split())
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))
    text = EMAIL.sub("someone@example.com", text)
    text = PHONE.sub(lambda m: "555-0100" if sum(c.isdigit() for c in m.group()) >= 7 else m.group(), text)
    return ENTITY_MARKUP.sub("] ", text).strip()


def exported_intent(correction: Mapping[str, Any]) -> str:
    return f"{NEW_TOPIC}/{correction['intent']}" if correction.get("new_topic") else correction["intent"]


def correction_label(correction: Union[str, Mapping[str, Any]]) -> str:
    """A stored correction (or just its intent) as staff see it."""
    return label(correction if isinstance(correction, str) else exported_intent(correction))


def examples_by_intent(corrections: Iterable[Mapping[str, Any]]) -> Dict[str, List[str]]:
    """Intent -> its examples, sorted, once each ignoring case; known intents first, new topics last."""
    grouped: Dict[str, Dict[str, str]] = {}
    for correction in corrections:
        example = one_line(correction["text"])
        if example:
            seen = grouped.setdefault(exported_intent(correction), {})
            key = example.casefold()
            seen[key] = min(seen.get(key, example), example)  # the same pick whatever the order
    order = sorted(grouped, key=lambda name: (name.startswith(NEW_TOPIC + "/"), name))
    return {name: [grouped[name][key] for key in sorted(grouped[name])] for name in order}


HEADER = """\
Corrections marked by staff in the console: FOR REVIEW, NOT TRAINING DATA.
{scope}
Do not copy this file into data/ unread. For each example:
  - keep it only if it really belongs to that topic;
  - take out anything that could identify someone (names, places, dates; phone numbers
    and email addresses are already replaced by made-up ones);
  - skip it if it is already in data/nlu.yml or tests/nlu_heldout.yml.
Then add the ones you keep under their intent in data/nlu.yml and run `make train eval`.
"""


def nlu_yaml(corrections: Iterable[Mapping[str, Any]], scope: str = "") -> str:
    """Rasa NLU YAML (version 3.1) for review: one `examples: |` block per intent."""
    grouped = examples_by_intent(corrections)
    nlu = CommentedSeq()
    for name, examples in grouped.items():
        nlu.append(
            CommentedMap(
                [
                    ("intent", name),
                    ("examples", LiteralScalarString("".join(f"- {e}\n" for e in examples))),
                ]
            )
        )
        if name.startswith(NEW_TOPIC + "/"):
            topic = name.split("/", 1)[1]
            nlu.yaml_set_comment_before_after_key(
                len(nlu) - 1,
                indent=2,
                before=(
                    f"NEW TOPIC {topic!r}: the assistant has no answer for it yet. Write one\n"
                    f"(utter_faq/{topic} in domain.yml), then move these examples to faq/{topic}."
                ),
            )
    document = CommentedMap([("version", DoubleQuotedScalarString("3.1")), ("nlu", nlu)])
    count = sum(len(e) for e in grouped.values())
    document.yaml_set_start_comment(
        HEADER.format(
            scope=f"{count} example{'s' if count != 1 else ''} in "
            f"{len(grouped)} topic{'s' if len(grouped) != 1 else ''}"
            f"{', ' + scope if scope else ''}."
        )
    )
    out = io.StringIO()
    writer = YAML()
    writer.width = 4096  # type: ignore[assignment]  # never fold a long example
    writer.indent(mapping=2, sequence=4, offset=2)
    writer.dump(document, out)
    return out.getvalue()


def example_count(text: str) -> int:
    return sum(len(item["examples"].splitlines()) for item in (yaml.safe_load(text).get("nlu") or []))


def refused_path(path: Path) -> Optional[str]:
    """Why the export may not be written there: data/ is trained on as it is."""
    resolved = path.resolve()
    if resolved == TRAINING_DATA.resolve() or TRAINING_DATA.resolve() in resolved.parents:
        return (
            f"{path} is in data/, which is trained on as it is. "
            "Write the corrections somewhere else and copy in what you have read."
        )
    return None


def write_export(database_url: str, path: Path, since: Optional[datetime] = None) -> int:
    """Write every correction (marked since `since`) to `path` for review; the number of examples.

    The file holds visitors' words, so it is readable by its owner only.
    """
    from bot.store import audit
    from bot.store import corrections as store
    from bot.store.database import Database, upgrade

    problem = refused_path(path)
    if problem:
        raise ValueError(problem)
    db = Database(database_url, threads=1)
    try:
        upgrade(db.engine)
        marked = db.call(store.since, since)
        text = nlu_yaml(marked, scope=f"marked since {since:%Y-%m-%d}" if since else "")
        count = example_count(text)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(partial, path)
        db.call(
            audit.record,
            "cli",
            "export_corrections",
            None,
            f"{count} example{'' if count == 1 else 's'}{f' since {since:%Y-%m-%d}' if since else ''}",
        )
        return count
    finally:
        db.dispose()
