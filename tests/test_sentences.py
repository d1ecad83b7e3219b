"""Sentence vectors are embedded when a chunk is indexed and looked up when a question is answered."""

from __future__ import annotations

import numpy as np
import pytest

from bot.index.sentences import SentenceVectors, chunk_sentences, write_sentence_vectors
from conftest import FakeEmbedder


class CountingEmbedder(FakeEmbedder):
    """The fake embedder, counting every text it is asked to embed."""

    def __init__(self):
        self.texts: list[str] = []

    def embed_documents(self, texts):
        self.texts.extend(texts)
        return [self.embed_query(t) for t in texts]


def _embed(texts):
    return np.asarray(FakeEmbedder().embed_documents(texts), dtype=np.float32)


def test_a_chunks_sentence_vectors_are_found_by_its_text_in_order(tmp_path):
    chunks = ["First fact here. Second fact there.", "Another chunk. Second fact there."]
    write_sentence_vectors(tmp_path, chunks, None, _embed)
    stored = SentenceVectors.load(tmp_path)
    for chunk in chunks:
        expected = _embed(chunk_sentences(chunk))
        assert np.abs(stored.for_chunk(chunk) - expected).max() < 1e-3  # float16 storage
    assert len(stored) == 3  # the shared sentence is stored once
    assert stored.for_chunk("Not indexed.") is None


def test_a_rebuild_embeds_only_the_sentences_it_has_not_seen(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    asked: list[str] = []

    def embed(texts):
        asked.extend(texts)
        return _embed(texts)

    write_sentence_vectors(old, ["Kept chunk. With two sentences."], None, embed)
    asked.clear()
    embedded = write_sentence_vectors(new, ["Kept chunk. With two sentences.", "A new one. With two sentences."],
                                      SentenceVectors.load(old), embed)
    assert asked == ["A new one."] and embedded == 1
    assert SentenceVectors.load(new).for_chunk("A new one. With two sentences.") is not None


def test_an_index_stores_every_chunks_sentences(fast_seed):
    from bot.index.bm25 import read_ids
    from bot.index.manifest import read_current_manifest

    generation, manifest = read_current_manifest(fast_seed)
    stored = SentenceVectors.load(generation)
    assert stored is not None and manifest.chunk_count > 0
    assert len(read_ids(generation)) == manifest.chunk_count
    assert len(stored) > manifest.chunk_count  # more than one sentence a chunk


def test_answering_embeds_the_question_but_no_sentence(fast_seed):
    from bot.models import Models
    from bot.retrieve import IndexReader
    from bot.settings import Settings
    from bot.types import Filters, Query

    counting = CountingEmbedder()
    reader = IndexReader(fast_seed, Models(Settings(), embedder=counting))
    question = "What did the storm knock out?"
    retrieval = reader.search(Query(question, question, Filters(), 5))
    sentences = [s for e in retrieval.evidence for s in chunk_sentences(e.chunk.text)]
    matches = retrieval.scorer.match(question, sentences, [e.chunk.text for e in retrieval.evidence])
    assert retrieval.evidence and len(matches) == len(sentences)
    assert counting.texts == [question]  # once, then memoised; every sentence came from the index


def test_a_generation_without_sentence_vectors_still_answers_by_embedding_them(fast_seed):
    import shutil

    from bot.index.sentences import SENTENCES_DIR
    from bot.index.manifest import read_current_manifest
    from bot.models import Models
    from bot.retrieve import IndexReader
    from bot.settings import Settings
    from bot.types import Filters, Query

    generation, _ = read_current_manifest(fast_seed)
    shutil.rmtree(generation / SENTENCES_DIR)
    counting = CountingEmbedder()
    reader = IndexReader(fast_seed, Models(Settings(), embedder=counting))
    retrieval = reader.search(Query("storm power homes", "storm power homes", Filters(), 5))
    assert retrieval.evidence and len(counting.texts) > 1


@pytest.mark.slow
def test_stored_sentence_vectors_are_the_embedders_own(seed_settings, models, embedder):
    from bot.index.manifest import read_current_manifest
    from bot.retrieve import IndexReader

    generation, _ = read_current_manifest(seed_settings)
    stored = SentenceVectors.load(generation)
    texts = IndexReader(seed_settings, models).opened().collection.get(limit=5, include=["documents"])["documents"]
    for text in texts:
        expected = np.asarray(embedder.embed_documents(chunk_sentences(text)))
        got = stored.for_chunk(text)
        assert np.min(np.sum(expected * got, axis=1)) > 0.9999
