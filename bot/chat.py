"""A conversation: follow-up questions are rewritten into standalone ones.

Without an LLM the rewrite is done with spaCy: pronouns that point back
("him", "there", "it", "they") are replaced by the entity of the matching kind
from the previous turn (its standalone question and answer), and an elliptic
follow-up ("and in 2011?", "what about Moscow?") borrows the previous question.
Small talk gets a short reply without retrieval and leaves the history alone.
One ``Conversation`` per user: the CLI has one, the web UI one per browser session.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.retrieve import Filters
from bot.types import Answer

_SMALL_TALK = {
    "greeting": (r"(hi|hello|hey|hiya|good (morning|afternoon|evening)|howdy)( there)?( bot)?",
                 "Hello! Ask me anything about the articles."),
    "thanks": (r"(thanks|thank you|thx|ty|cheers|great|ok|okay|cool|nice|perfect)( (so much|a lot|bot))?",
               "You're welcome. Anything else about the articles?"),
    "bye": (r"(bye|goodbye|see you|see ya|that'?s all)", "Goodbye!"),
    "help": (r"(help|\?|what can you do)", "Ask a question about the articles; I answer with the exact passage I "
             "found, or tell you the articles don't say. Type /reset to start over."),
}
_SMALL_TALK_RE = {k: (re.compile(rf"^\W*(?:{p})\W*$", re.I), reply) for k, (p, reply) in _SMALL_TALK.items()}
RESET_COMMANDS = {"/reset", "/clear", "/new"}
_PERSON_PRONOUNS = {"he", "him", "she", "her", "his", "hers", "himself", "herself"}
_GROUP_PRONOUNS = {"they", "them", "their", "theirs"}
_THING_PRONOUNS = {"it", "its"}
_PLACE_WORDS = {"there"}
_MOTION_VERBS = {"get", "go", "went", "gone", "travel", "travelled", "traveled", "come", "came", "head", "fly", "flew", "move", "moved", "return", "returned"}
_ELLIPSIS = re.compile(r"^\s*(?:and|what about|how about|and what about|also|same for)\b\s*(.*?)\s*\??$", re.I)


@dataclass(frozen=True)
class Turn:
    question: str
    standalone: str
    answer: Answer


# Events a front end renders as they arrive.
@dataclass(frozen=True)
class Status:
    text: str


@dataclass(frozen=True)
class Token:
    text: str  # the answer so far


@dataclass(frozen=True)
class Done:
    answer: Answer


def small_talk_reply(text: str) -> str | None:
    for pattern, reply in _SMALL_TALK_RE.values():
        if pattern.match(text):
            return reply
    return None


@dataclass
class Conversation:
    engine: object  # bot.answer.Engine
    filters: Filters = field(default_factory=Filters)
    k: int | None = None
    turns: list[Turn] = field(default_factory=list)
    max_turns: int = 20

    def reset(self) -> None:
        self.turns.clear()

    def ask(self, text: str) -> Answer:
        stripped = (text or "").strip()
        if stripped.lower() in RESET_COMMANDS:
            self.reset()
            return _reply(stripped, "Conversation reset. Ask a new question.")
        reply = small_talk_reply(stripped)
        if reply is not None:
            return _reply(stripped, reply)
        standalone = rewrite_follow_up(stripped, self.turns, self.engine) if self.turns else None
        answer = self.engine.ask(text, standalone=standalone, filters=self.filters, k=self.k)
        self.turns.append(Turn(answer.question, answer.standalone_question, answer))
        del self.turns[: -self.max_turns]
        return answer

    def stream(self, text: str) -> Iterator[Status | Token | Done]:
        """The answer as events: a status, the answer growing word by word, then the whole ``Answer``."""
        yield Status("Searching the articles…")
        answer = self.ask(text)
        words = answer.answer.split(" ")
        for i in range(1, len(words) + 1):
            yield Token(" ".join(words[:i]))
        yield Done(answer)


def _reply(question: str, text: str) -> Answer:
    return Answer(question=question, standalone_question=question, answer=text, answerable=False, kind="smalltalk")


def rewrite_follow_up(question: str, turns: list[Turn], engine) -> str:
    """A standalone version of ``question`` given the earlier turns (unchanged if it already stands alone)."""
    previous = next((t for t in reversed(turns) if t.answer.kind == "answer"), turns[-1])
    ellipsis = _ELLIPSIS.match(question)
    nlp = engine.answerer.nlp
    if ellipsis and ellipsis.group(1):
        return _swap_in(previous.standalone, ellipsis.group(1), nlp)
    doc = nlp(question)
    context = nlp(previous.standalone + " " + (previous.answer.answer if previous.answer.answerable else ""))
    answer_doc = nlp(previous.answer.answer) if previous.answer.answerable else None
    people = [e.text for e in context.ents if e.label_ == "PERSON"]
    places = [e.text for e in (list(answer_doc.ents) if answer_doc else []) + list(context.ents) if e.label_ in ("GPE", "LOC", "FAC")]
    groups = [e.text for e in context.ents if e.label_ in ("NORP", "ORG")]
    things = [c.text for c in context.noun_chunks if c.root.pos_ in ("NOUN", "PROPN") and c.root.tag_ not in ("WP", "WDT")]
    out, changed = [], False
    for token in doc:
        word, low = token.text, token.lower_
        replacement = None
        if low in _PERSON_PRONOUNS and people and token.tag_ in ("PRP", "PRP$"):
            replacement = people[0] + ("'s" if token.tag_ == "PRP$" or low == "his" else "")
        elif low in _GROUP_PRONOUNS and (len(people) > 1 or groups):
            names = " and ".join(people[:2]) if len(people) > 1 else groups[0]
            replacement = names + ("'s" if low == "their" else "")
        elif low in _PLACE_WORDS and places:
            prep = "to " if token.i > 0 and doc[token.i - 1].lemma_.lower() in _MOTION_VERBS | {"get"} or (
                token.i > 0 and doc[token.i - 1].lower_ in _MOTION_VERBS) else "in "
            replacement = prep + places[0]
        elif low in _THING_PRONOUNS and things and not _expletive(token):
            replacement = things[0] + ("'s" if low == "its" else "")
        if replacement:
            changed = True
            word = replacement
        out.append(word + token.whitespace_)
    if changed:
        return "".join(out).strip()
    if len([t for t in doc if not t.is_stop and not t.is_punct]) <= 2:  # too short to stand alone
        return f"{question.rstrip('?')} ({previous.standalone.rstrip('?')})?"
    return question


def _expletive(token) -> bool:
    """'it' in 'how long did it take' or 'is it true' points at nothing."""
    following = [t.lemma_.lower() for t in token.doc[token.i + 1: token.i + 3]]
    return token.dep_ == "expl" or "take" in following or (following and following[0] in ("true", "possible", "likely"))


def _swap_in(previous: str, new: str, nlp) -> str:
    """'When did Kim visit Moscow?' + 'what about Beijing?' -> 'When did Kim visit Beijing?'."""
    new_doc, old_doc = nlp(new), nlp(previous)
    new_labels = {e.label_ for e in new_doc.ents}
    for entity in old_doc.ents:
        if entity.label_ in new_labels:
            return previous[: entity.start_char] + new + previous[entity.end_char:]
    return f"{previous.rstrip('?')} ({new})?"
