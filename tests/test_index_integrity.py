"""Damage in any part of a generation: ``--verify`` finds it, ``bot index`` rebuilds it.

Real Chroma and real BM25 files, damaged the way a disk or a careless copy damages them,
in an index big enough for Chroma to write its HNSW files (see ``hnsw_index_base``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.index import build, verify
from bot.index.store import current_generation
from bot.settings import Settings
from conftest import DISTRICT_REPORTS as BODIES

pytestmark = pytest.mark.slow

@pytest.fixture
def big(hnsw_index_base, tmp_path):
    shutil.copytree(hnsw_index_base / "corpus", tmp_path / "corpus")
    shutil.copytree(hnsw_index_base / "index", tmp_path / "index")
    return Settings().with_overrides(corpus={"dir": tmp_path / "corpus"}, index={"dir": tmp_path / "index"})


def one(generation: Path, pattern: str) -> Path:
    [path] = generation.glob(pattern)
    return path


def truncate(pattern: str, fraction: float = 0.5):
    def damage(generation: Path) -> None:
        path = one(generation, pattern)
        path.write_bytes(path.read_bytes()[: int(path.stat().st_size * fraction)])
    damage.__name__ = f"truncated {pattern}"
    return damage


def garble(pattern: str):
    def damage(generation: Path) -> None:
        path = one(generation, pattern)
        path.write_bytes(b"\x13" * path.stat().st_size)
    damage.__name__ = f"garbled {pattern}"
    return damage


DAMAGE = [
    garble("bm25/data.csc.index.npy"),
    truncate("bm25/indices.csc.index.npy"),
    truncate("bm25/indptr.csc.index.npy"),
    garble("bm25/vocab.index.json"),
    garble("bm25/params.index.json"),
    truncate("chroma/*/header.bin"),  # Chroma dies of SIGSEGV reading it
    garble("chroma/*/header.bin"),
    truncate("chroma/*/data_level0.bin"),
    garble("chroma/*/data_level0.bin"),
    truncate("chroma/*/length.bin"),
    truncate("sentences/vectors.npy"),
    garble("sentences/rows.npy"),
    truncate("sentences/offsets.npy"),
]


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__)
def test_verify_reports_damage_and_the_next_index_run_rebuilds_it(big, models, damage):
    from bot.retrieve import IndexReader, hybrid_search
    from bot.types import Filters

    damage(current_generation(big.index.dir))
    report = verify(big)
    assert not report.ok and report.damaged, report.lines()
    part = damage.__name__.split()[1].split("/")[0]
    assert report.damaged[0].startswith(f"{part}: ")
    assert report.lines()[-1] == 'the index is damaged: run "bot index" to rebuild it'

    rebuilt = build(big, models=models)  # nothing changed in the corpus: still not "unchanged"
    assert rebuilt.full_build.kind == "damaged" and rebuilt.added == 1100
    assert rebuilt.full_build.describe().startswith(f"the index is damaged ({part}: ")
    assert verify(big).ok
    hits = hybrid_search(IndexReader(big, models), "How many homes lost power in the Hazel district?", 1, Filters())
    assert hits and hits[0].chunk.text == BODIES[7]


def test_bm25_ids_that_disagree_with_its_files_are_reported_and_rebuilt(big, models):
    path = current_generation(big.index.dir) / "bm25" / "chunk_ids.json"
    ids = json.loads(path.read_text())
    path.write_text(json.dumps(ids[:-1]))  # still a valid list of ids
    report = verify(big)
    assert report.bm25_mismatch == [ids[-1]]
    assert report.damaged[0] == "bm25: indexes 1100 documents, its chunk ids 1099"
    rebuilt = build(big, models=models)
    assert rebuilt.full_build.describe() == "the index is damaged (bm25: indexes 1100 documents, its chunk ids 1099)"
    assert verify(big).ok


def test_an_intact_index_is_checked_and_left_unchanged(big, models):
    (big.index.dir / ".checked").unlink()  # what a build remembers it checked: gone, so it checks
    generation = current_generation(big.index.dir)
    before = {p: p.stat().st_mtime_ns for p in generation.rglob("*") if p.is_file()}
    report = build(big, models=models)
    assert report.full_build is None and report.unchanged == 1100 and report.embedded == 0
    assert {p: p.stat().st_mtime_ns for p in generation.rglob("*") if p.is_file()} == before
    assert json.loads((big.index.dir / ".checked").read_text())["generation"] == generation.name


def test_a_check_is_skipped_only_while_the_files_are_as_they_were_when_checked(big, models, monkeypatch):
    import importlib

    building = importlib.import_module("bot.index.build")  # the module, not the function bot.index exports
    checked = []
    monkeypatch.setattr(building, "check_generation", lambda *a: checked.append(a) or pytest.fail("checked"))
    assert build(big, models=models).full_build is None and not checked
    monkeypatch.undo()
    garble("bm25/vocab.index.json")(current_generation(big.index.dir))  # same size, a new modification time
    assert build(big, models=models).full_build.kind == "damaged"


def test_the_cli_reports_a_crashing_hnsw_header_and_repairs_it(big):
    truncate("chroma/*/header.bin")(current_generation(big.index.dir))
    cwd = big.index.dir.parent

    def bot(*args):
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, capture_output=True, text=True, timeout=900)

    checked = bot("index", "--verify")
    assert checked.returncode == 1, checked.stderr
    assert checked.stdout.splitlines() == [
        "damaged chroma: reading it crashed the process (SIGSEGV): its files are damaged",
        'the index is damaged: run "bot index" to rebuild it',
    ]
    repaired = bot("index")
    assert repaired.returncode == 0, repaired.stderr
    assert [line for line in repaired.stderr.splitlines() if "undated" not in line] == [
        "note: rebuilt from scratch because the index is damaged "
        "(chroma: reading it crashed the process (SIGSEGV): its files are damaged)"
    ]
    answered = bot("ask", "How many homes lost power in the Hazel district?")
    assert answered.returncode == 0 and "359" in answered.stdout, answered.stderr
