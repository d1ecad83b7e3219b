"""``bot index``: bring the index in step with the corpus, incrementally and crash-safely.

Content hashes decide what changed. Unchanged articles keep their records;
new and edited articles are re-chunked, and a chunk whose exact text was
embedded before reuses that vector, so a rename or a one-paragraph edit
embeds little or nothing. See ``bot.store`` for the generation mechanism that
makes a killed build harmless.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.chunking import chunk_article
from bot.corpus import CorpusScan, date_epoch, load_corpus
from bot.errors import BotError, IndexBuildError, IndexLockedError, IndexMismatchError
from bot.lexical import build_bm25
from bot.settings import Settings
from bot.store import (
    FORMAT_VERSION,
    Manifest,
    current_generation,
    generation_dirs,
    generation_number,
    open_collection,
    read_current_manifest,
    remove_generation,
    switch_current,
)
from bot.types import Article, Chunk

Progress = Callable[[str, int, int], None]  # (stage, done, total)
_BATCH = 1000


@dataclass
class Plan:
    scan: CorpusScan
    add: list[Article] = field(default_factory=list)
    update: list[Article] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)  # article ids
    keep: list[str] = field(default_factory=list)
    full_rebuild: bool = False
    previous: tuple[Path, Manifest] | None = None

    @property
    def changed(self) -> bool:
        return bool(self.add or self.update or self.delete) or self.full_rebuild


@dataclass
class BuildReport:
    articles: int
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    embedded: int = 0
    seconds: float = 0.0
    generation: str | None = None
    skipped: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.articles} articles, added {self.added}, updated {self.updated}, deleted {self.deleted}, "
            f"unchanged {self.unchanged} chunks in {self.seconds:.1f} s"
        )


def plan_build(settings: Settings, rebuild: bool = False) -> Plan:
    scan = load_corpus(settings.corpus.dir, settings.corpus.max_article_mb)
    previous = None
    if not rebuild:
        try:
            previous = read_current_manifest(settings)
        except IndexMismatchError:
            previous = None  # other embedder/chunking: everything is re-done
        except BotError:
            previous = None  # missing or unreadable: start clean
    plan = Plan(scan=scan, previous=previous, full_rebuild=previous is None)
    old = previous[1].articles if previous else {}
    for article in scan.articles:
        entry = old.get(article.id)
        if entry is None:
            plan.add.append(article)
        elif entry["hash"] != article.content_hash:
            plan.update.append(article)
        else:
            plan.keep.append(article.id)
    current_ids = {a.id for a in scan.articles}
    plan.delete = sorted(i for i in old if i not in current_ids)
    return plan


def build(settings: Settings, rebuild: bool = False, progress: Progress | None = None, embedder=None) -> BuildReport:
    """Update the index under a lock; return what changed. ``embedder`` defaults to the configured one."""
    from filelock import FileLock, Timeout

    started = time.perf_counter()
    index_dir = settings.index.dir
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(index_dir / ".build.lock"), timeout=0)
        lock.acquire()
    except Timeout:
        raise IndexLockedError(f"another index build is running (pid {_lock_owner(index_dir)})") from None
    except OSError as exc:
        raise IndexBuildError(f"cannot write the index folder {index_dir}/: {exc.strerror or exc}") from exc
    try:
        (index_dir / ".build.pid").write_text(str(os.getpid()))
        plan = plan_build(settings, rebuild)
        report = _apply(settings, plan, progress, embedder)
    finally:
        lock.release()
    report.seconds = time.perf_counter() - started
    return report


def _lock_owner(index_dir: Path) -> str:
    try:
        return (index_dir / ".build.pid").read_text().strip() or "?"
    except OSError:
        return "?"


def _apply(settings: Settings, plan: Plan, progress: Progress | None, embedder) -> BuildReport:
    report = BuildReport(articles=len(plan.scan.articles), skipped=plan.scan.skipped, duplicates=plan.scan.duplicates)
    index_dir = settings.index.dir
    previous_gen, previous_manifest = plan.previous or (None, None)
    current = current_generation(index_dir) if previous_gen is None else previous_gen
    _remove_unfinished(settings, index_dir, current)
    if not plan.changed:
        report.unchanged = previous_manifest.chunk_count
        report.generation = previous_gen.name
        return report

    numbers = [generation_number(p) for p in generation_dirs(index_dir)]
    generation = index_dir / f"gen-{(max(numbers) + 1 if numbers else 1):06d}"
    try:
        generation.mkdir()
        if previous_gen is not None and not settings.index.chroma_host:
            shutil.copytree(previous_gen / "chroma", generation / "chroma")
        collection = open_collection(settings, generation, create=True)
        if previous_gen is not None and settings.index.chroma_host:
            _copy_records(open_collection(settings, previous_gen), collection, previous_manifest)
        manifest = _write_records(settings, plan, collection, generation, report, progress, embedder)
        ids, texts = _all_records(collection)
        if len(ids) != manifest.chunk_count:
            raise IndexBuildError(f"index holds {len(ids)} chunks, expected {manifest.chunk_count}: run \"bot index --rebuild\"")
        build_bm25(ids, texts, generation)
        manifest.write(generation)
        del collection
        switch_current(index_dir, generation)
    except BotError:
        remove_generation(settings, generation)
        raise
    except Exception as exc:
        remove_generation(settings, generation)
        raise IndexBuildError(f"index build failed, previous index kept: {exc}".splitlines()[0]) from exc
    report.generation = generation.name
    _collect_old(settings, index_dir, generation)
    return report


def _write_records(settings, plan: Plan, collection, generation: Path, report: BuildReport, progress, embedder) -> Manifest:
    from bot.embeddings import embedder_dimension, load_embedder, token_counter

    old = plan.previous[1].articles if plan.previous else {}
    gone = [a.id for a in plan.update] + plan.delete
    reusable = _vectors_of(collection, gone)  # text hash -> vector, before their records go
    for start in range(0, len(gone), 100):
        collection.delete(where={"article_id": {"$in": gone[start:start + 100]}})
    report.deleted = sum(old[i]["chunks"] for i in plan.delete)
    report.unchanged = sum(old[i]["chunks"] for i in plan.keep)

    counter = token_counter(settings)
    fresh = plan.add + plan.update
    chunks: list[Chunk] = []
    for done, article in enumerate(fresh, 1):
        chunks.extend(chunk_article(article, counter, settings.chunking.max_tokens, settings.chunking.overlap_sentences))
        if progress:
            progress("chunking", done, len(fresh))
    added_ids = {a.id for a in plan.add}
    report.added = sum(1 for c in chunks if c.article_id in added_ids)
    report.updated = len(chunks) - report.added

    embedder = embedder or load_embedder(settings)
    dimension = embedder_dimension(embedder)
    hashes = [_text_hash(c.text) for c in chunks]
    todo = [i for i, h in enumerate(hashes) if h not in reusable]
    report.embedded = len(todo)
    vectors: dict[str, list[float]] = dict(reusable)
    for start in range(0, len(todo), _BATCH):
        batch = todo[start:start + _BATCH]
        for i, vector in zip(batch, embedder.embed_documents([chunks[i].text for i in batch])):
            vectors[hashes[i]] = vector
        if progress:
            progress("embedding", min(start + _BATCH, len(todo)), len(todo))
    for start in range(0, len(chunks), _BATCH):
        part = chunks[start:start + _BATCH]
        collection.add(
            ids=[c.id for c in part],
            documents=[c.text for c in part],
            embeddings=[vectors[hashes[start + j]] for j in range(len(part))],
            metadatas=[_metadata(c, hashes[start + j]) for j, c in enumerate(part)],
        )
        if progress:
            progress("writing", min(start + _BATCH, len(chunks)), len(chunks))

    articles = {i: old[i] for i in plan.keep}
    per_article: dict[str, int] = {}
    for c in chunks:
        per_article[c.article_id] = per_article.get(c.article_id, 0) + 1
    for a in fresh:
        articles[a.id] = {
            "hash": a.content_hash, "path": a.path, "title": a.title, "date": a.date,
            "source": a.source, "url": a.url, "chunks": per_article.get(a.id, 0),
        }
    return Manifest(
        generation=generation.name,
        format_version=FORMAT_VERSION,
        shape=settings.index_shape(),
        dimension=dimension,
        created_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        articles=articles,
        chunk_count=sum(a["chunks"] for a in articles.values()),
    )


def _metadata(chunk: Chunk, text_hash: str) -> dict:
    meta = {
        "article_id": chunk.article_id, "title": chunk.title, "path": chunk.path, "index": chunk.index,
        "start": chunk.start, "end": chunk.end, "text_hash": text_hash,
        "source": chunk.source, "url": chunk.url, "date": chunk.date, "date_epoch": date_epoch(chunk.date),
    }
    return {k: v for k, v in meta.items() if v is not None}


def _text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _vectors_of(collection, article_ids: list[str]) -> dict[str, list[float]]:
    vectors: dict[str, list[float]] = {}
    for start in range(0, len(article_ids), 100):
        got = collection.get(where={"article_id": {"$in": article_ids[start:start + 100]}}, include=["embeddings", "metadatas"])
        for meta, vector in zip(got["metadatas"], got["embeddings"]):
            vectors[meta["text_hash"]] = list(vector)
    return vectors


def _all_records(collection) -> tuple[list[str], list[str]]:
    ids, texts, offset, total = [], [], 0, collection.count()
    while offset < total:
        got = collection.get(include=["documents"], limit=5000, offset=offset)
        ids.extend(got["ids"])
        texts.extend(got["documents"])
        offset += 5000
    return ids, texts


def _copy_records(source, target, manifest: Manifest) -> None:
    offset, total = 0, source.count()
    while offset < total:
        got = source.get(include=["documents", "embeddings", "metadatas"], limit=_BATCH, offset=offset)
        target.add(ids=got["ids"], documents=got["documents"], embeddings=got["embeddings"], metadatas=got["metadatas"])
        offset += _BATCH


def _remove_unfinished(settings: Settings, index_dir: Path, current: Path | None) -> None:
    """Generations newer than CURRENT were never finished (a killed build)."""
    floor = generation_number(current) if current is not None else 0
    for path in generation_dirs(index_dir):
        if generation_number(path) > floor:
            remove_generation(settings, path)


def _collect_old(settings: Settings, index_dir: Path, current: Path) -> None:
    older = [p for p in generation_dirs(index_dir) if generation_number(p) < generation_number(current)]
    for path in older[: max(0, len(older) - settings.index.keep_generations)]:
        remove_generation(settings, path)
