"""Where index generations live, and the one place Chroma clients are made.

Crash safety by generations: every build that changes something writes a
complete new generation folder ``index/gen-NNNNNN/`` (Chroma data, BM25 data,
``manifest.json``) starting from a copy of the current one, and only when it
is whole does it atomically replace ``index/CURRENT`` (write a temp file,
fsync, ``os.replace``). Readers follow ``CURRENT``, so a build killed at any
moment leaves the previous generation answering; the next build deletes the
unfinished folder and starts again. Old generations are kept a little while
for readers still holding them, then removed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import IndexCorruptError, IndexMismatchError, IndexMissingError
from bot.settings import Settings, shape_hash

FORMAT_VERSION = 1
COLLECTION = "chunks"
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
_GENERATION = re.compile(r"^gen-(\d{6,})$")


def generation_dirs(index_dir: Path) -> list[Path]:
    if not index_dir.is_dir():
        return []
    return sorted(p for p in index_dir.iterdir() if _GENERATION.match(p.name) and p.is_dir())


def generation_number(path: Path) -> int:
    return int(_GENERATION.match(path.name).group(1))


def current_generation(index_dir: Path) -> Path | None:
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexCorruptError(_unreadable(index_dir)) from exc
    if not _GENERATION.match(name):
        raise IndexCorruptError(_unreadable(index_dir))
    return index_dir / name


def switch_current(index_dir: Path, generation: Path) -> None:
    """Atomically point readers at ``generation``."""
    tmp = index_dir / f".{CURRENT}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(generation.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / CURRENT)
    _fsync_dir(index_dir)


def write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unreadable(index_dir: Path) -> str:
    return f'index at {index_dir}/ is unreadable: run "bot index --rebuild"'


def make_client(settings: Settings, generation: Path):
    """The only place a Chroma client is created (embedded now; a server later)."""
    import chromadb

    chroma_settings = chromadb.Settings(anonymized_telemetry=False)
    if settings.index.chroma_host:
        return chromadb.HttpClient(
            host=settings.index.chroma_host, port=settings.index.chroma_port, settings=chroma_settings
        )
    return chromadb.PersistentClient(path=str(generation / "chroma"), settings=chroma_settings)


def collection_name(settings: Settings, generation: Path) -> str:
    # On a shared server every generation is its own collection; embedded, each has its own folder.
    return f"{COLLECTION}-{generation.name}" if settings.index.chroma_host else COLLECTION


def open_collection(settings: Settings, generation: Path, create: bool = False):
    client = make_client(settings, generation)
    name = collection_name(settings, generation)
    if create:
        return client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"}, embedding_function=None)
    return client.get_collection(name, embedding_function=None)


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

    @classmethod
    def read(cls, generation: Path) -> "Manifest":
        data = json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})

    def write(self, generation: Path) -> None:
        write_json_atomic(generation / MANIFEST, self.__dict__)


def read_current_manifest(settings: Settings) -> tuple[Path, Manifest]:
    """The current generation and its manifest, or a one-line error saying what to run."""
    index_dir = settings.index.dir
    generation = current_generation(index_dir)
    if generation is None:
        raise IndexMissingError(f'no index at {index_dir}/: run "bot index"')
    try:
        manifest = Manifest.read(generation)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexCorruptError(_unreadable(index_dir)) from exc
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMismatchError(f'index was built with format {manifest.format_version}: run "bot index --rebuild"')
    wanted = settings.index_shape()
    if shape_hash(manifest.shape) != shape_hash(wanted):
        raise IndexMismatchError(f'index was built with {describe_shape(manifest.shape)}: run "bot index --rebuild"')
    return generation, manifest


def remove_generation(settings: Settings, generation: Path) -> None:
    if settings.index.chroma_host:
        try:
            make_client(settings, generation).delete_collection(collection_name(settings, generation))
        except Exception:  # already gone, or the server is down: the folder still goes
            pass
    shutil.rmtree(generation, ignore_errors=True)
