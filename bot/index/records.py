"""Chunk records in Chroma, both directions (``Chunk`` -> metadata, record -> ``Chunk``), and the bulk
reads and writes a build needs."""

from __future__ import annotations

import hashlib

from bot.dates import date_epoch, end_of_day_epoch
from bot.types import Chunk, Filters

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


def chroma_where(filters: Filters) -> dict | None:
    """The Chroma ``where`` clause selecting the records ``filters`` accepts (None: all)."""
    clauses: list[dict] = []
    if filters.source:
        clauses.append({"source": filters.source})
    if filters.since:
        clauses.append({"date_epoch": {"$gte": date_epoch(filters.since)}})
    if filters.until:
        clauses.append({"date_epoch": {"$lte": end_of_day_epoch(filters.until)}})
    if filters.articles:
        clauses.append({"article_id": {"$in": list(filters.articles)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


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


def _pages(collection, include: list[str], size: int = _PAGE):
    """Every record of the collection, a page at a time."""
    offset, total = 0, collection.count()
    while offset < total:
        yield collection.get(include=include, limit=size, offset=offset)
        offset += size


def all_records(collection) -> tuple[list[str], list[str]]:
    """Ids and texts of every record."""
    ids, texts = [], []
    for page in _pages(collection, ["documents"]):
        ids.extend(page["ids"])
        texts.extend(page["documents"])
    return ids, texts


def all_ids(collection) -> set[str]:
    return {i for page in _pages(collection, []) for i in page["ids"]}


def copy_records(source, target) -> None:
    for got in _pages(source, ["documents", "embeddings", "metadatas"], WRITE_BATCH):
        target.add(ids=got["ids"], documents=got["documents"], embeddings=got["embeddings"], metadatas=got["metadatas"])


def chunk_from_record(chunk_id: str, text: str, meta: dict) -> Chunk:
    """The ``Chunk`` a stored record stands for (the inverse of ``chunk_metadata``)."""
    return Chunk(
        id=chunk_id, article_id=meta["article_id"], index=int(meta.get("index", 0)),
        start=int(meta["start"]), end=int(meta["end"]), text=text, title=meta.get("title", ""),
        path=meta.get("path", ""), date=meta.get("date"), source=meta.get("source"), url=meta.get("url"),
    )
