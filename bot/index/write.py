"""Filling a new index generation: the chunk records with their vectors (each distinct new text
embedded once, a text already stored reuses its vector) and the chunks' sentence vectors (see
``bot.index.sentences``). ``bot.index.build`` decides what to write; this writes it."""

from __future__ import annotations

from pathlib import Path

from bot.index.plan import Plan
from bot.index.records import WRITE_BATCH, chunk_metadata, stored_vectors, text_hash
from bot.index.report import BuildReport, Progress, report_progress
from bot.models import Models
from bot.types import Chunk

PROGRESS_BATCHES = 8  # encoder batches between two progress updates


def write_records(settings, plan: Plan, chunks: list[Chunk], collection, report: BuildReport, progress,
                   models: Models) -> int:
    """Delete the records of edited and removed articles, add the new chunks; return the vector size."""
    from bot.embeddings import embedder_dimension
    from bot.index.sentences import embed_matrix

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
        report_progress(progress, "embedding", 0, len(todo))  # shown while the model loads
    if todo or dimension is None:
        embedder = models.embedder
        dimension = embedder_dimension(embedder)
    # Several encoder batches per call: the embedder tokenises the next batch while it encodes this one.
    step = settings.embedding.batch_size * PROGRESS_BATCHES
    for start in range(0, len(todo), step):
        part = todo[start:start + step]
        for text, vector in zip(part, embed_matrix(embedder, part).tolist()):
            vectors[text_hash(text)] = vector
        report_progress(progress, "embedding", min(start + step, len(todo)), len(todo))

    for start in range(0, len(chunks), WRITE_BATCH):
        part = chunks[start:start + WRITE_BATCH]
        collection.add(
            ids=[c.id for c in part],
            documents=[c.text for c in part],
            embeddings=[vectors[hashes[start + j]] for j in range(len(part))],
            metadatas=[chunk_metadata(c, hashes[start + j]) for j, c in enumerate(part)],
        )
        report_progress(progress, "writing", min(start + WRITE_BATCH, len(chunks)), len(chunks))
    return dimension


def write_sentences(generation: Path, texts: list[str], plan: Plan, progress: Progress | None, models: Models) -> int:
    """Every chunk's sentence vectors, the previous generation's reused (see ``bot.index.sentences``)."""
    from bot.index.sentences import SentenceVectors, embed_matrix, write_sentence_vectors

    previous = None
    if plan.previous is not None:
        try:
            previous = SentenceVectors.load(plan.previous[0])
        except (OSError, ValueError):  # damaged: everything is embedded again
            previous = None

    def step(done: int, total: int) -> None:
        report_progress(progress, "sentences", done, total)

    return write_sentence_vectors(generation, texts, previous, lambda part: embed_matrix(models.embedder, part), step)
