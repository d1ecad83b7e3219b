"""Chunk records in Chroma: their metadata, and the bulk reads and writes a build needs."""

from __future__ import annotations

import hashlib

from bot.corpus import date_epoch
from bot.types import Chunk

WRITE_BATCH = 1000
_LOOKUP_BATCH = 500
_PAGE = 5000


def chunk_metadata(chunk: Chunk, text_hash: str) -> dict:
    meta = {
        "article_id": chunk.article_id, "title": chunk.title, "path": chunk.path, "index": chunk.index,
        "start": chunk.start, "end": chunk.end, "text_hash": text_hash,
        "source": chunk.source, "url": chunk.url, "date": chunk.date, "date_epoch": date_epoch(chunk.date),
    }
    return {k: v for k, v in meta.items() if v is not None}


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def stored_vectors(collection, text_hashes: set[str]) -> dict[str, list[float]]:
    """Vectors already in the collection for these chunk texts (by text hash)."""
    found: dict[str, list[float]] = {}
    if not text_hashes or collection.count() == 0:
        return found
    wanted = sorted(text_hashes)
    for start in range(0, len(wanted), _LOOKUP_BATCH):
        got = collection.get(
            where={"text_hash": {"$in": wanted[start:start + _LOOKUP_BATCH]}}, include=["embeddings", "metadatas"]
        )
        for meta, vector in zip(got["metadatas"], got["embeddings"]):
            found[meta["text_hash"]] = vector.tolist() if hasattr(vector, "tolist") else list(vector)
    return found


def all_records(collection) -> tuple[list[str], list[str]]:
    ids, texts, offset, total = [], [], 0, collection.count()
    while offset < total:
        got = collection.get(include=["documents"], limit=_PAGE, offset=offset)
        ids.extend(got["ids"])
        texts.extend(got["documents"])
        offset += _PAGE
    return ids, texts


def copy_records(source, target) -> None:
    offset, total = 0, source.count()
    while offset < total:
        got = source.get(include=["documents", "embeddings", "metadatas"], limit=WRITE_BATCH, offset=offset)
        target.add(ids=got["ids"], documents=got["documents"], embeddings=got["embeddings"], metadatas=got["metadatas"])
        offset += WRITE_BATCH
