"""Finding a cited passage again: the cited article as it is on disk, and the paragraph around a quote."""

from __future__ import annotations

from bot.corpus.folder import in_corpus
from bot.corpus.load import read_article
from bot.errors import BotError
from bot.settings import Settings
from bot.text import paragraph_spans
from bot.types import Article, Citation


def cited_article(settings: Settings, citation: Citation) -> Article | None:
    """The cited article as it is on disk, or None when it is gone, resolves outside the corpus
    or no longer holds the quote there."""
    if not in_corpus(settings.corpus.dir, citation.path):
        return None
    try:
        article = read_article(settings.corpus.dir / citation.path, settings.corpus.dir, settings.corpus.max_article_mb)
    except (BotError, ValueError):
        return None
    return article if article.text[citation.start: citation.end] == citation.quote else None


def cited_passage(settings: Settings, citation: Citation) -> tuple[str, int, int]:
    """The paragraph around a citation and the quote's offsets inside it.

    From the article on disk when it still holds the quote at the cited offsets,
    otherwise from the indexed chunk the citation carries.
    """
    if not in_corpus(settings.corpus.dir, citation.path):  # show nothing from that file beyond the quote
        return citation.quote, 0, len(citation.quote)
    article = cited_article(settings, citation)
    if article is not None:
        text, start, end = article.text, citation.start, citation.end
    else:
        offset = citation.chunk_start
        text, start, end = citation.chunk_text, citation.start - offset, citation.end - offset
        if text[start:end] != citation.quote:  # a citation without its chunk: the quote alone
            return citation.quote, 0, len(citation.quote)
    a, b = paragraph_bounds(text, start, end)
    return text[a:b], start - a, end - a


def paragraph_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph(s) holding ``text[start:end]``, as offsets (paragraphs as ``bot.text`` splits them)."""
    around = [(a, b) for a, b in paragraph_spans(text) if a < end and b > start]
    if not around:
        return start, end
    return min(around[0][0], start), max(around[-1][1], end)
