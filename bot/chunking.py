"""Cut articles into overlapping, paragraph- and sentence-aware chunks.

Chunks are spans of sentences, so ``article.text[chunk.start:chunk.end] ==
chunk.text`` by construction and every non-blank character of the article is
in some chunk. Sentences are packed greedily up to ``max_tokens`` word pieces
of the embedder's own tokenizer; the embedder silently drops anything past its
window (256 pieces for all-MiniLM-L6-v2, [CLS] and [SEP] included), so the
budget is also capped by that window. A chunk that ends inside a paragraph
hands its last ``overlap_sentences`` sentences to the next one. A sentence too
long on its own (no punctuation, a URL, CJK text) is cut into windows of word
pieces, at a space when one is near. Every chunk is counted again at the end,
so the cap holds even for tokenizers whose counts do not simply add up.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from bot.text import paragraph_spans, sentence_spans
from bot.types import Article, Chunk

Unit = tuple[int, int, int, int]  # (start, end, word pieces, paragraph number)


class TokenCounter(Protocol):
    max_pieces: int  # the model's window minus its special tokens

    def count(self, texts: list[str]) -> list[int]: ...
    def offsets(self, text: str) -> list[tuple[int, int]]: ...


def chunk_budget(counter: TokenCounter, max_tokens: int) -> int:
    """Word pieces a chunk may hold: the setting, within the model's window."""
    return max(1, min(max_tokens, counter.max_pieces))


def chunk_article(article: Article, counter: TokenCounter, max_tokens: int, overlap_sentences: int) -> list[Chunk]:
    spans = chunk_spans(article.text, counter, chunk_budget(counter, max_tokens), overlap_sentences)
    return [
        Chunk(
            id=f"{article.id}#{i}",
            article_id=article.id,
            index=i,
            start=start,
            end=end,
            text=article.text[start:end],
            title=article.title,
            path=article.path,
            date=article.date,
            source=article.source,
            url=article.url,
        )
        for i, (start, end) in enumerate(spans)
    ]


def chunk_spans(text: str, counter: TokenCounter, budget: int, overlap: int) -> list[tuple[int, int]]:
    """``(start, end)`` of each chunk of ``text``, none over ``budget`` word pieces."""
    spans = _pack(list(_units(text, counter, budget)), budget, overlap)
    counts = counter.count([text[a:b] for a, b in spans])
    checked: list[tuple[int, int]] = []
    for (start, end), pieces in zip(spans, counts):
        if pieces <= budget:
            checked.append((start, end))
        else:  # the parts did not add up to the whole: cut this chunk into exact windows
            checked.extend((a, b) for a, b, _ in _windows(text, start, end, counter, budget))
    return checked


def _units(text: str, counter: TokenCounter, budget: int) -> Iterator[Unit]:
    for number, (p_start, p_end) in enumerate(paragraph_spans(text)):
        spans = sentence_spans(text, p_start, p_end)
        counts = counter.count([text[a:b] for a, b in spans])
        for (start, end), pieces in zip(spans, counts):
            if pieces <= budget:
                yield start, end, pieces, number
            else:
                for a, b, n in _windows(text, start, end, counter, budget):
                    yield a, b, n, number


def _windows(text: str, start: int, end: int, counter: TokenCounter, budget: int) -> Iterator[tuple[int, int, int]]:
    """Cut ``text[start:end]`` into consecutive spans of at most ``budget`` pieces.

    The tokenizer runs once over the whole span; each window ends at a space
    between pieces when one lies in its second half, else mid-word. Windows
    are contiguous, so characters the tokenizer ignores are still covered.
    """
    offsets = [(start + a, start + b) for a, b in counter.offsets(text[start:end]) if b > a]
    first = 0
    cursor = start
    while cursor < end:
        if len(offsets) - first <= budget:
            stop = end
        else:
            last = first + budget  # exclusive
            while last > first + budget // 2 and not _space_between(text, offsets[last - 1][1], offsets[last][0]):
                last -= 1
            if last <= first + budget // 2:
                last = first + budget
            stop = offsets[last - 1][1]
        piece_start, piece_end = _trimmed(text, cursor, stop)
        pieces = counter.count([text[piece_start:piece_end]])[0] if piece_end > piece_start else 0
        while pieces > budget and stop > cursor + 1:  # a mid-word cut can re-tokenize longer: shrink
            stop = max(cursor + 1, stop - max(1, (stop - cursor) * (pieces - budget) // pieces))
            piece_start, piece_end = _trimmed(text, cursor, stop)
            pieces = counter.count([text[piece_start:piece_end]])[0] if piece_end > piece_start else 0
        if piece_end > piece_start:
            yield piece_start, piece_end, pieces
        cursor = stop
        while first < len(offsets) and offsets[first][0] < cursor:
            first += 1


def _space_between(text: str, left: int, right: int) -> bool:
    return any(ch.isspace() for ch in text[left:right])


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _pack(units: list[Unit], budget: int, overlap: int) -> list[tuple[int, int]]:
    paragraph_pieces: dict[int, int] = {}
    for unit in units:
        paragraph_pieces[unit[3]] = paragraph_pieces.get(unit[3], 0) + unit[2]
    chunks: list[tuple[int, int]] = []
    current: list[Unit] = []
    size = 0
    for unit in units:
        fits = size + unit[2] <= budget
        # Prefer to break between paragraphs once the chunk is half full and the next paragraph won't fit.
        paragraph_break = (
            current and unit[3] != current[-1][3] and size >= budget // 2
            and paragraph_pieces[unit[3]] > budget - size
        )
        if current and (not fits or paragraph_break):
            chunks.append((current[0][0], current[-1][1]))
            carried = current[-overlap:] if overlap and unit[3] == current[-1][3] else []
            while carried and sum(u[2] for u in carried) + unit[2] > budget:
                carried = carried[1:]
            current = list(carried)
            size = sum(u[2] for u in current)
        current.append(unit)
        size += unit[2]
    if current:
        chunks.append((current[0][0], current[-1][1]))
    return chunks
