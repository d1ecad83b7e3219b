"""The article library: list, add and remove the articles in the corpus folder, then re-index.

No UI code here: the web UI and ``bot add`` / ``bot rm`` call these and show
the result. An upload is validated with the same parser the indexer uses
before anything is written, so a rejected file changes nothing; its name is
sanitised so it can only land directly inside the corpus folder, and a
different article already saved under that name is only replaced when the
caller says so. ``add_articles`` and ``remove_article`` re-index after the change.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from typing import TYPE_CHECKING

from bot.corpus import SUFFIXES, in_corpus, parse_article
from bot.errors import ArticleError, BotError
from bot.index.manifest import read_current_manifest
from bot.settings import Settings
from bot.types import Article

if TYPE_CHECKING:
    from bot.index import BuildReport
    from bot.index.report import Progress
    from bot.models import Models

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
        if all(w in m["title"].lower() for w in words) and in_corpus(settings.corpus.dir, m["path"])
    ]
    entries.sort(key=lambda e: e.title.lower())
    entries.sort(key=lambda e: e.date or "", reverse=True)
    return entries


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


@dataclass(frozen=True)
class LibraryUpdate:
    """A change to the library and the re-index that followed it."""

    done: str  # what changed in the corpus ("Saved a.md (added)", "Deleted a.md"), "" for a plain re-index
    report: BuildReport | None = None  # the build, when it succeeded
    error: str = ""  # why the build failed (the previous index keeps answering)

    @property
    def ok(self) -> bool:
        return not self.error

    def message(self) -> str:
        if self.error:
            failed = f"{self.done}, but the index was not updated" if self.done else "The index was not updated"
            return f"{failed}: {self.error}"
        built = f"Index {self.report.generation}: {self.report.summary()}."
        return f"{self.done}. {built}" if self.done else built


def add_articles(settings: Settings, files: list[tuple[str, bytes]], replace: bool = False,
                 models: Models | None = None, progress: Progress | None = None) -> LibraryUpdate:
    """Save uploaded ``(filename, bytes)`` (all or none, see ``save_uploads``), then re-index."""
    saved = save_uploads(settings, files, replace)
    return reindex(settings, models, progress, "Saved " + ", ".join(f"{s.path} ({s.status})" for s in saved))


def remove_article(settings: Settings, path: str, models: Models | None = None,
                   progress: Progress | None = None) -> LibraryUpdate:
    """Delete one article file, then re-index."""
    return reindex(settings, models, progress, f"Deleted {delete_article(settings, path)}")


def reindex(settings: Settings, models: Models | None = None, progress: Progress | None = None,
            done: str = "") -> LibraryUpdate:
    """Bring the index in step with the corpus; a failed build is reported, not raised (the files
    are already saved, and the previous index keeps answering)."""
    from bot.index import build

    try:
        return LibraryUpdate(done, report=build(settings, progress=progress, models=models))
    except BotError as exc:
        return LibraryUpdate(done, error=str(exc))
