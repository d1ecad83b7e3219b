"""Open and check every part of a generation: what ``bot index --verify`` reports as damaged,
and what makes ``bot index`` rebuild instead of reporting "unchanged".

The parts: BM25 (every file loads, its matrix is well formed, its documents are the
manifest's chunks, a search runs) and the Chroma collection (it opens, its count and
ids match the manifest, and a query through the HNSW index finds a sample of the
stored vectors). Chroma kills its process (SIGSEGV) on some damaged HNSW files, and
writes to any folder it opens, so an embedded generation is checked by a child
process (``python -m bot.index.probe``) on a private copy of its Chroma folder. A
collection on a server is checked in this process: a damaged server does not crash us.

That takes a few seconds, so ``bot index`` skips the files of the generation folder
while they are exactly as they were (same sizes and modification times) when they last
passed or were built: ``index/.checked`` remembers that. A collection on a server is
always checked (its files are not ours to see), and ``--verify`` always checks everything.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import IndexCorruptError
from bot.index.bm25 import BM25_DIR, read_ids
from bot.settings import Settings

SAMPLE = 20  # stored vectors looked up through the HNSW index
NEIGHBOURS = 20  # nearest neighbours each looked-up vector asks for (see check_collection)
PROBE_TIMEOUT = 600
CHECKED = ".checked"


@dataclass
class GenerationCheck:
    stored_ids: set[str] | None = None  # record ids in Chroma (None: unreadable)
    bm25_ids: list[str] | None = None  # document ids of BM25 (None: unreadable)
    problems: list[str] = field(default_factory=list)  # damage found: "<part>: <what is wrong>"

    def disagreements(self, manifest) -> list[str]:
        """Where the readable parts disagree with the manifest about which chunks there are."""
        expected = {f"{aid}#{i}" for aid, entry in manifest.articles.items() for i in range(entry["chunks"])}
        out = []
        if self.stored_ids is not None and self.stored_ids != expected:
            out.append(f"the index holds {len(self.stored_ids)} chunks, its manifest {manifest.chunk_count}")
        if self.bm25_ids is not None and set(self.bm25_ids) != expected:
            out.append(f"BM25 holds {len(self.bm25_ids)} chunks, the manifest {manifest.chunk_count}")
        return out


def check_generation(settings: Settings, generation: Path, manifest, skip_local: bool = False) -> GenerationCheck:
    """Every part of ``generation`` opened and checked against ``manifest`` (only the collection on
    the server when ``skip_local``: the folder's files are known to be as they were when checked).

    Raises ``IndexCorruptError`` when its Chroma database cannot be opened at all, and
    ``IndexUnavailableError`` when the server, its token or the disk is the reason.
    """
    from bot.index.chroma import private_copy
    from bot.index.failures import chroma_failure

    if settings.index.chroma_host:
        from bot.index.chroma import open_collection_for_reading

        opened = open_collection_for_reading(settings, generation, manifest)
        try:
            found = check_collection(opened.collection, manifest.dimension)
        except Exception as exc:
            raise chroma_failure(settings, exc) or IndexCorruptError(_unreadable(settings)) from exc
        finally:
            opened.close()
        lexical = {"problems": []} if skip_local else _probe(generation, None, manifest.dimension)
        found = {**found, "bm25_ids": lexical.get("bm25_ids"), "problems": found["problems"] + lexical["problems"]}
    else:
        copy = private_copy(generation / "chroma")
        try:
            found = _probe(generation, copy / "chroma", manifest.dimension)
        finally:
            shutil.rmtree(copy, ignore_errors=True)
    if "open_error" in found:
        raise IndexCorruptError(_unreadable(settings))
    return GenerationCheck(
        stored_ids=set(found["stored_ids"]) if found.get("stored_ids") is not None else None,
        bm25_ids=found.get("bm25_ids"),
        problems=list(found.get("problems", [])),
    )


def fingerprint(generation: Path) -> str:
    """Sizes and modification times of every file of the generation (any damage changes them)."""
    entries = []
    for folder, _dirs, files in os.walk(generation):
        for name in files:
            stat = os.stat(os.path.join(folder, name))
            entries.append((os.path.relpath(os.path.join(folder, name), generation), stat.st_size, stat.st_mtime_ns))
    return hashlib.sha256(json.dumps(sorted(entries)).encode()).hexdigest()


def unchanged_since_checked(index_dir: Path, generation: Path) -> bool:
    try:
        seen = json.loads((index_dir / CHECKED).read_text(encoding="utf-8"))
        return seen == {"generation": generation.name, "fingerprint": fingerprint(generation)}
    except (OSError, ValueError):
        return False


def remember_checked(index_dir: Path, generation: Path) -> None:
    """Record that ``generation`` is whole as its files are now (written by the writer only)."""
    from bot.index.store import write_json_atomic

    try:
        write_json_atomic(index_dir / CHECKED, {"generation": generation.name, "fingerprint": fingerprint(generation)})
    except OSError:  # only a shortcut: without it the next run checks again
        pass


def _probe(generation: Path, chroma_dir: Path | None, dimension: int) -> dict:
    """Run the checks in a child process; a crash there is a finding, not our crash."""
    request = {"bm25": str(generation), "chroma": str(chroma_dir) if chroma_dir else None, "dimension": dimension}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot.index.probe", json.dumps(request)],
            capture_output=True, text=True, timeout=PROBE_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return {"problems": [f"chroma: reading it did not finish in {PROBE_TIMEOUT} s"]}
    if done.returncode < 0:
        name = signal.Signals(-done.returncode).name
        part = "chroma" if chroma_dir else "bm25"
        return {"problems": [f"{part}: reading it crashed the process ({name}): its files are damaged"]}
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"problems": [f"the check failed: {detail}"]}


def check_bm25(generation: Path) -> tuple[list[str] | None, list[str]]:
    """BM25's document ids and what is wrong with its files (loaded fully, not mapped)."""
    import numpy as np

    try:
        ids = read_ids(generation)
    except (OSError, ValueError, TypeError) as exc:
        return None, [f"bm25: its chunk ids are unreadable ({_first_line(exc)})"]
    if not ids:
        return ids, []
    try:
        import bm25s

        retriever = bm25s.BM25.load(str(generation / BM25_DIR), mmap=False)
        scores = retriever.scores
        data, indices, indptr = (np.asarray(scores[k]) for k in ("data", "indices", "indptr"))
        columns = len(indptr) - 1
        problems = []
        if int(scores.get("num_docs", -1)) != len(ids):
            problems.append(f"bm25: indexes {scores.get('num_docs')} documents, its chunk ids {len(ids)}")
        if columns < 1 or indptr[0] != 0 or np.any(np.diff(indptr) < 0) or indptr[-1] != len(data) or len(data) != len(indices):
            problems.append("bm25: its score matrix is malformed")
        elif len(indices) and (indices.min() < 0 or indices.max() >= len(ids)):
            problems.append("bm25: its score matrix points past its documents")
        elif not np.all(np.isfinite(data)):
            problems.append("bm25: its scores are not finite numbers")
        vocab = retriever.vocab_dict
        # bm25s keeps one vocabulary entry past the matrix's columns (the empty token)
        if not vocab or any(not isinstance(v, int) or not 0 <= v <= columns for v in vocab.values()):
            problems.append("bm25: its vocabulary does not match its score matrix")
        if not problems:
            terms = [[t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1])[:3]]]
            retriever.retrieve(terms, k=min(3, len(ids)), show_progress=False, n_threads=1)
        return ids, problems
    except Exception as exc:  # numpy/json/bm25s on damaged files: many kinds
        return ids, [f"bm25: its files are unreadable ({_first_line(exc)})"]


def check_collection(collection, dimension: int) -> dict:
    """Record ids, and problems found reading the collection through its HNSW index."""
    from bot.index.records import all_ids

    problems: list[str] = []
    try:
        ids = all_ids(collection)
    except Exception as exc:
        return {"stored_ids": None, "problems": [f"chroma: its records are unreadable ({_first_line(exc)})"]}
    if ids:
        sample = sorted(ids)[:: max(1, math.ceil(len(ids) / SAMPLE))]
        try:
            got = collection.get(ids=sample, include=["embeddings"])
            vectors = [list(map(float, v)) for v in got["embeddings"]]
            if any(len(v) != dimension for v in vectors):
                problems.append(f"chroma: holds vectors that are not of size {dimension}")
            else:
                # Several neighbours, not one: the search widens with them, and a corpus that repeats a chunk many
                # times (boilerplate) holds as many identical vectors, among which a one-neighbour HNSW search can
                # stall at another vector and a sound index would read as damaged.
                found = collection.query(query_embeddings=vectors, n_results=min(NEIGHBOURS, len(ids)),
                                         include=["distances"])
                if any(not d or min(d) > 1e-3 for d in found["distances"]):
                    problems.append("chroma: its HNSW index does not find the stored vectors")
        except Exception as exc:
            problems.append(f"chroma: its HNSW index is unreadable ({_first_line(exc)})")
    return {"stored_ids": sorted(ids), "problems": problems}


def _unreadable(settings: Settings) -> str:
    from bot.index.store import unreadable

    return unreadable(settings.index.dir)


def _first_line(exc: BaseException) -> str:
    return (f"{type(exc).__name__}: {exc}".splitlines() or [""])[0][:200]
