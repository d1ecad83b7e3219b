"""The article library: list, add and remove the articles in the corpus folder.

No UI code here: the web UI (and any other front end) calls these and shows
the result. An upload is validated with the same parser the indexer uses
before anything is written, so a rejected file changes nothing; its name is
sanitised so it can only land directly inside the corpus folder, and a
different article already saved under that name is only replaced when the
caller says so. Re-indexing after a change is ``bot.index.build``.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from bot.corpus import SUFFIXES, inside_corpus, parse_article, read_article
from bot.errors import ArticleError, BotError
from bot.settings import Settings
from bot.index.store import read_current_manifest
from bot.types import Article, Citation

_log = logging.getLogger(__name__)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME = 120


@dataclass(frozen=True)
class LibraryEntry:
    id: str
    path: str  # relative to the corpus folder
    title: str
    date: str | None
    source: str | None
    chunks: int


@dataclass(frozen=True)
class IndexInfo:
    generation: str
    created_at: str
    articles: int
    chunks: int


@dataclass(frozen=True)
class SavedUpload:
    path: str  # the sanitised name it was saved under
    article: Article
    status: str  # "added", "replaced" or "unchanged"


def index_info(settings: Settings) -> IndexInfo:
    """What the current complete index holds; raises ``IndexMissingError`` and friends."""
    generation, manifest = read_current_manifest(settings)
    return IndexInfo(generation.name, manifest.created_at, len(manifest.articles), manifest.chunk_count)


def list_articles(settings: Settings, query: str = "") -> list[LibraryEntry]:
    """Indexed articles, newest first, optionally only those whose title contains every word of ``query``."""
    _, manifest = read_current_manifest(settings)
    words = query.lower().split()
    entries = [
        LibraryEntry(id=i, path=m["path"], title=m["title"], date=m.get("date"), source=m.get("source"),
                     chunks=m["chunks"])
        for i, m in manifest.articles.items()
        if all(w in m["title"].lower() for w in words) and _in_corpus(settings, m["path"])
    ]
    entries.sort(key=lambda e: e.title.lower())
    entries.sort(key=lambda e: e.date or "", reverse=True)
    return entries


def _in_corpus(settings: Settings, path: str) -> bool:
    """False, with a warning naming it, for an entry whose file now resolves outside the corpus
    (an index built before links were checked, or a link swapped in since)."""
    try:
        inside_corpus(settings.corpus.dir / path, settings.corpus.dir)
    except ArticleError as exc:
        _log.warning("skipped %s", exc)
        return False
    return True


def sources(settings: Settings) -> list[str]:
    """The distinct ``source`` values of indexed articles, for a filter menu."""
    try:
        _, manifest = read_current_manifest(settings)
    except BotError:
        return []
    return sorted({m["source"] for m in manifest.articles.values() if m.get("source")})


def safe_name(filename: str) -> str:
    """A plain file name for the corpus root: no folders, no dot files, only [A-Za-z0-9._-]."""
    base = PureWindowsPath(PurePosixPath(filename or "").name).name  # drops "../" and "C:\\x\\"
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem, dot, suffix = base.rpartition(".")
    if not dot or f".{suffix.lower()}" not in SUFFIXES:
        raise ArticleError(f"{filename or 'upload'}: only {', '.join(SUFFIXES)} files can be added")
    stem = _UNSAFE.sub("-", stem).strip(".-_")[: _MAX_NAME]
    if not stem:
        stem = "article"
    return f"{stem}.{suffix.lower()}"


def check_upload(settings: Settings, filename: str, data: bytes) -> tuple[str, Article]:
    """The sanitised name and parsed article, or ``ArticleError`` saying why it is refused."""
    name = safe_name(filename)
    limit = settings.web.max_upload_mb
    if len(data) > limit * 1024 * 1024:
        raise ArticleError(f"{name}: larger than the {limit:g} MB upload limit (setting web.max_upload_mb)")
    return name, parse_article(data, name)


def save_uploads(settings: Settings, files: list[tuple[str, bytes]], replace: bool = False) -> list[SavedUpload]:
    """Validate every uploaded ``(filename, bytes)`` first, then write them all; one bad file writes nothing."""
    planned = [_plan_upload(settings, name, data, replace) for name, data in files]
    names = [p.path for p in planned]
    clash = next((n for n in names if names.count(n) > 1), None)
    if clash:
        raise ArticleError(f"{clash}: two uploaded files would be saved under this name; rename one")
    for saved, (_, data) in zip(planned, files):
        if saved.status != "unchanged":
            _write_atomic(settings.corpus.dir, saved.path, data)
    return planned


def save_upload(settings: Settings, filename: str, data: bytes, replace: bool = False) -> SavedUpload:
    return save_uploads(settings, [(filename, data)], replace)[0]


def _plan_upload(settings: Settings, filename: str, data: bytes, replace: bool) -> SavedUpload:
    name, article = check_upload(settings, filename, data)
    target = settings.corpus.dir / name
    if target.exists():
        if target.read_bytes() == data:
            return SavedUpload(name, article, "unchanged")
        if not replace:
            raise ArticleError(f"{name} already exists with different text: confirm replacing it, or rename the file")
        return SavedUpload(name, article, "replaced")
    twin = _indexed_with_hash(settings, article.content_hash)
    if twin is not None:
        raise ArticleError(f"{name}: the same text is already in the library as {twin}")
    return SavedUpload(name, article, "added")


def _write_atomic(root: Path, name: str, data: bytes) -> None:
    root.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".upload-", suffix=".tmp")  # hidden: never read as an article
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, root / name)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ArticleError(f"{name}: cannot save into {root}/ ({exc.strerror or exc})") from exc


def _indexed_with_hash(settings: Settings, content_hash: str) -> str | None:
    try:
        _, manifest = read_current_manifest(settings)
    except BotError:
        return None
    return next((m["path"] for m in manifest.articles.values() if m["hash"] == content_hash), None)


def delete_article(settings: Settings, path: str) -> str:
    """Remove one article file (corpus-relative ``path``) from the corpus; returns that path."""
    root = settings.corpus.dir.resolve()
    link = Path(os.path.normpath(root / path))
    if link.is_symlink() and link.parent.resolve().is_relative_to(root) and link.suffix.lower() in SUFFIXES:
        target = link  # remove the link itself, never what it points to
    else:
        target = (root / path).resolve()
    if not target.is_relative_to(root) or target == root or target.suffix.lower() not in SUFFIXES:
        raise ArticleError(f"{path}: not an article in the corpus folder")
    if not target.is_file() and not target.is_symlink():
        raise ArticleError(f"{path}: no such article in {settings.corpus.dir}/ (already deleted?)")
    try:
        target.unlink()
    except OSError as exc:
        raise ArticleError(f"{path}: cannot delete ({exc.strerror or exc})") from exc
    return target.relative_to(root).as_posix()


def cited_article(settings: Settings, citation: Citation) -> Article | None:
    """The cited article as it is on disk, or None when it is gone, resolves outside the corpus
    or no longer holds the quote there."""
    if not _in_corpus(settings, citation.path):
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
    if not _in_corpus(settings, citation.path):  # show nothing from that file beyond the quote itself
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
    """The blank-line-separated paragraph(s) holding ``text[start:end]``, as offsets."""
    blank = re.compile(r"\n[ \t]*\n")
    before = [m.end() for m in blank.finditer(text, 0, start)]
    a = before[-1] if before else 0
    after = blank.search(text, end)
    b = after.start() if after else len(text)
    return a, b
