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
import shutil
import time
from pathlib import Path

from bot.chunking import chunk_article
from bot.corpus import check_corpus_folder
from bot.errors import IndexBuildError, IndexCorruptError
from bot.index.bm25 import build_bm25
from bot.index.chroma import collection_name, read_index_id
from bot.index.failures import build_failure
from bot.index.integrity import check_generation, remember_checked, unchanged_since_checked
from bot.index.lock import build_lock
from bot.index.plan import FullBuild, Plan, diff_corpus, plan_build
from bot.index.records import all_records, copy_records
from bot.index.report import BuildReport, Progress, report_progress
from bot.settings import Settings
from bot.models import Models
from bot.index.manifest import FORMAT_VERSION, Manifest
from bot.index.store import (
    collect_old,
    next_generation,
    opened_collection,
    remove_generation,
    remove_unfinished,
    sweep_trash,
    switch_current,
    sync_tree,
)
from bot.index.write import write_records, write_sentences
from bot.types import Chunk

LARGE_ARTICLE_CHARS = 1_000_000


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
            report_progress(progress, "chunking", done, len(fresh))
        added_ids = {a.id for a in plan.add}
        report.added = sum(1 for c in chunks if c.article_id in added_ids)
        report.updated = len(chunks) - report.added
        with opened_collection(settings, generation, create=True) as collection:
            dimension = write_records(settings, plan, chunks, collection, report, progress, models)
            ids, texts = all_records(collection)
        manifest = _manifest(settings, plan, chunks, generation, dimension)
        if len(ids) != manifest.chunk_count or len(set(ids)) != len(ids):
            raise IndexBuildError(f"index holds {len(ids)} chunks, expected {manifest.chunk_count}: run \"bot index --rebuild\"")
        build_bm25(ids, texts, generation)
        report.sentences_embedded = write_sentences(generation, texts, plan, progress, models)
        manifest.write(generation)
        sync_tree(generation)  # everything on disk before readers are pointed at it
        report_progress(progress, "finishing", 1, 2)
        switch_current(index_dir, generation)
        remember_checked(index_dir, generation)  # as written: a later change to its files means a check
        report_progress(progress, "finishing", 2, 2)
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
