"""'Summarize the article', 'What is this story about?', 'What are the main points?'.

No span answers these: the answer is an extractive summary (``summary.summarize``: the few most
central sentences of one article, in article order), each sentence cited at its exact offsets.
The article is the one ``--article`` names when it names one, else the article of the best
retrieved passage (so "Summarize the article about the train" picks the train story).
"""

from __future__ import annotations

import re

from bot.answer.summary import summarize
from bot.types import Answer, Chunk, Citation

SUMMARY_SENTENCES = 3
_SUMMARY = re.compile(
    r"\b(?:summari[sz]e|summary|sum\s+(?:it\s+)?up|main\s+points?|key\s+points?|gist|tl;?\s*dr|in\s+a\s+nutshell"
    r"|what\s+(?:is|was|'s)\s+(?:this|the|that)\s+(?:article|story|piece|report|text)\s+about"
    r"|what\s+(?:does|did)\s+(?:this|the|that)\s+(?:article|story|piece|report)\s+say)\b",
    re.I,
)


def wants_summary(question: str) -> bool:
    return bool(_SUMMARY.search(question))


def summary_article(retrieval) -> str | None:
    """The article to summarise: the one the filters name, else the best passage's."""
    named = retrieval.query.filters.articles
    if len(named) == 1:
        return named[0]
    return retrieval.evidence[0].chunk.article_id if retrieval.evidence else None


def summary_answer(retrieval, chunks: list[Chunk], k: int = SUMMARY_SENTENCES) -> Answer | None:
    """The summary of the article ``chunks`` (all of one article's chunks) make up; None when it has
    no sentence to summarise with."""
    if not chunks:
        return None
    chunks = sorted(chunks, key=lambda c: c.start)
    text = reassembled(chunks)
    picked = summarize(text, k=k)
    if not picked:
        return None
    citations = []
    for n, sentence in enumerate(picked, 1):
        chunk = next((c for c in chunks if c.start <= sentence.start and sentence.end <= c.end), None)
        if chunk is None:
            continue
        citations.append(Citation(
            n=n, article_id=chunk.article_id, title=chunk.title, start=sentence.start, end=sentence.end,
            quote=sentence.text, date=chunk.date, source=chunk.source, path=chunk.path,
            chunk_start=chunk.start, chunk_text=chunk.text,
        ))
    if not citations:
        return None
    query = retrieval.query
    return Answer(
        question=query.question, standalone_question=query.standalone, answer=" ".join(c.quote for c in citations),
        answerable=True, citations=tuple(citations), timings_ms=retrieval.timings, retrieved=retrieval.evidence,
        score=1.0, kind="summary",
    )


def reassembled(chunks: list[Chunk]) -> str:
    """The article text rebuilt from its chunks at their offsets (every non-blank character is in a chunk;
    the blanks between them come back as line breaks, so paragraphs stay paragraphs)."""
    out: list[str] = []
    length = 0
    for chunk in chunks:
        if chunk.start > length:
            gap = chunk.start - length
            out.append("\n" * gap if gap > 1 else " ")
            length = chunk.start
        if chunk.end > length:
            out.append(chunk.text[length - chunk.start:])
            length = chunk.end
    return "".join(out)
