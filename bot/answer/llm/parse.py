"""The model's reply, read as it streams: clean text for the reader, and sentences with the ids they cite.

The model writes sentences followed by bracketed sentence ids (``... 20 hours
[1.2].`` or ``[1.2, 2.1]`` or ``[1.2][2.1]``). Markers are taken out of the
text (with the space before them); a marker belongs to the sentence it
follows, or to the first sentence when it comes before any text. Any bracket of
bare numbers is taken out, so nothing that looks like a citation marker but is
not one reaches the reader: ids that are not ``p.s`` or name no passage
sentence are dropped later, never shown.

Streaming: ``StreamParser.feed`` returns the text that is now certain (never
a half-written marker or trailing space that a marker may yet swallow) and
each sentence as soon as the next one starts; ``close`` flushes the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import sentence_spans

MARKER = re.compile(r"\s*\[\s*(\d+(?:\.\d+)?(?:\s*[,;]\s*\d+(?:\.\d+)?)*)\s*\]")
_PARTIAL_MARKER = re.compile(r"\s*\[[\d.,;\s]*$")
_SENTENCE_ID = re.compile(r"^\d+\.\d+$")
_REFUSAL = re.compile(
    r"\b(?:articles?|passages?|texts?|sources?|context)\b.{0,30}\b(?:don'?t|do not|does not|doesn'?t|did not)\b"
    r".{0,20}\b(?:say|says|contain|provide|mention|answer|include|state)"
    r"|\b(?:can ?not|can't|unable to)\s+(?:be\s+)?answer|\bno (?:relevant )?information\b|\bnot (?:mentioned|stated)\b",
    re.I,
)


@dataclass(frozen=True)
class DraftSentence:
    text: str
    ids: tuple[str, ...]  # as written, deduplicated, in order; may name nothing that exists


def strip_markers(raw: str) -> tuple[str, list[tuple[int, tuple[str, ...]]]]:
    """``raw`` without its markers, and each marker's position in the stripped text with the ids in it."""
    out, markers, cursor = [], [], 0
    for match in MARKER.finditer(raw):
        out.append(raw[cursor:match.start()])
        cursor = match.end()
        ids = tuple(part.strip() for part in re.split(r"[,;]", match.group(1)))
        markers.append((sum(len(piece) for piece in out), ids))
    out.append(raw[cursor:])
    return "".join(out), markers


def sentences_of(text: str, markers: list[tuple[int, tuple[str, ...]]]) -> list[tuple[int, int, tuple[str, ...]]]:
    """``(start, end, ids)`` of each sentence of the stripped text."""
    spans = [(a, b) for a, b in sentence_spans(text) if any(ch.isalnum() for ch in text[a:b])]
    ids: list[list[str]] = [[] for _ in spans]
    for position, found in markers:
        owner = max((i for i, (a, _) in enumerate(spans) if a < position), default=0)
        if spans:
            ids[owner].extend(i for i in found if i not in ids[owner])
    return [(a, b, tuple(own)) for (a, b), own in zip(spans, ids)]


def valid_id(sentence_id: str) -> bool:
    return bool(_SENTENCE_ID.match(sentence_id))


def is_refusal(text: str) -> bool:
    """The model said the passages do not answer (in the prompt's words or its own)."""
    return bool(_REFUSAL.search(text))


class StreamParser:
    def __init__(self):
        self.raw = ""
        self.emitted = 0  # characters of the stripped text handed out
        self.completed = 0  # sentences handed out

    def feed(self, delta: str) -> list[str | DraftSentence]:
        """Text pieces and complete sentences, in reading order, that ``delta`` makes certain."""
        self.raw += delta
        return self._advance(final=False)

    def close(self) -> list[str | DraftSentence]:
        return self._advance(final=True)

    @property
    def text(self) -> str:
        return strip_markers(self.raw)[0].strip()

    def _advance(self, final: bool) -> list[str | DraftSentence]:
        body = self.raw
        if not final and (partial := _PARTIAL_MARKER.search(body)):
            body = body[:partial.start()]
        text, markers = strip_markers(body)
        stable = len(text) if final else len(text.rstrip())
        sentences = sentences_of(text, markers)
        if text.strip():
            self.emitted = max(self.emitted, len(text) - len(text.lstrip()))  # no leading space (a marker came first)
        complete = sentences if final else sentences[:-1]
        out: list[str | DraftSentence] = []
        for start, end, ids in complete[self.completed:]:
            if end > self.emitted:
                out.append(text[self.emitted:end])
                self.emitted = end
            out.append(DraftSentence(text[start:end], ids))
        self.completed = max(self.completed, len(complete))
        if stable > self.emitted:
            piece = text[self.emitted:stable]
            out.append(piece.rstrip() if final else piece)
            self.emitted = stable
        return [piece for piece in out if not isinstance(piece, str) or piece]
