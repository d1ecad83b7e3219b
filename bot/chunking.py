"""Cut articles into overlapping, paragraph- and sentence-aware chunks.

Chunks are spans of sentences, so ``article.text[chunk.start:chunk.end] ==
chunk.text`` by construction and every non-blank character of the article is
in some chunk. Sentences are packed greedily up to ``max_tokens`` word pieces
of the embedder's own tokenizer; the embedder silently drops anything past its
window (256 pieces for all-MiniLM-L6-v2, [CLS] and [SEP] included), so the
budget is also capped by that window. A chunk that ends inside a paragraph
hands its last ``overlap_sentences`` sentences to the next one. A sentence too
long on its own (no punctuation, a URL, CJK text) is cut into windows of word
pieces, at a space when one is near, and never longer than
``MAX_CHARS_PER_PIECE`` characters a piece (a run of letters with no space is one
unknown piece to the embedder, however long). Every chunk is counted again at
the end, so the cap holds even for tokenizers whose counts do not simply add up.

Time is linear in the article's length: the tokenizer is slower than linear on
very long inputs, so it never sees more than ``SEGMENT_CHARS`` characters at
once (longer texts are counted in segments cut at whitespace), and a window
cut at a space takes its count from the pieces it holds instead of being
tokenized again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from bot.text import paragraph_spans, sentence_spans
from bot.types import Article, Chunk

Unit = tuple[int, int, int, int]  # (start, end, word pieces, paragraph number)
Progress = Callable[[int, int], None]  # (characters chunked, characters in all)
SEGMENT_CHARS = 8192  # the most the tokenizer is given at once
MAX_CHARS_PER_PIECE = 16  # a window holds at most budget x this many characters


class TokenCounter(Protocol):
    max_pieces: int  # the model's window minus its special tokens

    def count(self, texts: list[str]) -> list[int]: ...
    def offsets(self, text: str) -> list[tuple[int, int]]: ...


def chunk_budget(counter: TokenCounter, max_tokens: int) -> int:
    """Word pieces a chunk may hold: the setting, within the model's window."""
    return max(1, min(max_tokens, counter.max_pieces))


def chunk_article(
    article: Article, counter: TokenCounter, max_tokens: int, overlap_sentences: int, progress: Progress | None = None
) -> list[Chunk]:
    spans = chunk_spans(article.text, counter, chunk_budget(counter, max_tokens), overlap_sentences, progress)
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


def chunk_spans(
    text: str, counter: TokenCounter, budget: int, overlap: int, progress: Progress | None = None
) -> list[tuple[int, int]]:
    """``(start, end)`` of each chunk of ``text``, none over ``budget`` word pieces."""
    spans = _pack(list(_units(text, counter, budget, progress)), budget, overlap, budget * MAX_CHARS_PER_PIECE)
    counts = count_pieces(counter, [text[a:b] for a, b in spans])
    checked: list[tuple[int, int]] = []
    for (start, end), pieces in zip(spans, counts):
        if pieces <= budget:
            checked.append((start, end))
        else:  # the parts did not add up to the whole: cut this chunk into exact windows
            checked.extend((a, b) for a, b, _ in _windows(text, start, end, counter, budget, exact=True))
    return checked


def count_pieces(counter: TokenCounter, texts: list[str]) -> list[int]:
    """``counter.count`` of each text, a long text counted as the sum of its segments (see ``segments``).

    Exact for tokenizers that split at whitespace first (WordPiece, BPE with a whitespace
    pre-tokenizer); a segment cut inside a word can only count a piece more, never fewer.
    """
    parts: list[str] = []
    owners: list[int] = []
    for i, text in enumerate(texts):
        for a, b in segments(text):
            parts.append(text[a:b])
            owners.append(i)
    totals = [0] * len(texts)
    for owner, pieces in zip(owners, counter.count(parts) if parts else []):
        totals[owner] += pieces
    return totals


def piece_offsets(counter: TokenCounter, text: str) -> list[tuple[int, int]]:
    """``counter.offsets(text)``, computed segment by segment (see ``segments``)."""
    offsets: list[tuple[int, int]] = []
    for a, b in segments(text):
        offsets.extend((a + x, a + y) for x, y in counter.offsets(text[a:b]))
    return offsets


def segments(text: str, size: int = SEGMENT_CHARS) -> list[tuple[int, int]]:
    """Consecutive spans covering ``text``, each at most ``size`` characters, cut after whitespace
    in a span's second half when there is some there, else mid-word."""
    spans, start = [], 0
    while len(text) - start > size:
        cut = start + size
        while cut > start + size // 2 and not text[cut - 1].isspace():
            cut -= 1
        if cut <= start + size // 2:
            cut = start + size
        spans.append((start, cut))
        start = cut
    spans.append((start, len(text)))
    return spans


def _units(text: str, counter: TokenCounter, budget: int, progress: Progress | None = None) -> Iterator[Unit]:
    for number, (p_start, p_end) in enumerate(paragraph_spans(text)):
        spans = sentence_spans(text, p_start, p_end)
        max_chars = budget * MAX_CHARS_PER_PIECE
        short = [(a, b) for a, b in spans if b - a <= max_chars]  # longer ones are cut into windows uncounted
        counted = dict(zip(short, count_pieces(counter, [text[a:b] for a, b in short])))
        for start, end in spans:
            pieces = counted.get((start, end), budget + 1)
            if pieces <= budget:
                yield start, end, pieces, number
            else:
                for a, b, n in _windows(text, start, end, counter, budget):
                    yield a, b, n, number
        if progress is not None:
            progress(p_end, len(text))


def _windows(
    text: str, start: int, end: int, counter: TokenCounter, budget: int, exact: bool = False
) -> Iterator[tuple[int, int, int]]:
    """Cut ``text[start:end]`` into consecutive spans of at most ``budget`` pieces and
    ``budget * MAX_CHARS_PER_PIECE`` characters.

    The tokenizer runs once over the whole span; each window ends at a space
    between pieces when one lies in its second half, else mid-word. A window
    ending at such a space counts the pieces it holds; any other window (or
    every window, when ``exact``) is tokenized again and shrunk until it fits.
    Windows are contiguous, so characters the tokenizer ignores are still covered.
    """
    offsets = [(start + a, start + b) for a, b in piece_offsets(counter, text[start:end]) if b > a]
    max_chars = budget * MAX_CHARS_PER_PIECE
    first = 0
    cursor = start
    clean_start = True  # the window starts at a piece boundary after whitespace
    while cursor < end:
        if len(offsets) - first <= budget and end - cursor <= max_chars:
            stop, last, at_space = end, len(offsets), True
        else:
            last = min(len(offsets), first + budget)  # exclusive
            while last > first + 1 and offsets[last - 1][1] - cursor > max_chars:
                last -= 1
            floor = first + (last - first) // 2
            while last > floor and last < len(offsets) and not _space_between(text, offsets[last - 1][1], offsets[last][0]):
                last -= 1
            if last <= floor:
                last = min(len(offsets), first + budget)
                while last > first + 1 and offsets[last - 1][1] - cursor > max_chars:
                    last -= 1
            stop = offsets[last - 1][1] if last > first else end
            at_space = last == len(offsets) or _space_between(text, offsets[last - 1][1], offsets[last][0])
            if stop - cursor > max_chars:  # one piece longer than a window: cut it by characters
                stop, at_space = cursor + max_chars, False
        piece_start, piece_end = _trimmed(text, cursor, stop)
        if at_space and clean_start and not exact:
            pieces = last - first
        else:
            pieces = count_pieces(counter, [text[piece_start:piece_end]])[0] if piece_end > piece_start else 0
        while pieces > budget and stop > cursor + 1:  # a mid-word cut can re-tokenize longer: shrink
            stop = max(cursor + 1, stop - max(1, (stop - cursor) * (pieces - budget) // pieces))
            piece_start, piece_end = _trimmed(text, cursor, stop)
            pieces = count_pieces(counter, [text[piece_start:piece_end]])[0] if piece_end > piece_start else 0
        if piece_end > piece_start:
            yield piece_start, piece_end, pieces
        cursor, clean_start = stop, at_space
        while first < len(offsets) and offsets[first][1] <= cursor:
            first += 1
        if first < len(offsets) and offsets[first][0] < cursor:  # a piece cut in two: its rest starts here
            offsets[first] = (cursor, offsets[first][1])


def _space_between(text: str, left: int, right: int) -> bool:
    return any(ch.isspace() for ch in text[left:right])


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _pack(units: list[Unit], budget: int, overlap: int, max_chars: int) -> list[tuple[int, int]]:
    paragraph_pieces: dict[int, int] = {}
    for unit in units:
        paragraph_pieces[unit[3]] = paragraph_pieces.get(unit[3], 0) + unit[2]
    chunks: list[tuple[int, int]] = []
    current: list[Unit] = []
    size = 0
    for unit in units:
        fits = size + unit[2] <= budget and (not current or unit[1] - current[0][0] <= max_chars)
        # Prefer to break between paragraphs once the chunk is half full and the next paragraph won't fit.
        paragraph_break = (
            current and unit[3] != current[-1][3] and size >= budget // 2
            and paragraph_pieces[unit[3]] > budget - size
        )
        if current and (not fits or paragraph_break):
            chunks.append((current[0][0], current[-1][1]))
            carried = current[-overlap:] if overlap and unit[3] == current[-1][3] else []
            while carried and (sum(u[2] for u in carried) + unit[2] > budget or unit[1] - carried[0][0] > max_chars):
                carried = carried[1:]
            current = list(carried)
            size = sum(u[2] for u in current)
        current.append(unit)
        size += unit[2]
    if current:
        chunks.append((current[0][0], current[-1][1]))
    return chunks
