"""Paragraph and sentence spans with exact offsets.

A rule-based segmenter rather than a statistical one: it runs over every
article at index time, must be fast, and must never move a character. Spans
are ``(start, end)`` into the text, trimmed of surrounding whitespace.
"""

from __future__ import annotations

import re

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
    if word in _ABBREVIATIONS:
        return True
    return len(word) == 1 and word.isalpha()  # an initial such as "J. Smith"


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
