"""A conversation: follow-up questions are rewritten into standalone ones.

One ``Conversation`` per user: the CLI has one, the web UI one per browser
session. Each question is checked, then answered from the articles using the
earlier turns: a follow-up is rewritten into a standalone question before
retrieval, by the answerer's model when it has one (``Answerer.condense``, llm
backend), otherwise by rules (``bot.chat.rewrite``, spaCy, no LLM). Small talk, ``/reset`` and
questions in a script other than Latin get a short reply without retrieval and
leave the history alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.engine import Engine, clean_question
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


def small_talk_reply(text: str) -> str | None:
    for pattern, reply in _SMALL_TALK_RE.values():
        if pattern.match(text):
            return reply
    return None


def foreign_script(text: str) -> bool:
    """True when ``text`` has letters but none of them Latin (Chinese, Arabic, Cyrillic, ...)."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and not any(unicodedata.name(ch, "").startswith("LATIN") for ch in letters)


def _default_filters():
    from bot.types import Filters

    return Filters()


@dataclass
class Conversation:
    engine: Engine
    filters: Filters = field(default_factory=Filters)
    k: int | None = None
    turns: list[Turn] = field(default_factory=list)
    max_turns: int = 20

    def reset(self) -> None:
        self.turns.clear()

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
        question = _POLITE_PREFIX.sub("", checked, count=1)
        standalone = self.standalone(question)
        searching = "Searching the articles…" if standalone == question else f"Searching the articles for: {standalone}"
        yield Status(searching, standalone if standalone != checked else "")
        for event in self.engine.stream(checked, standalone=standalone, filters=self.filters, k=self.k):
            if isinstance(event, Done):
                answer = event.answer
                self.turns.append(Turn(answer.question, answer.standalone_question, answer))
                del self.turns[: -self.max_turns]
            yield event

    def standalone(self, question: str) -> str:
        """``question`` rewritten to stand alone given the turns so far."""
        if not self.turns:
            return question
        from bot.chat.rewrite import rewrite_follow_up

        history = [(t.standalone, t.answer.answer if t.answer.answerable else None) for t in self.turns]
        condense = getattr(self.engine.answerer, "condense", None)  # an answerer with an LLM condenses
        condensed = condense(question, history) if condense else None
        return condensed or rewrite_follow_up(question, history, self.engine.models.nlp)

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


def ask_once(engine: Engine, question: str, filters: Filters | None = None, k: int | None = None) -> Answer:
    """One question with no conversation before it: what ``bot ask`` and the web UI's ``/ask`` answer."""
    return Conversation(engine, filters or Filters(), k).ask(question)


def _reply(question: str, text: str, kind: str = "smalltalk") -> Answer:
    return Answer(question=question, standalone_question=question, answer=text, answerable=False, kind=kind)
