"""Loading every article under the corpus folder, byte-identical copies loaded once.

Each file goes through ``bot.corpus.parse``; one that cannot be read (see ``bot.corpus.folder``
for the folder's boundary, ``bot.corpus.front_matter`` for the metadata refused) is skipped with
a reason naming the file, never stopping the others from loading.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from bot.corpus.folder import article_files, check_corpus_folder, inside_corpus, printable_name
from bot.corpus.parse import parse_with_notes
from bot.errors import ArticleError, CorpusError
from bot.types import Article


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
