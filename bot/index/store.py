"""Where index generations live, and the one place Chroma clients are made.

Crash safety by generations: every build that changes something writes a
complete new generation folder ``index/gen-NNNNNN/`` (Chroma data, BM25 data,
``manifest.json``) starting from a copy of the current one, and only when it
is whole does it atomically replace ``index/CURRENT`` (write a temp file,
fsync, ``os.replace``). Readers follow ``CURRENT``, so a build killed at any
moment leaves the previous generation answering; the next build deletes the
unfinished folder and starts again. Old generations are kept a little while
for readers still holding them, then removed: renamed to ``.trash-*`` first
(atomic), so a kill while deleting never leaves a half generation behind.

The writer never opens the live generation with Chroma: Chroma rewrites its
files whenever it opens a folder (even to read), so a writer killed there
could damage what readers use. It copies the folder and opens the copy.
Generation numbers are never reused (``.last-generation``), because Chroma
caches clients by path within a process. Chroma clients, collection names and
ownership on a shared server live in ``bot.index.chroma``; what a generation
holds and was built with, in its ``manifest.json`` (``bot.index.manifest``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.errors import IndexCorruptError
from bot.index.chroma import (
    check_owner,
    close_client,
    collection_metadata,
    collection_name,
    delete_own_collection,
    ensure_index_id,
    make_client,
    read_index_id,
)
from bot.index.failures import chroma_failure
from bot.settings import Settings

CURRENT = "CURRENT"
TRASH_PREFIX = ".trash-"
LAST_NUMBER = ".last-generation"
_GENERATION = re.compile(r"^gen-(\d{6,})$")


def generation_dirs(index_dir: Path) -> list[Path]:
    if not index_dir.is_dir():
        return []
    return sorted((p for p in index_dir.iterdir() if _GENERATION.match(p.name) and p.is_dir()), key=generation_number)


def generation_number(path: Path) -> int:
    return int(_GENERATION.match(path.name).group(1))


def next_generation(index_dir: Path) -> Path:
    """A generation name never used before in this folder: a process that still has an old
    generation open (Chroma caches clients by path) must never see a new one under its name."""
    numbers = [generation_number(p) for p in generation_dirs(index_dir)]
    try:
        numbers.append(int((index_dir / LAST_NUMBER).read_text(encoding="ascii")))
    except (OSError, ValueError):
        pass
    number = max(numbers, default=0) + 1
    write_text_atomic(index_dir / LAST_NUMBER, str(number))
    return index_dir / f"gen-{number:06d}"


def current_generation(index_dir: Path) -> Path | None:
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexCorruptError(unreadable(index_dir)) from exc
    if not _GENERATION.match(name):
        raise IndexCorruptError(unreadable(index_dir))
    return index_dir / name


def switch_current(index_dir: Path, generation: Path) -> None:
    """Atomically point readers at ``generation``."""
    write_text_atomic(index_dir / CURRENT, generation.name + "\n")


def write_text_atomic(path: Path, text: str) -> None:
    """Readers see the old content or the new, never a mix (temp file, fsync, rename, fsync folder)."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def write_json_atomic(path: Path, data: Any) -> None:
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))


def sync_tree(root: Path) -> None:
    """fsync every file and folder under ``root``, so a power cut after the switch loses nothing."""
    for folder, _dirs, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(folder))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def unreadable(index_dir: Path) -> str:
    return f'index at {index_dir}/ is unreadable: run "bot index --rebuild"'


@contextmanager
def opened_collection(settings: Settings, generation: Path, create: bool = False) -> Iterator[Any]:
    """The generation's Chroma collection, for the writer (and tests); the client is closed on exit so
    its files are free again. On a server, it must be this index folder's own collection.

    Opening an existing one (``create=False``) raises ``IndexCorruptError`` when it is missing or
    unreadable, ``IndexUnavailableError`` when the server, its token or the disk is the reason.
    """
    server = bool(settings.index.chroma_host)
    index_id = (ensure_index_id if create else read_index_id)(settings.index.dir) if server else None
    name = collection_name(settings, generation, index_id)
    if not create and not server and not (generation / "chroma" / "chroma.sqlite3").is_file():
        raise IndexCorruptError(unreadable(settings.index.dir))  # never let a reader create an empty one
    folder = None if server else generation / "chroma"
    try:
        client = make_client(settings, folder)
    except Exception as exc:
        failure = chroma_failure(settings, exc, folder)
        if failure is not None:
            raise failure from exc
        if create:
            raise
        raise IndexCorruptError(unreadable(settings.index.dir)) from exc
    try:
        try:
            if create:  # on a server, check_owner below refuses one of that name made by anything else
                collection = client.get_or_create_collection(
                    name, metadata=collection_metadata(settings, generation, index_id), embedding_function=None
                )
            else:
                collection = client.get_collection(name, embedding_function=None)
        except Exception as exc:
            failure = chroma_failure(settings, exc, folder)
            if failure is not None:
                raise failure from exc
            if create:
                raise
            raise IndexCorruptError(unreadable(settings.index.dir)) from exc
        if server:
            check_owner(settings, collection, index_id, generation)
        yield collection
    finally:
        close_client(client)


def remove_generation(settings: Settings, generation: Path) -> None:
    """Delete a generation: first renamed out of sight (atomic), so a kill mid-way leaves no half folder
    that looks like a generation; leftovers are swept by ``sweep_trash``."""
    if settings.index.chroma_host and not delete_own_collection(settings, generation):
        return  # the server is down: keep the folder, so that a later build deletes its collection
    trash = generation.with_name(f"{TRASH_PREFIX}{generation.name}-{os.getpid()}")
    try:
        os.rename(generation, trash)
    except FileNotFoundError:
        return
    shutil.rmtree(trash, ignore_errors=True)


def discard_index(settings: Settings) -> None:
    """Remove every generation of this index folder, and on a server its collections (a temporary
    index, e.g. ``bot eval``'s, must not leave collections behind)."""
    for path in generation_dirs(settings.index.dir):
        remove_generation(settings, path)


def sweep_trash(index_dir: Path) -> None:
    for path in index_dir.glob(f"{TRASH_PREFIX}*"):
        shutil.rmtree(path, ignore_errors=True)


def safe_current(index_dir: Path) -> Path | None:
    """The current generation, or None when there is none or CURRENT is unreadable (a writer then starts over)."""
    try:
        return current_generation(index_dir)
    except IndexCorruptError:
        return None


def remove_unfinished(settings: Settings, index_dir: Path) -> None:
    """Generations newer than CURRENT were never finished (a killed build); with no usable CURRENT, none counts."""
    current = safe_current(index_dir)
    floor = generation_number(current) if current is not None and current.is_dir() else 0
    for path in generation_dirs(index_dir):
        if generation_number(path) > floor:
            remove_generation(settings, path)


def collect_old(settings: Settings, index_dir: Path) -> None:
    """Keep ``keep_generations`` generations before the current one, for readers still on them."""
    current = safe_current(index_dir)
    if current is None:
        return
    older = [p for p in generation_dirs(index_dir) if generation_number(p) < generation_number(current)]
    for path in older[: max(0, len(older) - settings.index.keep_generations)]:
        remove_generation(settings, path)
