"""What the reader reads: stretches of a chunk around the sentences it is asked about.

Each candidate sentence is read with ``context`` sentences either side (or its
whole chunk), and overlapping or touching windows of one chunk are merged, so
no text is read twice and one batch holds them all.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.text import sentence_spans


@dataclass(frozen=True)
class Window:
    """A stretch of one chunk the reader reads: article offsets ``start``..``end``."""

    chunk_id: str
    start: int
    end: int
    text: str

    def holds(self, sentence) -> bool:
        return sentence.evidence.chunk.id == self.chunk_id and self.start <= sentence.start and sentence.end <= self.end


def reading_windows(pool: list, context: int | None) -> list[Window]:
    """``pool``: sentences with ``evidence``, ``start`` and ``end`` (article offsets). Each sentence with ``context`` sentences either side (within its chunk; None: the whole chunk);
    overlapping or touching windows of a chunk merged into one, so no text is read twice."""
    spans: dict[str, list[tuple[int, int]]] = {}
    chunks = {}
    for sentence in pool:
        chunk = sentence.evidence.chunk
        chunks[chunk.id] = chunk
        if context is None:
            spans.setdefault(chunk.id, []).append((chunk.start, chunk.end))
            continue
        bounds = [(chunk.start + a, chunk.start + b) for a, b in sentence_spans(chunk.text)]
        at = next((i for i, (a, b) in enumerate(bounds) if a <= sentence.start and sentence.end <= b), None)
        if at is None:  # not one of the chunk's own sentences: read it alone
            spans.setdefault(chunk.id, []).append((sentence.start, sentence.end))
            continue
        first, last = max(0, at - context), min(len(bounds) - 1, at + context)
        spans.setdefault(chunk.id, []).append((bounds[first][0], bounds[last][1]))
    windows = []
    for chunk_id, ranges in spans.items():
        chunk, merged = chunks[chunk_id], []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        windows.extend(Window(chunk_id, a, b, chunk.text[a - chunk.start:b - chunk.start]) for a, b in merged)
    return windows
