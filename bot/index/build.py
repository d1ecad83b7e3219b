"""``bot index``: bring the index in step with the corpus, incrementally and crash-safely.

Content hashes decide what changed. Unchanged articles keep their records;
new and edited articles are re-chunked, and a chunk whose exact text is
already stored reuses that vector (and its sentences' vectors, see
``bot.index.sentences``), so a rename, a duplicate or a one-paragraph edit
embeds little or nothing. See ``bot.index.store`` for the
generation mechanism that makes a killed build harmless.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.chunking import chunk_article
from bot.corpus import check_corpus_folder
from bot.errors import IndexBuildError, IndexCorruptError, IndexLockedError
from bot.index.bm25 import build_bm25
from bot.index.chroma import collection_name, read_index_id
from bot.index.failures import build_failure
from bot.index.integrity import check_generation, remember_checked, unchanged_since_checked
from bot.index.plan import FullBuild, Plan, diff_corpus, plan_build
from bot.index.records import WRITE_BATCH, all_records, chunk_metadata, copy_records, stored_vectors, text_hash
from bot.settings import Settings
from bot.models import Models
from bot.index.store import (
    FORMAT_VERSION,
    Manifest,
    collect_old,
    next_generation,
    opened_collection,
    remove_generation,
    remove_unfinished,
    sweep_trash,
    switch_current,
    sync_tree,
)
from bot.types import Chunk

Progress = Callable[[str, int, int], None]  # (stage, done, total)
LARGE_ARTICLE_CHARS = 1_000_000
_LOCK = ".build.lock"
_PID = ".build.pid"


@dataclass
class BuildReport:
    articles: int
    added: int = 0  # chunks of new articles
    updated: int = 0  # chunks of edited articles
    deleted: int = 0  # chunks of removed articles
    unchanged: int = 0  # chunks kept as they were
    embedded: int = 0  # distinct chunk texts sent to the embedder
    sentences_embedded: int = 0  # distinct sentence texts sent to the embedder (the others were reused)
    seconds: float = 0.0
    generation: str | None = None
    full_build: FullBuild | None = None  # why it was built from scratch (None when incremental)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    undated: int = 0  # articles with no publication date found
    date_notes: list[tuple[str, str]] = field(default_factory=list)  # (path, a date given that could not be read)

    def summary(self) -> str:
        return (
            f"{self.articles} articles, added {self.added}, updated {self.updated}, deleted {self.deleted}, "
            f"unchanged {self.unchanged} chunks in {self.seconds:.1f} s"
        )


def build(settings: Settings, rebuild: bool = False, progress: Progress | None = None,
          models: Models | None = None) -> BuildReport:
    """Update the index under a lock; return what changed. ``models`` (the process's shared models) are
    made from ``settings`` when not given; the embedder loads only if something needs embedding."""
    models = models or Models(settings)
    started = time.perf_counter()
    counter = models.token_counter  # a bad embedding.model fails here, before anything is written
    check_corpus_folder(settings.corpus.dir)  # and so does a missing corpus
    try:
        with build_lock(settings.index.dir):
            plan = plan_build(settings, rebuild)
            report = _apply(settings, plan, counter, progress, models)
    except OSError as exc:  # outside a generation: the lock's pid file, the generation counter, clean-up
        raise build_failure(settings, exc) from exc
    report.seconds = time.perf_counter() - started
    return report


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """One writer at a time, across processes; a second one fails at once with the holder's pid."""
    from filelock import FileLock, Timeout

    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(index_dir / _LOCK), timeout=0)
        lock.acquire()
    except Timeout:
        raise IndexLockedError(f"another index build is running (pid {_lock_owner(index_dir)})") from None
    except OSError as exc:
        raise IndexBuildError(f"cannot write the index folder {index_dir}/: {exc.strerror or exc}") from exc
    try:
        (index_dir / _PID).write_text(str(os.getpid()))
        yield
    finally:
        (index_dir / _PID).unlink(missing_ok=True)
        lock.release()


def _lock_owner(index_dir: Path) -> str:
    for _ in range(40):  # the holder writes its pid just after taking the lock
        try:
            pid = (index_dir / _PID).read_text().strip()
        except OSError:
            pid = ""
        if pid:
            return pid
        time.sleep(0.05)
    return "unknown"


def _apply(settings: Settings, plan: Plan, counter, progress: Progress | None, models: Models) -> BuildReport:
    index_dir = settings.index.dir
    sweep_trash(index_dir)
    remove_unfinished(settings, index_dir)
    plan = _unless_damaged(settings, plan)
    if not plan.changed:
        report = _new_report(plan)
        report.generation = plan.previous[0].name
        collect_old(settings, index_dir)
        return report

    generation = next_generation(index_dir)
    try:
        generation.mkdir()
        plan = _start_from(settings, plan, generation)
        report = _new_report(plan)
        fresh = plan.add + plan.update
        chunks: list[Chunk] = []
        for done, article in enumerate(fresh, 1):
            chunks.extend(chunk_article(article, counter, settings.chunking.max_tokens,
                                        settings.chunking.overlap_sentences, _large_article_progress(progress, article)))
            _report(progress, "chunking", done, len(fresh))
        added_ids = {a.id for a in plan.add}
        report.added = sum(1 for c in chunks if c.article_id in added_ids)
        report.updated = len(chunks) - report.added
        with opened_collection(settings, generation, create=True) as collection:
            dimension = _write_records(settings, plan, chunks, collection, report, progress, models)
            ids, texts = all_records(collection)
        manifest = _manifest(settings, plan, chunks, generation, dimension)
        if len(ids) != manifest.chunk_count or len(set(ids)) != len(ids):
            raise IndexBuildError(f"index holds {len(ids)} chunks, expected {manifest.chunk_count}: run \"bot index --rebuild\"")
        build_bm25(ids, texts, generation)
        report.sentences_embedded = _write_sentences(generation, texts, plan, progress, models)
        manifest.write(generation)
        sync_tree(generation)  # everything on disk before readers are pointed at it
        _report(progress, "finishing", 1, 2)
        switch_current(index_dir, generation)
        remember_checked(index_dir, generation)  # as written: a later change to its files means a check
        _report(progress, "finishing", 2, 2)
    except Exception as exc:
        failure = build_failure(settings, exc)  # before the generation goes: a full disk is still full
        remove_generation(settings, generation)
        if failure is exc:
            raise
        raise failure from exc
    report.generation = generation.name
    collect_old(settings, index_dir)
    return report


def _unless_damaged(settings: Settings, plan: Plan) -> Plan:
    """The plan, or a build from scratch when any part of the current generation is damaged or
    disagrees with its manifest: whatever ``bot index --verify`` finds broken, ``bot index`` rebuilds."""
    if plan.previous is None:
        return plan
    known_good = unchanged_since_checked(settings.index.dir, plan.previous[0])
    if known_good and not settings.index.chroma_host:
        return plan
    try:
        check = check_generation(settings, *plan.previous, skip_local=known_good)
    except IndexCorruptError:
        return diff_corpus(plan.scan, None, FullBuild("unreadable"))
    if check.problems:
        return diff_corpus(plan.scan, None, FullBuild("damaged", check.problems[0]))
    disagreements = check.disagreements(plan.previous[1])
    if disagreements:
        return diff_corpus(plan.scan, None, FullBuild("records_lost", disagreements[0]))
    remember_checked(settings.index.dir, plan.previous[0])
    return plan


def _new_report(plan: Plan) -> BuildReport:
    old = plan.previous[1].articles if plan.previous else {}
    return BuildReport(
        articles=len(plan.scan.articles), full_build=plan.full_build,
        skipped=plan.scan.skipped, duplicates=plan.scan.duplicates,
        undated=len(plan.scan.undated), date_notes=plan.scan.date_notes,
        deleted=sum(old[i]["chunks"] for i in plan.delete), unchanged=sum(old[i]["chunks"] for i in plan.keep),
    )


def _start_from(settings: Settings, plan: Plan, generation: Path) -> Plan:
    """Fill the new generation with the previous one's records, or plan a build from scratch when they
    cannot be trusted. Only a copy is opened: the live generation is never touched by the writer."""
    if plan.previous is None:
        return plan
    previous_gen, manifest = plan.previous
    try:
        if settings.index.chroma_host:
            with opened_collection(settings, previous_gen) as source, \
                    opened_collection(settings, generation, create=True) as target:
                copy_records(source, target)
        else:
            shutil.copytree(previous_gen / "chroma", generation / "chroma")
        with opened_collection(settings, generation) as collection:
            stored = collection.count()
    except Exception:  # IndexCorruptError, or Chroma failing on damaged files
        stored, reason = None, FullBuild("unreadable")
    else:
        reason = FullBuild("records_lost", f"the index holds {stored} chunks, its manifest {manifest.chunk_count}")
    if stored == manifest.chunk_count:
        return plan
    if settings.index.chroma_host:
        remove_generation(settings, generation)
        generation.mkdir()
    else:
        shutil.rmtree(generation / "chroma", ignore_errors=True)
    return diff_corpus(plan.scan, None, reason)


def _large_article_progress(progress: Progress | None, article):
    """A large article gets its own progress line (in characters): it can take a while on its own."""
    if progress is None or len(article.text) < LARGE_ARTICLE_CHARS:
        return None
    return lambda done, total: progress(f"chunking {article.path}", done, total)


def _report(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)


def _write_records(settings, plan: Plan, chunks: list[Chunk], collection, report: BuildReport, progress,
                   models: Models) -> int:
    """Delete the records of edited and removed articles, add the new chunks; return the vector size."""
    from bot.embeddings import embedder_dimension

    hashes = [text_hash(c.text) for c in chunks]
    vectors = stored_vectors(collection, set(hashes))  # looked up before the old records go
    gone = [a.id for a in plan.update] + plan.delete
    for start in range(0, len(gone), 100):
        collection.delete(where={"article_id": {"$in": gone[start:start + 100]}})

    # Each distinct new text once, similar lengths together so batches carry little padding.
    todo = sorted({c.text for c, h in zip(chunks, hashes) if h not in vectors}, key=len)
    report.embedded = len(todo)
    dimension = plan.previous[1].dimension if plan.previous else None
    if todo:
        _report(progress, "embedding", 0, len(todo))  # shown while the model loads
    if todo or dimension is None:
        embedder = models.embedder
        dimension = embedder_dimension(embedder)
    step = settings.embedding.batch_size
    for start in range(0, len(todo), step):
        part = todo[start:start + step]
        for text, vector in zip(part, embedder.embed_documents(part)):
            vectors[text_hash(text)] = vector
        _report(progress, "embedding", min(start + step, len(todo)), len(todo))

    for start in range(0, len(chunks), WRITE_BATCH):
        part = chunks[start:start + WRITE_BATCH]
        collection.add(
            ids=[c.id for c in part],
            documents=[c.text for c in part],
            embeddings=[vectors[hashes[start + j]] for j in range(len(part))],
            metadatas=[chunk_metadata(c, hashes[start + j]) for j, c in enumerate(part)],
        )
        _report(progress, "writing", min(start + WRITE_BATCH, len(chunks)), len(chunks))
    return dimension


def _write_sentences(generation: Path, texts: list[str], plan: Plan, progress: Progress | None, models: Models) -> int:
    """Every chunk's sentence vectors, the previous generation's reused (see ``bot.index.sentences``)."""
    from bot.index.sentences import SentenceVectors, embed_matrix, write_sentence_vectors

    previous = None
    if plan.previous is not None:
        try:
            previous = SentenceVectors.load(plan.previous[0])
        except (OSError, ValueError):  # damaged: everything is embedded again
            previous = None

    def step(done: int, total: int) -> None:
        _report(progress, "sentences", done, total)

    return write_sentence_vectors(generation, texts, previous, lambda part: embed_matrix(models.embedder, part), step)


def _manifest(settings: Settings, plan: Plan, chunks: list[Chunk], generation: Path, dimension: int) -> Manifest:
    old = plan.previous[1].articles if plan.previous else {}
    articles = {i: old[i] for i in plan.keep}
    per_article: dict[str, int] = {}
    for c in chunks:
        per_article[c.article_id] = per_article.get(c.article_id, 0) + 1
    for a in plan.add + plan.update:
        articles[a.id] = {
            "hash": a.content_hash, "path": a.path, "title": a.title, "date": a.date,
            "source": a.source, "url": a.url, "chunks": per_article.get(a.id, 0),
        }
    index_id = read_index_id(settings.index.dir) if settings.index.chroma_host else None
    return Manifest(
        index_id=index_id,
        collection=collection_name(settings, generation, index_id),
        generation=generation.name,
        format_version=FORMAT_VERSION,
        shape=settings.index_shape(),
        dimension=dimension,
        created_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        articles=articles,
        chunk_count=sum(a["chunks"] for a in articles.values()),
    )
