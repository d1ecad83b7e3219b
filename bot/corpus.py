"""Load articles from the corpus folder.

``.md``/``.txt`` files may open with YAML front matter (title, date, source, url,
authors); the body after it is kept byte-for-byte (decoded as UTF-8, line ends
untouched) because citations point into it by character offset. Without front
matter the first non-empty line is the title, and a header block of "Source:",
"Author:" and "URL:" lines in the first lines fills those fields. ``.html``/``.htm``
saved pages go through trafilatura. The publication date comes from the first of
front matter, HTML metadata, the file name or path, a dateline in the first
lines (``bot.dates.article_date``); a date that cannot be read never stops an
article from loading, it stays undated with a note. An article's id is its path
relative to the corpus root without the extension; its content hash is the
SHA-256 of the file's bytes.

Articles are data, and the corpus folder is their boundary: a file (or link)
that resolves outside it, a file name that is not UTF-8, and front matter that
is not plain ``key: value`` metadata (YAML aliases, deep nesting, more than
``MAX_FRONT_MATTER`` characters) are skipped with a reason naming the file.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from bot.dates import HEADER_LINES, article_date
from bot.errors import ArticleError, BotError, CorpusError
from bot.settings import Settings
from bot.text import paragraph_spans
from bot.types import Article, Citation

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES  # what the corpus reads, and what the web UI accepts as uploads

_FRONT_MATTER_OPEN = re.compile(r"\A---[ \t]*\r?\n")
_BLOCK_BREAK = re.compile(r"\s*\n\s*")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_HEADER_FIELD = re.compile(r"^\s*(?P<key>source|author|by|url|link)\s*:\s*(?P<value>\S.*?)\s*$", re.I)
MAX_FRONT_MATTER = 64 * 1024  # characters; real front matter is a few hundred
MAX_FRONT_MATTER_NESTING = 64  # no article's metadata nests deeper; yaml recurses once a level


@dataclass
class CorpusScan:
    articles: list[Article] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (relative path, reason)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (relative path, id it duplicates)
    date_notes: list[tuple[str, str]] = field(default_factory=list)  # (relative path, a date that could not be read)

    @property
    def undated(self) -> list[str]:
        """Ids of the loaded articles with no publication date."""
        return [a.id for a in self.articles if a.date is None]


def article_files(root: Path) -> list[Path]:
    # Links are listed even when broken or looping, so that reading them reports why they are skipped.
    return sorted(
        p for p in root.rglob("*")
        if p.suffix.lower() in SUFFIXES and (p.is_symlink() or p.is_file()) and not _hidden(p, root)
    )


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def check_corpus_folder(root: Path) -> None:
    if not root.exists():
        raise CorpusError(f"corpus folder {root}/ does not exist: create it and put .md, .txt or .html articles in it")
    if not root.is_dir():
        raise CorpusError(f"corpus path {root} is not a folder")


def load_corpus(root: Path, max_article_mb: float = 50.0, prefer: Collection[str] = ()) -> CorpusScan:
    """Every readable article under ``root``; unreadable ones land in ``skipped``.

    Of byte-identical files only one is loaded: the one whose id is in ``prefer``
    (the indexer passes the ids already indexed, so adding a copy changes nothing),
    else the first by path.
    """
    check_corpus_folder(root)
    scan = CorpusScan()
    loaded: list[Article] = []
    for path in article_files(root):
        try:
            article, notes = _read(path, root, max_article_mb)
        except ArticleError as exc:
            scan.skipped.append((printable_name(path.relative_to(root).as_posix()), str(exc)))
            continue
        loaded.append(article)
        scan.date_notes.extend((article.path, f"{article.path}: {note}; left undated" if article.date is None
                                else f"{article.path}: {note}; dated {article.date} from the {article.date_source}")
                               for note in notes)
    keepers: dict[str, Article] = {}
    for article in loaded:
        kept = keepers.get(article.content_hash)
        if kept is None or (article.id in prefer and kept.id not in prefer):
            keepers[article.content_hash] = article
    used_ids: set[str] = set()
    final_id: dict[str, str] = {}  # content hash -> id of the copy kept
    for article in loaded:
        if keepers[article.content_hash] is not article:
            continue
        if article.id in used_ids:  # a.md beside a.txt: keep both, the later one by its full path
            article = _replace_id(article, article.path)
        used_ids.add(article.id)
        final_id[article.content_hash] = article.id
        scan.articles.append(article)
    scan.duplicates = [
        (a.path, final_id[a.content_hash]) for a in loaded if keepers[a.content_hash] is not a
    ]
    if not scan.articles and not scan.skipped:
        raise CorpusError(f"no articles in {root}/: add .md, .txt or .html files")
    return scan


def _replace_id(article: Article, new_id: str) -> Article:
    from dataclasses import replace

    return replace(article, id=new_id)


def read_article(path: Path, root: Path, max_article_mb: float = 50.0) -> Article:
    return _read(path, root, max_article_mb)[0]


def _read(path: Path, root: Path, max_article_mb: float) -> tuple[Article, list[str]]:
    rel = path.relative_to(root).as_posix()
    if printable_name(rel) != rel:
        raise ArticleError(f"{printable_name(rel)}: file name is not UTF-8; rename the file")
    target = inside_corpus(path, root)
    try:
        size = target.stat().st_size
        if size > max_article_mb * 1024 * 1024:
            raise ArticleError(f"{rel}: larger than {max_article_mb:g} MB")
        raw = target.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{rel}: cannot read ({exc.strerror or exc})") from exc
    return parse_with_notes(raw, rel)


def printable_name(rel: str) -> str:
    """``rel`` itself when it is valid UTF-8, else the repr of its bytes (``b'caf\\xe9.txt'``):
    a name with undecodable bytes cannot be stored, printed or sent to a browser as it is."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return repr(os.fsencode(rel))
    return rel


def inside_corpus(path: Path, root: Path) -> Path:
    """``path`` resolved (links followed), or ``ArticleError`` when it resolves outside ``root``:
    a link in the corpus must not make the bot read, index or quote any other file."""
    rel = path.relative_to(root).as_posix()
    try:
        target, base = path.resolve(), root.resolve()
    except (OSError, RuntimeError) as exc:  # a link loop
        raise ArticleError(f"{rel}: cannot resolve the link ({exc})".splitlines()[0]) from exc
    if not target.is_relative_to(base):
        raise ArticleError(f"{rel}: links to a file outside the corpus folder; skipped")
    return target


def in_corpus(root: Path, rel: str) -> bool:
    """False, with a warning naming it, for an indexed path whose file now resolves outside the
    corpus (an index built before links were checked, or a link swapped in since)."""
    try:
        inside_corpus(root / rel, root)
    except ArticleError as exc:
        logging.getLogger(__name__).warning("skipped %s", exc)
        return False
    return True


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
    meta, body = _parse_html(text, rel) if is_html else _split_front_matter(text, rel)
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


def _nesting(text: str) -> int:
    """How deep ``text``'s brackets and braces nest (quoted ones count too: only a bound is wanted)."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    return deepest


def _split_front_matter(text: str, rel: str) -> tuple[dict, str]:
    if not _FRONT_MATTER_OPEN.match(text):
        return {}, text
    match = _FRONT_MATTER.match(text)
    if not match:
        raise ArticleError(f"{rel}: front matter opened with '---' is never closed")
    import yaml

    if len(match.group(1)) > MAX_FRONT_MATTER:
        raise ArticleError(f"{rel}: front matter longer than {MAX_FRONT_MATTER // 1024} KB")
    if _nesting(match.group(1)) > MAX_FRONT_MATTER_NESTING:  # YAML would recurse to Python's limit, slowly
        raise ArticleError(f"{rel}: malformed front matter (nested too deeply)")
    try:
        meta = yaml.load(match.group(1), Loader=_front_matter_loader()) or {}  # noqa: S506 - a SafeLoader
    except RecursionError:
        raise ArticleError(f"{rel}: malformed front matter (nested too deeply)") from None
    except yaml.YAMLError as exc:
        problem = str(getattr(exc, "problem", None) or exc).splitlines()[0]
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 2}: " if mark is not None else ""  # +1 for 0-based, +1 for the opening ---
        raise ArticleError(f"{rel}: malformed front matter ({where}{problem})") from exc
    if not isinstance(meta, dict):
        raise ArticleError(f"{rel}: malformed front matter (expected 'key: value' lines)")
    return meta, text[match.end():]


@functools.cache
def _front_matter_loader():
    """PyYAML's safe loader, with two changes. No anchors and aliases: a few hundred bytes of nested
    aliases (a "billion laughs") expand to gigabytes when the values are turned into text. Dates stay
    the strings they were written as: ``bot.dates`` reads them (YAML would turn 2023-09-05 into a date,
    and fail on 2023-13-45 outright)."""
    import yaml

    class FrontMatterLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                raise yaml.composer.ComposerError(
                    None, None, "YAML anchors and aliases (&name, *name) are not allowed", event.start_mark
                )
            return super().compose_node(parent, index)

    FrontMatterLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return FrontMatterLoader


def _parse_html(text: str, rel: str) -> tuple[dict, str]:
    import trafilatura

    doc = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False)
    if doc is None or not getattr(doc, "text", None):
        raise ArticleError(f"{rel}: no article text found in the HTML")
    meta = {"title": doc.title, "date": doc.date, "sitename": doc.sitename, "url": doc.url, "author": doc.author}
    # trafilatura puts one block per line; blank lines between them keep chunking paragraph-aware.
    return {k: v for k, v in meta.items() if v}, _BLOCK_BREAK.sub("\n\n", doc.text.strip())


def _first_line(body: str) -> str:
    for line in body.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line
    return ""


def _clean(value) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


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
