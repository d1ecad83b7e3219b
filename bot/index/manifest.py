"""A generation's ``manifest.json``: what it holds (articles, chunk counts) and what it was built with
(format, embedder and chunking), and the current generation's manifest as readers find it, with a
one-line error saying what to run when it is missing, damaged or built with other settings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.errors import IndexCorruptError, IndexMismatchError, IndexMissingError
from bot.index.bm25 import ids_path
from bot.index.store import current_generation, unreadable, write_json_atomic
from bot.settings import Settings, shape_hash

FORMAT_VERSION = 1
MANIFEST = "manifest.json"


def describe_shape(shape: dict) -> str:
    chunking = shape.get("chunking", {})
    parts = ", ".join(f"{k}={v}" for k, v in sorted(chunking.items()))
    return f"embedder {shape.get('embedder')} and chunking {parts}"


@dataclass
class Manifest:
    generation: str
    format_version: int
    shape: dict
    dimension: int
    created_at: str
    articles: dict[str, dict]  # article id -> {hash, path, title, date, source, url, chunks}
    chunk_count: int
    index_id: str | None = None  # the index folder's id (see bot.index.chroma); None before ids existed
    collection: str | None = None  # the Chroma collection's name

    @classmethod
    def read(cls, generation: Path) -> "Manifest":
        """Raises ``OSError``/``ValueError``/``KeyError`` on a missing, truncated or malformed file."""
        data = json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
        optional = ("index_id", "collection")
        manifest = cls(**{k: data[k] if k not in optional else data.get(k) for k in cls.__dataclass_fields__})
        entries = manifest.articles.values() if isinstance(manifest.articles, dict) else None
        if entries is None or not all(isinstance(e, dict) and isinstance(e.get("chunks"), int) for e in entries):
            raise ValueError("manifest articles are malformed")
        if manifest.chunk_count != sum(e["chunks"] for e in entries) or not isinstance(manifest.shape, dict):
            raise ValueError("manifest counts are inconsistent")
        return manifest

    def write(self, generation: Path) -> None:
        write_json_atomic(generation / MANIFEST, self.__dict__)


def current_manifest(settings: Settings) -> tuple[Path, Manifest]:
    """The current generation and its manifest, whatever settings built it; one-line errors when
    there is none or it is damaged."""
    index_dir = settings.index.dir
    generation = current_generation(index_dir)
    if generation is None:
        raise IndexMissingError(f'no index at {index_dir}/: run "bot index"')
    try:
        manifest = Manifest.read(generation)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexCorruptError(unreadable(index_dir)) from exc
    needed = [ids_path(generation)]
    if not settings.index.chroma_host:
        needed.append(generation / "chroma" / "chroma.sqlite3")
    if not all(path.is_file() for path in needed):
        raise IndexCorruptError(unreadable(index_dir))
    return generation, manifest


def read_current_manifest(settings: Settings) -> tuple[Path, Manifest]:
    """The current generation and its manifest, readable with these settings, or a one-line error
    saying what to run."""
    generation, manifest = current_manifest(settings)
    built_with = incompatibility(settings, manifest)
    if built_with:
        raise IndexMismatchError(f'index was built with {built_with}: run "bot index --rebuild"')
    return generation, manifest


def incompatibility(settings: Settings, manifest: Manifest) -> str | None:
    """What the index was built with that these settings cannot read ("format 0", "embedder X and ..."),
    or None when they match."""
    if manifest.format_version != FORMAT_VERSION:
        return f"format {manifest.format_version}"
    if settings.index.chroma_host and not manifest.index_id:
        return "collection names shared by every index folder on the Chroma server"
    if shape_hash(manifest.shape) != shape_hash(settings.index_shape()):
        return describe_shape(manifest.shape)
    return None
