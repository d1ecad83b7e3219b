"""The index: incremental by content hash, one writer, settings recorded, readers that never crash.

Real Chroma, the real embedder, real files. A small corpus (the seed article and three
SQuAD paragraphs) is indexed once per session; each test works on its own copy.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.models import Models

from bot.errors import ConfigError, IndexBuildError, IndexCorruptError, IndexLockedError, IndexMismatchError, IndexMissingError
from bot.index import build, build_lock, plan_build
from bot.settings import Settings
from bot.index.manifest import read_current_manifest
from bot.index.store import current_generation, generation_dirs, opened_collection
from bot.index import verify
from conftest import SEED_CORPUS, SQUAD_V1

SQUAD_DOCS = ["Construction_p000.txt", "Pharmacy_p000.txt", "1973_oil_crisis_p000.txt"]
SUMMARY = re.compile(r"^(\d+) articles, added (\d+), updated (\d+), deleted (\d+), unchanged (\d+) chunks in \d+\.\d s$")


class CountingEmbedder:
    """The real embedder, recording which texts it was asked to embed."""

    def __init__(self, inner):
        self.inner, self.texts = inner, []

    def embed_documents(self, texts):
        self.texts.extend(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


@pytest.fixture(scope="session")
def base_index(tmp_path_factory, models):
    root = tmp_path_factory.mktemp("base")
    corpus = root / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    (corpus / "squad").mkdir()
    for name in SQUAD_DOCS:
        shutil.copy(SQUAD_V1 / "corpus" / name, corpus / "squad" / name)
    settings = Settings().with_overrides(corpus={"dir": corpus}, index={"dir": root / "index"})
    report = build(settings, models=models)
    return root, report


@pytest.fixture
def indexed(base_index, tmp_path):
    """A private copy of the base corpus and its index: ``(settings, first build report)``."""
    root, report = base_index
    shutil.copytree(root / "corpus", tmp_path / "corpus")
    shutil.copytree(root / "index", tmp_path / "index")
    settings = Settings().with_overrides(corpus={"dir": tmp_path / "corpus"}, index={"dir": tmp_path / "index"})
    return settings, report


TINY = {
    "train.md": "---\ntitle: Kim's train\ndate: 2023-09-05\n---\nKim Jong Un rode his armored train to Vladivostok. The trip took 20 hours.",
    "storm.txt": "Storm hits coast\n\nA powerful storm knocked out power to thousands of homes on Tuesday.",
}


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory, models):
    root = tmp_path_factory.mktemp("tiny")
    (root / "corpus").mkdir()
    for name, text in TINY.items():
        (root / "corpus" / name).write_text(text)
    settings = Settings().with_overrides(corpus={"dir": root / "corpus"}, index={"dir": root / "index"})
    build(settings, models=models)
    return root


@pytest.fixture
def tiny(tiny_base, tmp_path):
    """A private copy of a two-article corpus and its index (cheap to rebuild)."""
    shutil.copytree(tiny_base / "corpus", tmp_path / "corpus")
    shutil.copytree(tiny_base / "index", tmp_path / "index")
    return Settings().with_overrides(corpus={"dir": tmp_path / "corpus"}, index={"dir": tmp_path / "index"})


def records(settings) -> dict[str, dict]:
    generation, _ = read_current_manifest(settings)
    with opened_collection(settings, generation) as collection:
        got = collection.get(include=["documents", "metadatas", "embeddings"])
    return {
        i: {"text": d, "meta": m, "vector": np.asarray(e)}
        for i, d, m, e in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"])
    }


def chunk_ids_of(settings, article_id: str) -> set[str]:
    return {i for i, r in records(settings).items() if r["meta"]["article_id"] == article_id}


def bm25_ids(settings) -> list[str]:
    generation, _ = read_current_manifest(settings)
    return json.loads((generation / "bm25" / "chunk_ids.json").read_text())


def assert_consistent(settings) -> None:
    """No duplicates, no orphans: Chroma, BM25 and the manifest agree, and verify passes."""
    _, manifest = read_current_manifest(settings)
    stored = records(settings)
    expected = {f"{a}#{i}" for a, e in manifest.articles.items() for i in range(e["chunks"])}
    assert set(stored) == expected
    assert sorted(bm25_ids(settings)) == sorted(expected)
    assert len({(r["meta"]["article_id"], r["meta"]["index"]) for r in stored.values()}) == len(stored)
    report = verify(settings)
    assert report.ok, report.lines()


def test_first_build_records_settings_and_stores_normalised_vectors_for_cosine(indexed, embedder):
    settings, report = indexed
    generation, manifest = read_current_manifest(settings)
    assert manifest.format_version == 1
    assert manifest.shape == {"embedder": "all-MiniLM-L6-v2 (onnx-fp32)", "chunking": {"max_tokens": 200, "overlap_sentences": 1}}
    assert manifest.dimension == 384
    assert set(manifest.articles) == {"kim-train-vladivostok"} | {f"squad/{n[:-4]}" for n in SQUAD_DOCS}
    assert report.articles == 4 and report.added == manifest.chunk_count and report.deleted == report.updated == 0
    stored = records(settings)
    assert len(stored) == manifest.chunk_count
    norms = [float(np.linalg.norm(r["vector"])) for r in stored.values()]
    assert norms == pytest.approx([1.0] * len(norms), abs=1e-4)
    query = np.asarray(embedder.embed_query("How long is the train journey to Vladivostok?"))
    with opened_collection(settings, generation) as collection:
        assert collection.configuration["hnsw"]["space"] == "cosine"
        got = collection.query(query_embeddings=[query.tolist()], n_results=3, include=["distances"])
    for chunk_id, distance in zip(got["ids"][0], got["distances"][0]):
        assert distance == pytest.approx(1.0 - float(stored[chunk_id]["vector"] @ query), abs=1e-4)
    assert got["ids"][0][0].startswith("kim-train-vladivostok#")
    assert_consistent(settings)


def test_second_index_run_embeds_nothing(indexed, models):
    settings, first = indexed
    before = records(settings)
    report = build(settings, models=models)
    assert report.embedded == 0
    match = SUMMARY.match(report.summary())
    assert match, report.summary()
    assert match.groups() == ("4", "0", "0", "0", str(len(before)))
    assert report.generation == first.generation
    assert [p.name for p in generation_dirs(settings.index.dir)] == [first.generation]
    assert records(settings).keys() == before.keys()


def test_edited_article_re_embeds_only_its_own_chunks(indexed, embedder, models):
    settings, _ = indexed
    before = records(settings)
    path = settings.corpus.dir / "squad" / SQUAD_DOCS[0]
    path.write_text(path.read_text() + "\n\nBuilders in 2031 added robots that pour concrete at night.\n")
    counting = CountingEmbedder(embedder)
    report = build(settings, models=Models(settings, embedder=counting))
    edited = "squad/Construction_p000"
    after = records(settings)
    new_texts = {r["text"] for r in after.values() if r["meta"]["article_id"] == edited}
    assert report.updated == len(new_texts) and report.added == report.deleted == 0
    assert report.unchanged == sum(1 for r in before.values() if r["meta"]["article_id"] != edited)
    chunk_texts = [t for t in counting.texts if t in new_texts]
    sentences = [t for t in counting.texts if t not in new_texts]
    assert chunk_texts and report.embedded == len(chunk_texts)
    old_texts = {r["text"] for r in before.values() if r["meta"]["article_id"] == edited}
    assert not set(chunk_texts) & old_texts, "an unchanged chunk text keeps its vector"
    # and of the sentences, only the new one is embedded: the others' vectors are in the previous generation
    assert sentences == ["Builders in 2031 added robots that pour concrete at night."]
    assert report.sentences_embedded == 1
    for chunk_id, record in before.items():
        if record["meta"]["article_id"] != edited:
            assert after[chunk_id]["text"] == record["text"]
            assert np.array_equal(after[chunk_id]["vector"], record["vector"])
    assert_consistent(settings)


def test_deleted_article_chunks_are_removed(indexed, models):
    settings, _ = indexed
    gone = chunk_ids_of(settings, "kim-train-vladivostok")
    (settings.corpus.dir / "kim-train-vladivostok.md").unlink()
    report = build(settings, models=models)
    assert report.deleted == len(gone) > 0 and report.embedded == 0 and report.articles == 3
    after = records(settings)
    assert not gone & set(after) and not any(r["meta"]["article_id"] == "kim-train-vladivostok" for r in after.values())
    assert "kim-train-vladivostok" not in read_current_manifest(settings)[1].articles
    assert_consistent(settings)


def test_renamed_article_embeds_nothing_and_leaves_no_duplicates(indexed, embedder, models):
    settings, _ = indexed
    before = records(settings)
    old_chunks = chunk_ids_of(settings, "kim-train-vladivostok")
    (settings.corpus.dir / "archive").mkdir()
    (settings.corpus.dir / "kim-train-vladivostok.md").rename(settings.corpus.dir / "archive" / "kim.md")
    counting = CountingEmbedder(embedder)
    report = build(settings, models=Models(settings, embedder=counting))
    assert report.embedded == 0 and counting.texts == []
    assert report.added == report.deleted == len(old_chunks)
    after = records(settings)
    assert len(after) == len(before)
    assert {i for i in after if i.startswith("archive/kim#")} == {i.replace("kim-train-vladivostok", "archive/kim") for i in old_chunks}
    moved = {r["text"]: r["vector"] for r in before.values() if r["meta"]["article_id"] == "kim-train-vladivostok"}
    for record in after.values():
        if record["meta"]["article_id"] == "archive/kim":
            assert np.allclose(record["vector"], moved[record["text"]], atol=1e-6), "the stored vector is reused"
    assert_consistent(settings)


def test_duplicated_file_creates_no_records(indexed, models):
    settings, _ = indexed
    before = records(settings)
    shutil.copy(settings.corpus.dir / "kim-train-vladivostok.md", settings.corpus.dir / "copy-of-kim.md")
    report = build(settings, models=models)
    assert report.duplicates == [("copy-of-kim.md", "kim-train-vladivostok")]
    assert report.embedded == report.added == 0
    assert records(settings).keys() == before.keys()
    assert_consistent(settings)


def test_rebuild_starts_from_scratch(indexed, models):
    settings, first = indexed
    before = records(settings)
    report = build(settings, rebuild=True, models=models)
    assert report.full_build.kind == "requested" and report.full_build.describe() == "--rebuild"
    assert report.embedded == len({r["text"] for r in before.values()})
    assert report.added == len(before) and report.unchanged == 0
    assert report.generation != first.generation
    assert records(settings).keys() == before.keys()
    assert_consistent(settings)


def test_old_generations_are_collected_and_numbers_never_reused(tiny, models):
    settings = tiny
    seen = [current_generation(settings.index.dir).name]
    article = settings.corpus.dir / "storm.txt"
    for n in range(4):
        article.write_text(article.read_text() + f"\nUpdate {n}: power is back.\n")
        seen.append(build(settings, models=models).generation)
    assert len(set(seen)) == len(seen)
    names = [p.name for p in generation_dirs(settings.index.dir)]
    assert names == seen[-(settings.index.keep_generations + 1):]
    assert not list(settings.index.dir.glob(".trash-*"))
    assert_consistent(settings)


def test_other_settings_make_readers_refuse_and_the_next_build_rebuilds(tiny, models):
    from bot.retrieve import IndexReader

    other = tiny.with_overrides(chunking={"max_tokens": 100})
    expected = (
        'index was built with embedder all-MiniLM-L6-v2 (onnx-fp32) and chunking max_tokens=200, overlap_sentences=1: '
        'run "bot index --rebuild"'
    )
    with pytest.raises(IndexMismatchError) as caught:
        IndexReader(other, models)
    assert str(caught.value) == expected
    report = build(other, models=models)
    assert report.full_build.kind == "settings_changed"
    assert report.full_build.describe().startswith("the index was built with embedder all-MiniLM-L6-v2")
    assert read_current_manifest(other)[1].shape["chunking"]["max_tokens"] == 100
    IndexReader(other, models)  # opens without complaint now
    assert_consistent(other)


def test_an_index_of_another_format_version_is_refused_and_rebuilt(tiny, models):
    from bot.retrieve import IndexReader

    generation, _ = read_current_manifest(tiny)
    data = json.loads((generation / "manifest.json").read_text())
    data["format_version"] = 99
    (generation / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(IndexMismatchError) as caught:
        IndexReader(tiny, models)
    assert str(caught.value) == 'index was built with format 99: run "bot index --rebuild"'
    assert build(tiny, models=models).full_build.describe() == "the index was built with format 99"
    assert read_current_manifest(tiny)[1].format_version == 1
    assert_consistent(tiny)


def _garbage_current(index: Path, generation: Path) -> None:
    (index / "CURRENT").write_bytes(b"\xff\xfe not a generation")


def _current_names_missing_generation(index: Path, generation: Path) -> None:
    (index / "CURRENT").write_text("gen-999999\n")


def _truncated_manifest(index: Path, generation: Path) -> None:
    path = generation / "manifest.json"
    path.write_text(path.read_text()[:100])


def _manifest_lies_about_counts(index: Path, generation: Path) -> None:
    path = generation / "manifest.json"
    data = json.loads(path.read_text())
    data["chunk_count"] += 5
    path.write_text(json.dumps(data))


def _deleted_chroma_folder(index: Path, generation: Path) -> None:
    shutil.rmtree(generation / "chroma")


def _truncated_sqlite(index: Path, generation: Path) -> None:
    path = generation / "chroma" / "chroma.sqlite3"
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size // 3)


def _deleted_bm25(index: Path, generation: Path) -> None:
    shutil.rmtree(generation / "bm25")


CORRUPTIONS = [
    _garbage_current, _current_names_missing_generation, _truncated_manifest, _manifest_lies_about_counts,
    _deleted_chroma_folder, _truncated_sqlite, _deleted_bm25,
]


@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=lambda f: f.__name__.strip("_"))
def test_readers_refuse_a_corrupt_index_in_one_line_and_the_next_build_repairs_it(tiny, models, corrupt):
    from bot.retrieve import IndexReader, hybrid_search
    from bot.types import Filters

    settings = tiny
    index = settings.index.dir
    corrupt(index, current_generation(index))
    message = f'index at {index}/ is unreadable: run "bot index --rebuild"'
    with pytest.raises(IndexCorruptError) as caught:
        IndexReader(settings, models)
    assert str(caught.value) == message
    with pytest.raises(IndexCorruptError):
        verify(settings)
    assert plan_build(settings).full_build.kind == "unreadable"
    report = build(settings, models=models)
    assert report.full_build.describe() == "the index is unreadable" and report.articles == 2
    hits = hybrid_search(IndexReader(settings, models), "armored train to Vladivostok", 1, Filters())
    assert [h.chunk.article_id for h in hits] == ["train"]
    assert_consistent(settings)


def test_rebuild_repairs_a_garbage_current_file(tiny, models):
    _garbage_current(tiny.index.dir, None)
    report = build(tiny, rebuild=True, models=models)
    assert report.articles == 2
    assert_consistent(tiny)


def test_reader_without_an_index_says_to_run_bot_index(make_settings, corpus_dir, models):
    from bot.retrieve import IndexReader

    settings = make_settings()
    with pytest.raises(IndexMissingError) as caught:
        IndexReader(settings, models)
    assert str(caught.value) == f'no index at {settings.index.dir}/: run "bot index"'
    assert not settings.index.dir.exists(), "a reader creates nothing"


def test_verify_reports_missing_extra_and_stale(indexed):
    settings, _ = indexed
    assert verify(settings).ok
    generation, _ = read_current_manifest(settings)
    with opened_collection(settings, generation) as collection:
        collection.delete(ids=["kim-train-vladivostok#2"])
    corpus = settings.corpus.dir
    edited = corpus / "squad" / SQUAD_DOCS[1]
    edited.write_text(edited.read_text() + "\nA new closing line.\n")
    (corpus / "squad" / SQUAD_DOCS[2]).unlink()
    (corpus / "fresh.md").write_text("A fresh article about trains.")
    report = verify(settings)
    assert not report.ok
    assert report.missing_records == ["kim-train-vladivostok#2"]
    assert report.bm25_mismatch == ["kim-train-vladivostok#2"]
    assert report.stale_articles == ["squad/Pharmacy_p000"]
    assert report.extra_articles == ["squad/1973_oil_crisis_p000"]
    assert report.missing_articles == ["fresh"]
    assert report.extra_records == []
    assert report.lines() == [
        "missing articles: fresh",
        "extra articles: squad/1973_oil_crisis_p000",
        "stale articles: squad/Pharmacy_p000",
        "missing records: kim-train-vladivostok#2",
        "bm25 mismatch: kim-train-vladivostok#2",
        'the index does not match its own manifest: run "bot index --rebuild"',
    ]


def test_a_lost_record_is_reported_by_verify_and_repaired_by_the_next_changing_build(tiny, models):
    generation, _ = read_current_manifest(tiny)
    with opened_collection(tiny, generation) as collection:
        collection.delete(ids=["train#0"])
    lines = verify(tiny).lines()
    assert lines[-1] == 'the index does not match its own manifest: run "bot index --rebuild"'
    (tiny.corpus.dir / "storm.txt").write_text("Storm hits coast\n\nPower is back.")
    report = build(tiny, models=models)
    assert report.full_build.kind == "records_lost"
    assert report.full_build.describe() == "the index holds 1 chunks, its manifest 2"
    assert_consistent(tiny)


def test_a_second_writer_is_refused_with_the_holders_pid(tiny, models):
    with build_lock(tiny.index.dir):
        with pytest.raises(IndexLockedError) as caught:
            build(tiny, models=models)
    assert str(caught.value) == f"another index build is running (pid {os.getpid()})"
    build(tiny, models=models)  # the lock is free again


def test_index_folder_under_a_regular_file_is_a_one_line_error(make_settings, corpus_dir, tmp_path, models):
    (corpus_dir / "a.md").write_text("An article.")
    (tmp_path / "blocker").write_text("a file, not a folder")
    settings = make_settings(index=tmp_path / "blocker" / "index")
    with pytest.raises(IndexBuildError) as caught:
        build(settings, models=models)
    assert str(caught.value) == f"cannot write the index folder {tmp_path}/blocker/index/: Not a directory"


def test_bad_model_path_fails_before_anything_is_written(make_settings, corpus_dir, tmp_path):
    (corpus_dir / "a.md").write_text("An article.")
    settings = make_settings(embedding={"model": str(tmp_path / "no-model")})
    with pytest.raises(ConfigError) as caught:
        build(settings)
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith(f"embedding.model '{tmp_path}/no-model' is not a local sentence-transformers folder")
    assert not settings.index.dir.exists()


def test_articles_that_cannot_be_read_are_skipped_and_the_rest_indexed(indexed, models):
    settings, _ = indexed
    (settings.corpus.dir / "broken.md").write_bytes(b"---\ntitle: [oops\n---\nBody")
    report = build(settings, models=models)
    assert [p for p, _ in report.skipped] == ["broken.md"]
    assert report.articles == 4
    assert_consistent(settings)


def test_chunk_metadata_carries_offsets_and_article_fields(tiny):
    body = "Kim Jong Un rode his armored train to Vladivostok. The trip took 20 hours."
    record = records(tiny)["train#0"]
    assert record["meta"] == {
        "article_id": "train", "title": "Kim's train", "path": "train.md", "index": 0, "start": 0, "end": len(body),
        "text_hash": record["meta"]["text_hash"], "date": "2023-09-05", "date_epoch": 1693872000,
    }
    assert record["text"] == body


def test_a_large_article_reports_its_own_chunking_progress(tiny, models):
    # Paragraphs that differ: one paragraph repeated makes thousands of identical vectors, among which Chroma's HNSW
    # search can miss a stored vector, and the consistency check below then reads a sound index as damaged.
    paragraphs = [f"On day {n} the armored train left station {n % 97} at dawn and crossed border post {n % 13} at "
                  f"night, carrying crate {n * 7} of supplies for the winter. " * 7 for n in range(1200)]
    (tiny.corpus.dir / "big.txt").write_text("\n\n".join(p.strip() for p in paragraphs))
    seen = []
    build(tiny, progress=lambda stage, done, total: seen.append((stage, done, total)), models=models)
    large = [(done, total) for stage, done, total in seen if stage == "chunking big.txt"]
    assert len(large) > 100, "progress inside the article, not only when it is done"
    assert [d for d, _ in large] == sorted(d for d, _ in large) and large[-1][0] == large[-1][1]
    assert ("chunking", 1, 1) in seen
    assert_consistent(tiny)
