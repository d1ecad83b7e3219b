"""One article file's bytes to an ``Article``.

``.md``/``.txt`` files may open with YAML front matter (``bot.corpus.front_matter``); the body
after it is kept byte-for-byte (decoded as UTF-8, line ends untouched) because citations point
into it by character offset. Without front matter the first non-empty line is the title, and a
header block of "Source:", "Author:" and "URL:" lines in the first lines fills those fields.
``.html``/``.htm`` saved pages go through trafilatura. The publication date is found by
``bot.dates.article_date``; a date that cannot be read never stops an article from loading, it
stays undated with a note. An article's id is its path relative to the corpus root without the
extension; its content hash is the SHA-256 of the file's bytes.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from bot.corpus.folder import HTML_SUFFIXES
from bot.corpus.front_matter import split_front_matter
from bot.dates import HEADER_LINES, announces_date, article_date
from bot.errors import ArticleError
from bot.types import Article

_BLOCK_BREAK = re.compile(r"\s*\n\s*")
_HEADER_FIELD = re.compile(r"^\s*(?P<key>source|author|by|url|link)\s*:\s*(?P<value>\S.*?)\s*$", re.I)


def parse_article(raw: bytes, rel: str) -> Article:
    """Parse one file's bytes; ``rel`` is its corpus-relative posix path."""
    return parse_with_notes(raw, rel)[0]


def parse_with_notes(raw: bytes, rel: str) -> tuple[Article, list[str]]:
    """The article and a note for each date it gives that could not be read (it is then dated from
    the next source, or left undated)."""
    if b"\x00" in raw[:8192]:
        raise ArticleError(f"{rel}: binary file, not UTF-8 text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"{rel}: not UTF-8 (byte {exc.start}); re-save it as UTF-8") from exc
    if not text.strip():
        raise ArticleError(f"{rel}: empty file")
    is_html = Path(rel).suffix.lower() in HTML_SUFFIXES
    meta, body = _parse_html(text, rel) if is_html else split_front_matter(text, rel)
    if not body.strip():
        raise ArticleError(f"{rel}: no article text")
    header = {} if is_html else header_fields(body)
    title = _clean(meta.get("title")) or _first_line(body) or Path(rel).stem
    authors = meta.get("authors") or meta.get("author") or header.get("author") or ()
    if not isinstance(authors, (list, tuple)):
        authors = (authors,)
    found, notes = article_date(None if is_html else meta.get("date"), meta.get("date") if is_html else None, rel, body)
    article = Article(
        id=str(Path(rel).with_suffix("").as_posix()),
        path=rel,
        title=title[:300],
        text=body,
        content_hash=hashlib.sha256(raw).hexdigest(),
        date=found.iso if found else None,
        source=_clean(meta.get("source") or meta.get("sitename") or header.get("source")),
        url=_clean(meta.get("url") or header.get("url")),
        authors=tuple(str(a) for a in authors),
        date_source=found.source if found else None,
    )
    return article, notes


def header_fields(body: str) -> dict[str, str]:
    """"Source:", "Author:"/"By:" and "URL:"/"Link:" lines among the first lines of a plain-text
    article (the header block news exports put under the title); "None" and blanks are no value."""
    fields: dict[str, str] = {}
    seen = 0
    for line in body.splitlines():
        if not line.strip():
            continue
        seen += 1
        if seen > HEADER_LINES:
            break
        match = _HEADER_FIELD.match(line)
        if match and match["value"].lower() not in ("none", "null", "n/a", "unknown"):
            key = {"by": "author", "link": "url"}.get(match["key"].lower(), match["key"].lower())
            fields.setdefault(key, match["value"])
    return fields


def _parse_html(text: str, rel: str) -> tuple[dict, str]:
    import trafilatura

    doc = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False)
    if doc is None or not getattr(doc, "text", None):
        raise ArticleError(f"{rel}: no article text found in the HTML")
    meta = {"title": doc.title, "date": doc.date, "sitename": doc.sitename, "url": doc.url, "author": doc.author}
    # trafilatura puts one block per line; blank lines between them keep chunking paragraph-aware.
    return {k: v for k, v in meta.items() if v}, _BLOCK_BREAK.sub("\n\n", doc.text.strip())


def _first_line(body: str) -> str:
    """The first line with text that is not only the article's date ("Published: 2025-05-13" titles nothing)."""
    for line in body.splitlines():
        line = line.strip().lstrip("#").strip()
        if line and not announces_date(line):
            return line
    return ""


def _clean(value) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
