"""A build killed with SIGKILL at any point leaves the index answering exactly as before (or, once switched,
exactly as after), verifiable, and the next build converges.

Real processes, real kills. Corpora are generated in tmp_path from SQuAD documents in tests/data: copies
that differ in front matter (so every file is its own article) but share bodies (so each text is embedded
once and the test stays quick). From the first index (4 copies) a build deletes one copy, adds ten (more
than one batch of Chroma writes; their vectors are reused) and, in the "edited" corpus, revises 20
articles (new texts to embed, in batches of 16).

Kill points: shortly after start (still importing), a few seconds into the build (``bot index`` itself),
then exact phases reached through the public ``progress`` callback of ``bot.index.build`` in a child
process that stops there to be killed: after the first embedding batch, after the first Chroma write
batch, with the new generation complete but CURRENT not yet switched, and just after the switch.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.index import build
from bot.retrieve import IndexReader, hybrid_search
from bot.types import Filters
from bot.settings import Settings
from bot.index.manifest import read_current_manifest
from bot.index.store import current_generation, generation_dirs, generation_number, opened_collection
from bot.index import verify
from conftest import SQUAD_V1

pytestmark = pytest.mark.slow

QUERIES = [
    "What share of GDP does construction make up in developed countries?",
    "When did the oil embargo begin?",
    "Who was Genghis Khan's father?",
    "Zorblax committee revision note",
]
DRIVER = """
import sys, time
from bot.index import build
from bot.settings import Settings

stage, at, corpus, index = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]

def progress(name, done, total):
    print(name, done, total, flush=True)
    if name == stage and done >= at:
        print("PAUSED", flush=True)
        time.sleep(3600)  # wait here for SIGKILL

# batches of 2: the 20 revised texts are embedded over several progress steps, so a kill can land between them
build(Settings().with_overrides(corpus={"dir": corpus}, index={"dir": index}, embedding={"batch_size": 2}),
      progress=progress)
print("FINISHED", flush=True)
"""


def write_copy(folder: Path, copy: int, doc: Path, extra: str = "") -> None:
    path = folder / f"copy{copy:02d}" / f"{doc.stem}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\nsource: wire-{copy}\n---\n{doc.read_text(encoding='utf-8')}{extra}", encoding="utf-8")


def make_corpora(root: Path) -> tuple[Path, Path, Path]:
    """(first, reshuffled, edited): reshuffled drops copy 3 and adds copies 4-13; edited also revises 20 texts."""
    docs = sorted((SQUAD_V1 / "corpus").glob("*.txt"))[:100]
    first, reshuffled, edited = root / "first", root / "reshuffled", root / "edited"
    for copy in range(4):
        for doc in docs:
            write_copy(first, copy, doc)
    shutil.copytree(first, reshuffled)
    shutil.rmtree(reshuffled / "copy03")
    for copy in range(4, 14):
        for doc in docs:
            write_copy(reshuffled, copy, doc)
    shutil.copytree(reshuffled, edited)
    for n, doc in enumerate(docs[:20]):
        write_copy(edited, 0, doc, f"\n\nRevision note {n}: the Zorblax committee approved paragraph {doc.stem}.\n")
    return first, reshuffled, edited


def answers(settings: Settings, models) -> list[list[str]]:
    reader = IndexReader(settings, models)
    return [[e.chunk.id for e in hybrid_search(reader, q, 5, Filters())] for q in QUERIES]


def bot_index(corpus: Path, index: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "index", "--corpus", str(corpus), "--index", str(index)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
    )


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env["BOT_EMBEDDING__BATCH_SIZE"] = "16"  # several embedding batches from a few new texts
    return env


def kill(process: subprocess.Popen) -> None:
    assert process.poll() is None, "the build ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL


def run_driver_until(script: Path, stage: str, at: int, corpus: Path, index: Path) -> list[str]:
    """Start a build, wait until it reports ``stage`` reaching ``at``, SIGKILL it there; return what it reported."""
    process = subprocess.Popen(
        [sys.executable, str(script), stage, str(at), str(corpus), str(index)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in process.stdout:
            lines.put(line.strip())
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line is None:
            raise AssertionError(f"the build ended before {stage} {at}: {seen[-5:]} {process.stderr.read()[-2000:]}")
        if line == "PAUSED":
            kill(process)
            return seen
        seen.append(line)
    process.kill()
    raise AssertionError(f"never reached {stage} {at}")


def wait_for_new_generation(index: Path, floor: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if any(generation_number(p) > floor and (p / "chroma").is_dir() for p in generation_dirs(index)):
            return
        time.sleep(0.02)
    raise AssertionError("the build never started a new generation")


def assert_sound(settings: Settings) -> None:
    """verify passes and Chroma, BM25 and the manifest hold exactly the same chunks, once each."""
    report = verify(settings)
    assert report.ok, report.lines()
    generation, manifest = read_current_manifest(settings)
    with opened_collection(settings, generation) as collection:
        ids = collection.get(include=[])["ids"]
    assert len(ids) == len(set(ids)) == manifest.chunk_count


def test_killed_builds_leave_a_working_index_and_the_next_build_converges(tmp_path, models):
    first_corpus, reshuffled, edited = make_corpora(tmp_path)
    index = tmp_path / "index"
    before = Settings().with_overrides(corpus={"dir": first_corpus}, index={"dir": index})
    after = before.with_overrides(corpus={"dir": edited})
    first = build(before, models=models)
    assert first.articles == 400
    baseline = answers(before, models)
    first_generation = current_generation(index)
    script = tmp_path / "driver.py"
    script.write_text(DRIVER)

    def still_as_before(when: str) -> None:
        assert current_generation(index) == first_generation, when
        assert answers(before, models) == baseline, when
        assert_sound(before)

    # 1. Killed while still starting up.
    process = bot_index(edited, index)
    time.sleep(0.5)
    kill(process)
    still_as_before("early")

    # 2. `bot index` killed a few seconds after it began its new generation.
    process = bot_index(edited, index)
    wait_for_new_generation(index, generation_number(first_generation), process)
    time.sleep(3)
    kill(process)
    still_as_before("mid-build")

    # 3. Killed after the first of several embedding batches.
    reported = run_driver_until(script, "embedding", 1, edited, index)
    stage, done, total = reported[-1].split()
    assert stage == "embedding" and int(done) < int(total), reported[-3:]
    still_as_before("mid-embedding")

    # 4. Killed after the first of two Chroma write batches (nothing to embed: vectors are reused).
    reported = run_driver_until(script, "writing", 1, reshuffled, index)
    stage, done, total = reported[-1].split()
    assert stage == "writing" and int(done) < int(total), reported[-3:]
    assert not any(line.startswith("embedding") for line in reported)
    still_as_before("mid-writing")

    # 5. Killed with the new generation complete on disk, CURRENT not yet switched.
    run_driver_until(script, "finishing", 1, reshuffled, index)
    unfinished = [p for p in generation_dirs(index) if generation_number(p) > generation_number(first_generation)]
    assert unfinished and (unfinished[-1] / "manifest.json").is_file(), "the new generation was complete"
    still_as_before("before the switch")

    # 6. Killed right after the switch: the new index answers, in full.
    run_driver_until(script, "finishing", 2, edited, index)
    switched = current_generation(index)
    assert switched != first_generation
    assert_sound(after)
    after_answers = answers(after, models)
    assert after_answers != baseline
    top_revision = IndexReader(after, models).fetch(after_answers[3][:1])
    assert "Zorblax committee" in next(iter(top_revision.values())).text

    # The next `bot index` converges: nothing left to do; old and unfinished generations are cleaned up.
    final = bot_index(edited, index)
    out, err = final.communicate(timeout=600)
    assert final.returncode == 0, err
    assert [line for line in err.splitlines() if "undated" not in line] == []
    assert out.startswith("1300 articles, added 0, updated 0, deleted 0, unchanged ")
    assert current_generation(index) == switched
    assert answers(after, models) == after_answers
    assert_sound(after)
    names = [p.name for p in generation_dirs(index)]
    assert names == [first_generation.name, switched.name], "only generations that were once CURRENT survive"
    assert not list(index.glob(".trash-*")) and not list(index.glob(".*.tmp"))
    check = subprocess.run(
        [sys.executable, "-m", "bot", "index", "--verify", "--corpus", str(edited), "--index", str(index)],
        capture_output=True, text=True, env=_env(), timeout=600,
    )
    assert (check.returncode, check.stdout) == (0, "index matches the corpus\n"), check.stderr
