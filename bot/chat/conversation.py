"""A conversation: follow-up questions are rewritten into standalone ones.

One ``Conversation`` per user: the CLI has one, the web UI one per browser
session. Each question is checked, then answered from the articles using the
earlier turns: a follow-up is rewritten into a standalone question before
retrieval, by the answerer's model when it has one (``Answerer.condense``, llm
backend), otherwise by rules (``bot.chat.rewrite``, spaCy, no LLM). Small talk, ``/reset`` and
questions in a script other than Latin get a short reply without retrieval and
leave the history alone. A follow-up whose "he" or "there" points to nothing
is asked back (an answer of kind "clarify", no retrieval, history left alone);
a short reply to that ("Kim Jong Il") is put in the pronoun's place and the
question answered.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.answer.dated import undated_text
from bot.dates import checked_as_of
from bot.engine import Engine, clean_question
from bot.temporal import question_time
from bot.types import Answer, Done, Filters, Status, Token

_SMALL_TALK = {
    "greeting": (r"(hi|hello|hey|hiya|howdy|good (morning|afternoon|evening|day))( there)?( bot)?",
                 "Hello! Ask me anything about the articles."),
    "thanks": (r"(thanks|thank you|thx|ty|cheers|great|ok|okay|cool|nice|perfect|got it|i see)"
               r"( (so much|a lot|very much|bot))?", "You're welcome. Anything else about the articles?"),
    "bye": (r"(bye|goodbye|see you|see ya|that'?s all|quit|exit)", "Goodbye!"),
    "help": (r"(help|\?+|what can you do|who are you|how does this work)",
             "Ask a question about the articles; I answer with the exact passage I found, or tell you the "
             "articles don't say. Follow-up questions may refer to earlier ones. Type /reset to start over."),
    "wellbeing": (r"how are you( doing)?( today)?", "Fine, thanks. What would you like to know about the articles?"),
}
_SMALL_TALK_RE = {k: (re.compile(rf"^\W*(?:{p})\W*$", re.I), reply) for k, (p, reply) in _SMALL_TALK.items()}
# "Thanks! And when did he die?": the politeness is dropped, the question answered.
_POLITE_PREFIX = re.compile(
    r"^\W*(?:hi|hello|hey|thanks|thank you|thx|ok|okay|great|cool|nice|perfect)(?: (?:so much|a lot|bot))?[\s,.!;:]+(?=\w)",
    re.I,
)
_ANSI_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
RESET_COMMANDS = {"/reset", "/clear", "/new"}
RESET_REPLY = "Conversation reset. Ask a new question."
ENGLISH_ONLY_REPLY = "I can only answer questions in English (the articles are read in English)."


@dataclass(frozen=True)
class Turn:
    question: str
    standalone: str
    answer: Answer


@dataclass(frozen=True)
class PendingClarification:
    """A follow-up that was asked back: the question, and the word the user is asked to name."""

    question: str
    word: str


def small_talk_reply(text: str) -> str | None:
    for pattern, reply in _SMALL_TALK_RE.values():
        if pattern.match(text):
            return reply
    return None


def foreign_script(text: str) -> bool:
    """True when ``text`` has letters but none of them Latin (Chinese, Arabic, Cyrillic, ...)."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and not any(unicodedata.name(ch, "").startswith("LATIN") for ch in letters)


@dataclass
class Conversation:
    engine: Engine
    filters: Filters = field(default_factory=Filters)
    k: int | None = None
    as_of: dt.date | None = None  # answer as of this day (None: today); nothing published later is read
    turns: list[Turn] = field(default_factory=list)
    max_turns: int = 20
    pending: PendingClarification | None = None

    def reset(self) -> None:
        self.turns.clear()
        self.pending = None

    def ask(self, text: str) -> Answer:
        events = list(self.stream(text))
        return events[-1].answer

    def stream(self, text: str) -> Iterator[Status | Token | Done]:
        """The answer as events: a status while searching, the answer's text as it is written, then the ``Answer``."""
        checked = self._check(text)
        reply = self._quick_reply(checked)
        if reply is not None:
            yield Token(reply.answer)
            yield Done(reply)
            return
        question = self._answering_clarification(_POLITE_PREFIX.sub("", checked, count=1))
        resolution = self.resolve(question)
        if resolution.ask_back is not None:
            self.pending = PendingClarification(question, resolution.word)
            reply = _reply(checked, resolution.ask_back, kind="clarify")
            yield Token(reply.answer)
            yield Done(reply)
            return
        standalone = resolution.standalone
        when = question_time(standalone, checked_as_of(self.as_of)).describe() or ""
        searching = "Searching the articles…" if standalone == question else f"Searching the articles for: {standalone}"
        yield Status(searching + (f" ({when})" if when else ""), standalone if standalone != checked else "", when)
        for event in self.engine.stream(checked, standalone=standalone, filters=self.filters, k=self.k, as_of=self.as_of,
                                        given=resolution.given, focus=resolution.focus,
                                        elliptic=resolution.elliptic, after=self._followed(question, standalone)):
            if isinstance(event, Done):
                answer = event.answer
                self.turns.append(Turn(answer.question, answer.standalone_question, answer))
                del self.turns[: -self.max_turns]
            yield event

    def _followed(self, question: str, standalone: str) -> tuple:
        """What the previous answer cited, when ``question`` follows it up (it had to be rewritten to stand alone)."""
        if not self.turns or standalone == question or not self.turns[-1].answer.answerable:
            return ()
        return self.turns[-1].answer.citations[:1]

    def standalone(self, question: str) -> str:
        """``question`` rewritten to stand alone given the turns so far (unchanged when it would be asked back)."""
        return self.resolve(question).standalone

    def resolve(self, question: str):
        """``question`` rewritten to stand alone, or what to ask back (a ``bot.chat.rewrite.Resolution``)."""
        from bot.chat.rewrite import Resolution, resolve_follow_up

        if not self.turns:
            return Resolution(question)
        condense = getattr(self.engine.answerer, "condense", None)  # an answerer with an LLM condenses
        if condense is not None:
            history = [(t.standalone, t.answer.answer if t.answer.answerable else None) for t in self.turns]
            condensed = condense(question, history)
            if condensed:
                return Resolution(condensed)
        return resolve_follow_up(question, [exchange(t) for t in self.turns], self.engine.models.nlp)

    def _answering_clarification(self, text: str) -> str:
        """After "Who do you mean by 'he'?", a short reply naming someone ("Kim Jong Il", "I mean Kim") is put in
        the pronoun's place in the question asked back; anything else is a new question."""
        pending, self.pending = self.pending, None
        if pending is None:
            return text
        from bot.chat.rewrite import fill_clarification

        return fill_clarification(pending.question, pending.word, text, self.engine.models.nlp) or text

    def _check(self, text: str) -> str:
        """The question cleaned (terminal escapes and control characters removed); ``QuestionError`` if unusable."""
        limit = self.engine.settings.answer.max_question_chars
        if text is not None and len(text) <= limit:
            text = _ANSI_ESCAPE.sub(" ", text)
        return clean_question(text, limit)

    def _quick_reply(self, question: str) -> Answer | None:
        if question.lower() in RESET_COMMANDS:
            self.reset()
            return _reply(question, RESET_REPLY)
        if foreign_script(question):
            return _reply(question, ENGLISH_ONLY_REPLY, kind="refusal")
        reply = small_talk_reply(question)
        return _reply(question, reply) if reply is not None else None


def exchange(turn: Turn):
    """What the rewriter reads of a turn: the standalone question, the answer (None if refused), the cited sentence
    and the passage around it."""
    from bot.chat.antecedents import Exchange

    answer = turn.answer
    if not answer.answerable:
        return Exchange(turn.standalone)
    cited = answer.citations[0] if answer.citations else None
    return Exchange(turn.standalone, undated_text(answer.answer), cited.quote if cited else "", cited.chunk_text if cited else "")


def ask_once(engine: Engine, question: str, filters: Filters | None = None, k: int | None = None,
             as_of: dt.date | None = None) -> Answer:
    """One question with no conversation before it: what ``bot ask`` and the web UI's ``/ask`` answer."""
    return Conversation(engine, filters or Filters(), k, as_of).ask(question)


def _reply(question: str, text: str, kind: str = "smalltalk") -> Answer:
    return Answer(question=question, standalone_question=question, answer=text, answerable=False, kind=kind)
