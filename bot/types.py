"""The small core types every stage passes along. Offsets are always into ``Article.text``."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    kind: str = "answer"  # "answer", "refusal" or "smalltalk"

    def to_json(self) -> dict:
        def cite(c: Citation) -> dict:
            return {
                "n": c.n, "article_id": c.article_id, "title": c.title, "date": c.date,
                "source": c.source, "path": c.path, "start": c.start, "end": c.end, "quote": c.quote,
            }

        return {
            "question": self.question,
            "standalone_question": self.standalone_question,
            "answer": self.answer,
            "answerable": self.answerable,
            "citations": [cite(c) for c in self.citations],
            "related": [cite(c) for c in self.related],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }
