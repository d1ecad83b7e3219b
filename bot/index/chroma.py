"""Chroma clients, whose collection is whose, and reading an index that cannot be written to.

Embedded, each generation folder holds its own Chroma database. On a shared
server (``index.chroma_host``) every generation of every index folder is its own
collection, named ``newsbot-<index id>-<generation>``: the index id is random,
made once per index folder (``.index-id``) and recorded in each manifest, so
two index folders on one server can never collide. The collection's metadata
carries the same index id and generation: a reader checks them against its
manifest before answering, and clean-up never deletes a collection whose
metadata names another index.

Chroma writes when it opens a database folder, even to read. A reader whose
index folder is read-only or on a full disk opens a private copy in the
system's temporary folder instead (removed when the reader closes it).

A reader gets a ``ReadingCollection``: the collection and the client it came
from, which ``close()`` releases (an embedded client otherwise keeps its SQLite
and HNSW files open for the life of the process: chromadb caches it by path).

What a Chroma failure means to the user is ``bot.index.failures``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Any

from bot.errors import IndexCorruptError, IndexUnavailableError
from bot.folders import remove_orphaned
from bot.index.failures import chroma_failure, disk_full, server_address
from bot.settings import Settings

COLLECTION = "chunks"  # the collection's name in an embedded generation
INDEX_ID = ".index-id"
OWNER_KEY = "newsbot_index"
GENERATION_KEY = "newsbot_generation"
COPY_PREFIX = "newsbot-index-copy-"


def ensure_index_id(index_dir: Path) -> str:
    """This index folder's id, made on first use (by the writer, under its lock)."""
    from bot.index.store import write_text_atomic

    found = read_index_id(index_dir)
    if found:
        return found
    made = secrets.token_hex(6)
    write_text_atomic(index_dir / INDEX_ID, made)
    return made


def read_index_id(index_dir: Path) -> str | None:
    try:
        text = (index_dir / INDEX_ID).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text if text.isalnum() else None


def collection_name(settings: Settings, generation: Path, index_id: str | None) -> str:
    if not settings.index.chroma_host:
        return COLLECTION
    return f"newsbot-{index_id}-{generation.name}"


def collection_metadata(settings: Settings, generation: Path, index_id: str | None) -> dict[str, str]:
    metadata = {"hnsw:space": "cosine"}
    if settings.index.chroma_host:
        metadata.update({OWNER_KEY: index_id, GENERATION_KEY: generation.name})
    return metadata


def make_client(settings: Settings, chroma_dir: Path | None = None):
    """The only place a Chroma client is created: the server's, else the embedded one in ``chroma_dir``."""
    from bot.embeddings import quiet_libraries

    quiet_libraries()
    import chromadb

    chroma_settings = chromadb.Settings(anonymized_telemetry=False)
    index = settings.index
    if index.chroma_host:
        headers = {"Authorization": f"Bearer {index.chroma_token.get_secret_value()}"} if index.chroma_token else None
        return chromadb.HttpClient(
            host=index.chroma_host, port=index.chroma_port, ssl=index.chroma_ssl, headers=headers,
            settings=chroma_settings,
        )
    return chromadb.PersistentClient(path=str(chroma_dir), settings=chroma_settings)


class ReadingCollection:
    """A collection opened for reading, with what ``close()`` releases: its client, and the private
    copy it was opened from, if any (removed at exit at the latest)."""

    def __init__(self, collection: Any, client: Any, copy: Path | None = None):
        self.collection = collection
        self.client = client
        self._remove_copy = weakref.finalize(self, shutil.rmtree, str(copy), True) if copy else None

    def close(self) -> None:
        close_client(self.client)
        if self._remove_copy is not None:
            self._remove_copy()


def close_client(client: Any) -> None:
    """Stop a client's system when it was the last one on it (chromadb >= 1.1 has ``close``)."""
    close = getattr(client, "close", None)
    if close is not None:
        close()


def open_collection_for_reading(settings: Settings, generation: Path, manifest) -> ReadingCollection:
    """The collection of ``generation``, checked to be the one its manifest describes; close it when done.

    Raises ``IndexUnavailableError`` (server, token, disk) or ``IndexCorruptError``.
    """
    from bot.index.store import unreadable

    if settings.index.chroma_host:
        name = getattr(manifest, "collection", None) or collection_name(settings, generation, manifest.index_id)
        client = None
        try:
            client = make_client(settings)
            collection = client.get_collection(name, embedding_function=None)
        except Exception as exc:
            if client is not None:
                close_client(client)
            from chromadb.errors import NotFoundError

            missing = IndexCorruptError(
                f"collection {name} is missing from the Chroma server at {server_address(settings)}: "
                'run "bot index --rebuild"'
            )
            failure = chroma_failure(settings, exc)
            raise failure or (missing if isinstance(exc, NotFoundError) else IndexCorruptError(unreadable(settings.index.dir))) from exc
        opened = ReadingCollection(collection, client)
        try:
            check_owner(settings, collection, manifest.index_id, generation)
        except IndexCorruptError:
            opened.close()
            raise
        return opened
    chroma_dir = generation / "chroma"
    if not (chroma_dir / "chroma.sqlite3").is_file():
        raise IndexCorruptError(unreadable(settings.index.dir))  # never let a reader create an empty one
    if _writable(chroma_dir):
        client = None
        try:
            client = make_client(settings, chroma_dir)
            return ReadingCollection(client.get_collection(COLLECTION, embedding_function=None), client)
        except Exception as exc:
            if client is not None:
                close_client(client)
            if chroma_failure(settings, exc, chroma_dir) is None:
                raise IndexCorruptError(unreadable(settings.index.dir)) from exc
    return _open_private_copy(settings, chroma_dir)


def check_owner(settings: Settings, collection, index_id: str | None, generation: Path) -> None:
    """A collection on a server must carry this index's id and this generation in its metadata."""
    metadata = collection.metadata or {}
    if metadata.get(OWNER_KEY) != index_id or metadata.get(GENERATION_KEY) != generation.name:
        raise IndexCorruptError(
            f"collection {collection.name} on the Chroma server at {server_address(settings)} does not belong to "
            f'{generation}: run "bot index --rebuild"'
        )


def delete_own_collection(settings: Settings, generation: Path) -> bool:
    """Delete this index's collection for ``generation`` from the server, only if its metadata says
    it is ours. True when it is gone (or never was); False when the server could not be asked."""
    index_id = read_index_id(settings.index.dir)
    if index_id is None:
        return True  # this folder never made a collection (ids come before the first one)
    name = collection_name(settings, generation, index_id)
    client = None
    try:
        client = make_client(settings)
        try:
            collection = client.get_collection(name, embedding_function=None)
        except Exception as exc:
            if chroma_failure(settings, exc) is not None:
                raise
            return True  # not there
        if (collection.metadata or {}).get(OWNER_KEY) == index_id:
            client.delete_collection(name)
        return True
    except Exception:
        return False
    finally:
        if client is not None:
            close_client(client)


def private_copy(chroma_dir: Path, parent: Path | None = None) -> Path:
    """A copy of an embedded database folder to open instead of the original, in a temporary
    folder; raises ``IndexUnavailableError`` when there is no room for it."""
    advice = "free some space, or set TMPDIR to a folder with room"
    try:  # tempfile skips temporary folders it cannot write to, and fails when none is left
        target = Path(tempfile.mkdtemp(prefix=f"{COPY_PREFIX}{os.getpid()}-", dir=parent))
    except OSError as exc:
        raise IndexUnavailableError(f"no temporary folder has room for a copy of the index for reading: {advice}") from exc
    remove_orphaned(target.parent, COPY_PREFIX)  # copies of processes that died without removing theirs
    try:
        shutil.copytree(chroma_dir, target / "chroma")
    except OSError as exc:
        shutil.rmtree(target, ignore_errors=True)
        if disk_full(exc):
            raise IndexUnavailableError(
                f"{target.parent}/ has no room for a copy of the index for reading: {advice}"
            ) from exc
        raise
    return target


def _open_private_copy(settings: Settings, chroma_dir: Path):
    from bot.index.store import unreadable

    read_only = not os.access(chroma_dir, os.W_OK)
    try:
        copy = private_copy(chroma_dir)
    except IndexUnavailableError as exc:
        if read_only:
            raise IndexUnavailableError(f"the index folder {chroma_dir}/ is read-only, and {exc}") from exc
        raise IndexUnavailableError(f"the disk is full at {chroma_dir}/, and {exc}") from exc
    except OSError as exc:
        raise IndexCorruptError(unreadable(settings.index.dir)) from exc
    client = None
    try:
        client = make_client(settings, copy / "chroma")
        collection = client.get_collection(COLLECTION, embedding_function=None)
    except Exception as exc:
        if client is not None:
            close_client(client)
        shutil.rmtree(copy, ignore_errors=True)
        raise chroma_failure(settings, exc, copy) or IndexCorruptError(unreadable(settings.index.dir)) from exc
    return ReadingCollection(collection, client, copy)


def _writable(folder: Path) -> bool:
    # access() also says no for a read-only mount, even to root.
    return all(os.access(p, os.W_OK) for p in (folder, folder / "chroma.sqlite3"))
