"""Text primitives every stage shares: paragraph and sentence spans with exact
offsets, the one whitespace trim, and the word tokenizer and stemmer that BM25,
the sentence scorer and the answer models all use.

The segmenter is rule-based rather than statistical: it runs over every
article at index time, must be fast, and must never move a character. Spans
are ``(start, end)`` into the text, trimmed of surrounding whitespace.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Number words as digits ("twelve" -> "12", "forty" -> "40"): one table for every stage that reads counts in words.
NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({w: str(10 * i) for i, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), 3)})

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\u00a0]*\n\s*")
# A sentence ends at . ! ? (or …) plus closing quotes/brackets, before whitespace.
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s)|\n")
_NEXT_STARTS_SENTENCE = re.compile(r"\s*[\"'\u201c\u2018(\[]?[A-Z0-9\u00c0-\u024f]|\s*\n|\s*[^\x00-\x7f]")
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "gen", "col", "lt", "sgt", "capt", "gov", "sen",
    "rep", "rev", "hon", "pres", "no", "vs", "etc", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig", "approx", "est", "dept", "univ", "e.g",
    "i.e", "u.s", "u.k", "u.n", "a.m", "p.m",
}

# A header line of a news export ("Source: TechCrunch", "URL: https://..."): about the article, never an answer.
_METADATA_LINE = re.compile(
    r"^\s*(?:source|published|updated|posted|date|authors?|by|url|link|category|categories|tags?|section)\s*:\s*\S",
    re.I)


def is_metadata_line(text: str) -> bool:
    """``text`` (one segmented sentence) is a header line such as "Published: 2023-11-06" or "URL: https://..."."""
    return "\n" not in text.strip() and bool(_METADATA_LINE.match(text))


def paragraph_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    end = len(text) if end is None else end
    spans, cursor = [], start
    for match in _PARAGRAPH_BREAK.finditer(text, start, end):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, end))
    return [s for s in (_trim(text, a, b) for a, b in spans) if s]


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    end = len(text) if end is None else end
    spans, cursor = [], start
    for match in _SENTENCE_END.finditer(text, start, end):
        stop = match.end()
        if match.group() != "\n":
            if not _NEXT_STARTS_SENTENCE.match(text, stop, end) or _is_abbreviation(text, cursor, match.start()):
                continue
        spans.append((cursor, stop))
        cursor = stop
    spans.append((cursor, end))
    return [s for s in (_trim(text, a, b) for a, b in spans) if s]


def _is_abbreviation(text: str, sentence_start: int, dot: int) -> bool:
    word_start = dot
    while word_start > sentence_start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot].strip("\"'(“‘").lower()
    if word in _ABBREVIATIONS or word.rsplit("-", 1)[-1] in _ABBREVIATIONS:  # "then-U.S. President"
        return True
    return len(word) == 1 and word.isalpha()  # an initial such as "J. Smith"


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` moved inwards past surrounding whitespace (empty spans stay empty)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    start, end = trimmed(text, start, end)
    return (start, end) if start < end else None


@lru_cache(maxsize=1)
def stemmer():
    """The English Snowball stemmer (PyStemmer), shared by BM25 and the answer models."""
    import Stemmer

    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    return stemmer().stemWord(word)


def tokenize(texts: list[str]) -> list[list[str]]:
    """BM25's own tokenisation: lower-cased words, English stop words dropped, stemmed."""
    import bm25s

    return bm25s.tokenize(texts, stopwords="en", stemmer=stemmer(), return_ids=False, show_progress=False)


@lru_cache(maxsize=8192)
def terms(text: str) -> frozenset[str]:
    """Stemmed content terms of ``text`` (``tokenize`` of one text)."""
    return frozenset(tokenize([text])[0])
