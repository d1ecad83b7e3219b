"""A long-lived reader lets go of the index generations a rebuild replaces (issue 13, hole 3): their
Chroma clients and memory maps are closed once the last answer reading them is written, so rebuilds
leave no open descriptors or mappings of old or deleted files behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import DISTRICT_REPORTS


def open_files() -> list[str]:
    """Where this process's descriptors point."""
    targets = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            targets.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:  # closed while listing (the listing's own descriptor)
            pass
    return targets


def mapped_files() -> set[str]:
    with open("/proc/self/maps", encoding="utf-8") as maps:
        return {fields[5].strip() for fields in (line.split(None, 5) for line in maps) if len(fields) == 6}


def held(index_dir: Path, current: str) -> dict[str, int]:
    """Descriptors and mappings of deleted files, and of index generations other than ``current``."""
    def old(path: str) -> bool:
        return path.startswith(f"{index_dir}/gen-") and not path.startswith(f"{index_dir}/{current}/")

    files, maps = open_files(), mapped_files()
    return {
        "deleted files open": sum(p.endswith("(deleted)") for p in files),
        "old generation files open": sum(old(p) for p in files),
        "deleted files mapped": sum(p.endswith("(deleted)") for p in maps),
        "old generation files mapped": sum(old(p) for p in maps),
    }


@pytest.fixture
def hnsw_corpus(tmp_path, fake_models):
    """1,100 short articles (enough for Chroma to write its HNSW files), indexed with the fake embedder."""
    from bot.index import build
    from bot.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(1100):
        (corpus / f"a{n:04d}.md").write_text(f"---\ntitle: Article {n}\n---\n{DISTRICT_REPORTS[n % 20]}\n")
    settings = Settings().with_overrides(corpus={"dir": corpus}, index={"dir": tmp_path / "index"})
    build(settings, models=fake_models)
    assert list((tmp_path / "index").glob("gen-*/chroma/*/header.bin")), "the HNSW index is on disk"
    return settings


@pytest.mark.slow
def test_rebuilds_while_answering_leave_no_old_generation_open(hnsw_corpus, fake_models, fake_answerer):
    from bot.engine import Engine
    from bot.index import build

    engine = Engine(hnsw_corpus, fake_models, answerer=fake_answerer)
    index_dir = hnsw_corpus.index.dir
    assert engine.ask("How many homes lost power in the Hazel district?").answerable
    baseline = held(index_dir, engine.reader.opened().generation.name)
    counts = []
    for n in range(10):
        (hnsw_corpus.corpus.dir / f"bridge{n}.md").write_text(
            f"---\ntitle: Bridge {n}\n---\nThe mayor opened bridge number {n} over the river.\n")
        build(hnsw_corpus, models=fake_models)
        answer = engine.ask(f"Which bridge did the mayor open over the river, number {n}?")
        assert answer.answerable and answer.generation == f"gen-{n + 2:06d}"  # answered from the new generation
        counts.append(held(index_dir, answer.generation))
    assert len(list(index_dir.glob("gen-*"))) == 1 + hnsw_corpus.index.keep_generations  # the rest were deleted
    assert counts[-1] == baseline, counts
    assert all(c == counts[0] for c in counts), counts


def test_a_search_keeps_its_generation_open_through_a_rebuild(fast_seed, fake_models):
    from bot.index import build
    from bot.retrieve import IndexReader
    from bot.types import Query

    reader = IndexReader(fast_seed, fake_models)
    question = "armored train Vladivostok"
    retrieval = reader.search(Query(question, question, k=3))
    first = retrieval.opened
    (fast_seed.corpus.dir / "bridge.md").write_text("---\ntitle: Bridge\n---\nThe mayor opened a bridge.\n")
    build(fast_seed, models=fake_models)
    reader.refresh()
    assert reader.opened() is not first
    assert not first.closed  # an answer is still being written from it
    article = retrieval.evidence[0].chunk.article_id
    assert retrieval.article_chunks(article)  # still readable
    retrieval.release()
    assert first.closed
    retrieval.release()  # releasing twice is harmless
    assert not reader.opened().closed


def test_a_dropped_search_lets_its_generation_close(fast_seed, fake_models):
    from bot.index import build
    from bot.retrieve import IndexReader
    from bot.types import Query

    reader = IndexReader(fast_seed, fake_models)
    retrieval = reader.search(Query("train", "train", k=1))
    first = retrieval.opened
    (fast_seed.corpus.dir / "bridge.md").write_text("---\ntitle: Bridge\n---\nThe mayor opened a bridge.\n")
    build(fast_seed, models=fake_models)
    reader.refresh()
    assert not first.closed
    del retrieval  # a caller that never released it
    assert first.closed
