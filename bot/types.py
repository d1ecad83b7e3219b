"""The small core types every stage passes along. Offsets are always into ``Article.text``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.dates import date_epoch, end_of_day_epoch, parse_day
from bot.errors import ConfigError

if TYPE_CHECKING:
    from bot.temporal import TimeIntent


HEADLINE_WORDS = 6  # a title this long is a headline ("Kim Jong Un may repeat his 2019 journey ..."), not a topic


@dataclass(frozen=True)
class Article:
    id: str  # path relative to the corpus root, without extension
    path: str  # path relative to the corpus root, posix
    title: str
    text: str  # the body exactly as stored (front matter removed); offsets point here
    content_hash: str
    date: str | None = None  # ISO 8601
    source: str | None = None
    url: str | None = None
    authors: tuple[str, ...] = ()
    date_source: str | None = None  # where ``date`` was found: "front_matter", "html", "path" or "dateline"


@dataclass(frozen=True)
class Chunk:
    id: str
    article_id: str
    index: int
    start: int
    end: int
    text: str  # == article.text[start:end]
    title: str = ""
    path: str = ""
    date: str | None = None
    source: str | None = None
    url: str | None = None

    @property
    def opens_story(self) -> bool:
        """The first chunk of a news story: its lead, which sums the story up. Under a title of a few words
        ("1973 oil crisis", "Genghis Khan") the first chunk is only the first part of a topic, not a lead."""
        return self.index == 0 and len(self.title.split()) >= HEADLINE_WORDS


@dataclass(frozen=True)
class Filters:
    """What a question may be answered from: one source, a date range (inclusive), some articles."""

    source: str | None = None
    since: str | None = None  # ISO date, inclusive
    until: str | None = None  # ISO date, inclusive
    articles: tuple[str, ...] = ()

    @classmethod
    def parse(cls, source: str | None = None, since: str | None = None, until: str | None = None,
              articles=(), labels: tuple[str, str] = ("--since", "--until")) -> "Filters":
        """Filters from user input (flags, form fields): blanks mean no filter; a bad date is a
        ``ConfigError`` naming the field (``labels``) it came from."""
        days = []
        for label, value in zip(labels, (since, until)):
            try:
                days.append(parse_day(value))
            except ValueError:
                raise ConfigError(f"{label} {value.strip()!r} is not a date: use YYYY-MM-DD") from None
        return cls(source=(source or "").strip() or None, since=days[0], until=days[1],
                   articles=tuple(a for a in (articles or ()) if a))

    def accepts(self, chunk: "Chunk") -> bool:
        if self.source and chunk.source != self.source:
            return False
        epoch = date_epoch(chunk.date)
        if self.since and (epoch is None or epoch < date_epoch(self.since)):
            return False
        if self.until and (epoch is None or epoch > end_of_day_epoch(self.until)):
            return False
        return not self.articles or chunk.article_id in self.articles

    @property
    def active(self) -> bool:
        return bool(self.source or self.since or self.until or self.articles)


@dataclass(frozen=True)
class Evidence:
    """A retrieved chunk with the score that ranked it."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    bm25_rank: int | None = None


@dataclass(frozen=True)
class Citation:
    n: int
    article_id: str
    title: str
    start: int
    end: int
    quote: str  # == article.text[start:end]
    date: str | None = None
    source: str | None = None
    path: str = ""
    chunk_start: int = 0  # the cited chunk, for showing the quote in context
    chunk_text: str = ""
    answer_start: int | None = None  # where the short answer's words are inside the quote (article offsets)
    answer_end: int | None = None


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of a generated answer, with the citations (``Citation.n``) it claims and whether
    the verifier found it backed by them (``bot.answer.llm.verify``)."""

    text: str
    citations: tuple[int, ...] = ()
    verified: bool = False


@dataclass(frozen=True)
class Answer:
    question: str
    standalone_question: str
    answer: str
    answerable: bool
    citations: tuple[Citation, ...] = ()
    related: tuple[Citation, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    retrieved: tuple[Evidence, ...] = ()
    score: float = 0.0
    kind: str = "answer"  # "answer", "refusal", "smalltalk" or "clarify" (a follow-up asked back: "Who do you mean by 'he'?")
    generation: str | None = None  # the index generation that was searched (None when none was)
    as_of: dt.date | None = None  # the day it was answered at: nothing published later was read
    time: str | None = None  # what the question said about time, as read ("June 2023", "latest as of 3 May 2024")
    backend: str = "extractive"  # the answerer that wrote ``answer``: "extractive" or "llm"
    model: str | None = None  # the language model that wrote it (llm backend)
    prompt_version: str | None = None  # the prompt it was asked with (llm backend)
    sentences: tuple[AnswerSentence, ...] = ()  # a generated answer as shown, sentence by sentence (empty for extractive)
    sentences_written: int = 0  # sentences the model wrote, including those dropped or replaced by the fallback
    fallback: str | None = None  # why the LLM's answer was replaced by the extractive one, when it was

    def to_json(self) -> dict:
        def cite(c: Citation) -> dict:
            return {
                "n": c.n, "article_id": c.article_id, "title": c.title, "date": c.date,
                "source": c.source, "path": c.path, "start": c.start, "end": c.end, "quote": c.quote,
                "answer_start": c.answer_start, "answer_end": c.answer_end,
            }

        return {
            "question": self.question,
            "standalone_question": self.standalone_question,
            "answer": self.answer,
            "answerable": self.answerable,
            "citations": [cite(c) for c in self.citations],
            "related": [cite(c) for c in self.related],
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "time": self.time,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "backend": self.backend,
            "model": self.model,
            "prompt_version": self.prompt_version,
            "sentences": [{"text": s.text, "citations": list(s.citations), "verified": s.verified}
                          for s in self.sentences],
            "sentences_written": self.sentences_written,
            "fallback": self.fallback,
        }


@dataclass(frozen=True)
class Query:
    """One question on its way through the pipeline."""

    question: str  # as asked (cleaned)
    standalone: str  # rewritten to stand alone from the conversation; == question for a first question
    filters: Filters = Filters()
    k: int = 5  # chunks to retrieve
    as_of: dt.date | None = None  # evidence published after this day is never used (None: no limit)
    time: TimeIntent | None = None  # what the question says about time, read against ``as_of``
    given: tuple[str, ...] = ()  # answers already given that this follow-up asks beyond ("And in 2010?")
    focus: tuple[str, ...] = ()  # what a follow-up put in ("the British", "in North Carolina"): the answer is about it
    elliptic: bool = False  # the follow-up swapped ``focus`` into the previous question ("And the British?")
    after: tuple = ()  # the ``Citation``s of the answer a follow-up follows: it is most likely about the same passage


# Events of a streamed answer; front ends decide how to show each.
@dataclass(frozen=True)
class Status:
    text: str  # what is being done, e.g. "Searching the articles for: ..."
    standalone: str = ""  # the standalone question being searched, when it differs from the question asked
    time: str = ""  # what the question says about time, as read ("June 2023", "latest as of 3 May 2024")


@dataclass(frozen=True)
class Token:
    text: str  # the next piece of the answer's text


@dataclass(frozen=True)
class Checked:
    """A sentence of a generated answer is complete and was verified; its text has already streamed as
    ``Token``s. ``shown`` is False when ``llm.unverified = "drop"`` removes it from the final answer."""

    sentence: AnswerSentence
    shown: bool = True


@dataclass(frozen=True)
class Notice:
    """Something the reader should know before the answer that follows, e.g. the LLM failed and the
    extractive answer comes instead. Text streamed before it is replaced by what follows."""

    text: str


@dataclass(frozen=True)
class Done:
    answer: "Answer"  # the whole answer, citations checked
