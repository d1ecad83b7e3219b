"""Cut articles into overlapping, paragraph- and sentence-aware chunks.

Chunks are built from sentence spans, so ``article.text[chunk.start:chunk.end]
== chunk.text`` by construction. Sentences are packed greedily up to
``max_tokens`` word pieces of the embedder's own tokenizer (the model silently
drops anything past its 256-piece window). A chunk that ends inside a paragraph
hands its last ``overlap_sentences`` sentences to the next one; a sentence too
long on its own is cut at word boundaries.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from bot.sentences import paragraph_spans, sentence_spans
from bot.types import Article, Chunk


class TokenCounter(Protocol):
    def count(self, texts: list[str]) -> list[int]: ...
    def cut(self, text: str, max_tokens: int) -> int: ...


def chunk_article(article: Article, counter: TokenCounter, max_tokens: int, overlap_sentences: int) -> list[Chunk]:
    units = list(_units(article.text, counter, max_tokens))  # (start, end, tokens, paragraph number)
    spans = _pack(units, max_tokens, overlap_sentences)
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


def _units(text: str, counter: TokenCounter, max_tokens: int) -> Iterator[tuple[int, int, int, int]]:
    for number, (p_start, p_end) in enumerate(paragraph_spans(text)):
        spans = sentence_spans(text, p_start, p_end)
        counts = counter.count([text[a:b] for a, b in spans])
        for (start, end), tokens in zip(spans, counts):
            if tokens <= max_tokens:
                yield start, end, tokens, number
                continue
            while start < end:  # an over-long sentence: cut it into windows at word boundaries
                stop = start + counter.cut(text[start:end], max_tokens)
                piece_end = stop
                while piece_end < end and piece_end > start and not text[piece_end].isspace():
                    piece_end -= 1
                if piece_end <= start:
                    piece_end = stop
                piece = text[start:piece_end].rstrip()
                yield start, start + len(piece), counter.count([piece])[0], number
                start = piece_end
                while start < end and text[start].isspace():
                    start += 1


def _pack(units: list[tuple[int, int, int, int]], max_tokens: int, overlap: int) -> list[tuple[int, int]]:
    paragraph_tokens: dict[int, int] = {}
    for unit in units:
        paragraph_tokens[unit[3]] = paragraph_tokens.get(unit[3], 0) + unit[2]
    chunks: list[tuple[int, int]] = []
    current: list[tuple[int, int, int, int]] = []
    for unit in units:
        size = sum(u[2] for u in current)
        fits = size + unit[2] <= max_tokens
        # Prefer to break between paragraphs once the chunk is half full.
        new_paragraph_breaks = (
            current and unit[3] != current[-1][3] and size >= max_tokens // 2
            and paragraph_tokens[unit[3]] > max_tokens - size
        )
        if current and (not fits or new_paragraph_breaks):
            chunks.append((current[0][0], current[-1][1]))
            carried = current[-overlap:] if overlap and unit[3] == current[-1][3] else []
            while carried and sum(u[2] for u in carried) + unit[2] > max_tokens:
                carried = carried[1:]
            current = list(carried)
        current.append(unit)
    if current:
        chunks.append((current[0][0], current[-1][1]))
    return chunks
