"""SIGKILL ``bot index`` at seeded random moments of builds over a big corpus; after every kill the
previous index still answers, and the next build converges to exactly the records of a clean build.

    python bench/stress/kills.py CORPUS [--kills 20] [--seed 13] [--workdir DIR] [--out FILE]

CORPUS is the folder of articles to use, e.g. the full SQuAD v1.1 dev set (2,067 paragraphs): in this
repository ``bench/data/squad_v1.1_dev_full/corpus`` (the Makefile's default), in the shared
evaluation data ``../shared/eval/squad_v1.1_dev_full/corpus``. It is only read.

Two states of the corpus alternate: X (CORPUS as it is) and Y (every tenth article removed and 30
articles revised, new text to embed). Both are first built from scratch into reference indexes
(reused from --workdir when a previous run finished them). A working index starts as a copy of X's;
then each round points the live corpus at the other state and runs ``bot index`` as a real process,
killed with SIGKILL after a seeded random delay within the duration the last complete build of the
same direction took (import, model loading, chunking, embedding, Chroma writes, BM25, sentences,
switching CURRENT). After the kill:

- ``bot ask`` (a new process) answers from the index left behind;
- that index holds exactly the records of one of the two clean builds (the previous state, or the
  new one when the kill came after the switch): record ids, text hashes, documents and metadata;
- the next ``bot index`` (not killed) ends with exactly the records of the clean build of the new
  state. Records compared and records lost (missing, extra or different) are counted.

Everything runs on loopback files only and stops by itself; exit status 1 when a check failed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BOT, ROOT, clean_env  # noqa: E402

sys.path.insert(0, str(ROOT))
ASK_TIMEOUT_S = 600
BUILD_TIMEOUT_S = 3 * 3600
QUESTION = "When did the oil embargo begin?"  # any question: the check is that the index answers


def make_state_y(source: Path, target: Path, seed: int) -> None:
    """CORPUS without every tenth article, with 30 of the others revised (seeded)."""
    files = sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith("."))
    kept = [p for n, p in enumerate(files) if n % 10 != 9]
    revised = set(random.Random(seed).sample(range(len(kept)), min(30, len(kept))))
    shutil.rmtree(target, ignore_errors=True)
    for n, path in enumerate(kept):
        out = target / path.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        if n in revised:
            text = path.read_text(encoding="utf-8", errors="replace").rstrip("\n")
            out.write_text(f"{text}\n\nRevision note {n}: the Zorblax committee approved this paragraph.\n",
                           encoding="utf-8")
        else:
            shutil.copy2(path, out)


def point_live_at(live: Path, state: Path) -> None:
    """Make the live corpus folder hold exactly ``state``'s files (changed files only are rewritten)."""
    wanted = {p.relative_to(state): p for p in state.rglob("*") if p.is_file()}
    for path in sorted(live.rglob("*"), reverse=True):
        rel = path.relative_to(live)
        if path.is_file() and rel not in wanted:
            path.unlink()
    for rel, path in wanted.items():
        out = live / rel
        if not out.is_file() or out.read_bytes() != path.read_bytes():
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, out)


def bot_index(corpus: Path, index: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([*BOT, "index", "-q", "--corpus", str(corpus), "--index", str(index)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def clean_build(corpus: Path, index: Path, env: dict) -> float:
    """A build from scratch of ``corpus`` into ``index`` (kept when a previous run finished it)."""
    done = index.parent / "BUILT"
    if done.is_file() and done.read_text() == str(corpus):
        print(f"reusing the clean build in {index}", flush=True)
        return 0.0
    shutil.rmtree(index, ignore_errors=True)
    started = time.monotonic()
    process = bot_index(corpus, index, env)
    out, err = process.communicate(timeout=BUILD_TIMEOUT_S)
    if process.returncode not in (0, 2):
        raise SystemExit(f"clean build of {corpus} failed: {err.strip()[-500:]}")
    seconds = time.monotonic() - started
    done.write_text(str(corpus))
    print(f"clean build of {corpus}: {out.strip().splitlines()[-1]} ({seconds:.0f} s)", flush=True)
    return seconds


def records(index: Path) -> dict[str, str]:
    """Record id -> a digest of its document and metadata, for the CURRENT generation of ``index``."""
    from bot.index.store import current_generation, opened_collection
    from bot.settings import Settings

    settings = Settings().with_overrides(index={"dir": index})
    generation = current_generation(index)
    found: dict[str, str] = {}
    with opened_collection(settings, generation) as collection:
        total, offset = collection.count(), 0
        while offset < total:
            page = collection.get(include=["documents", "metadatas"], limit=5000, offset=offset)
            for rid, doc, meta in zip(page["ids"], page["documents"], page["metadatas"]):
                body = json.dumps({"document": doc, "meta": meta}, sort_keys=True)
                found[rid] = hashlib.sha256(body.encode()).hexdigest()
            offset += 5000
    return found


def differences(got: dict[str, str], expected: dict[str, str]) -> int:
    """Records missing, extra or different."""
    return sum(1 for k in expected.keys() | got.keys() if got.get(k) != expected.get(k))


def ask(index: Path, corpus: Path, env: dict) -> tuple[bool, str]:
    done = subprocess.run([*BOT, "ask", "--json", "--index", str(index), QUESTION], capture_output=True, text=True,
                          env={**env, "BOT_CORPUS__DIR": str(corpus)}, timeout=ASK_TIMEOUT_S)
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        return False, f"exit {done.returncode}: {done.stderr.strip()[-300:]}"
    return done.returncode == 0 and bool(answer.get("answer")), answer.get("answer", "")[:80]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="folder of articles, e.g. the full SQuAD v1.1 dev corpus/")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--workdir", type=Path, help="where clean builds are kept between runs (default: a temporary folder)")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"{args.corpus}: no such folder (give the corpus folder, e.g. "
                         "bench/data/squad_v1.1_dev_full/corpus)")
    corpus = args.corpus.resolve()
    keep = args.workdir is not None
    work = args.workdir.resolve() if keep else Path(tempfile.mkdtemp(prefix="stress-kills-"))
    work.mkdir(parents=True, exist_ok=True)
    env = clean_env()
    rng = random.Random(args.seed)
    try:
        make_state_y(corpus, work / "corpus-y", args.seed)
        states = {"X": corpus, "Y": work / "corpus-y"}
        clean_s = {name: clean_build(folder, work / f"ref-{name}" / "index", env) for name, folder in states.items()}
        expected = {name: records(work / f"ref-{name}" / "index") for name in states}
        print(f"clean builds: X {len(expected['X'])} records, Y {len(expected['Y'])} records", flush=True)
        live, index = work / "live-corpus", work / "live-index"
        shutil.rmtree(live, ignore_errors=True)
        shutil.rmtree(index, ignore_errors=True)
        shutil.copytree(corpus, live)
        shutil.copytree(work / "ref-X" / "index", index)
        result = run_rounds(args.kills, rng, states, expected, live, index, env)
        result.update(corpus=str(args.corpus), seed=args.seed, clean_build_s=clean_s)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"kills: {result['kills']} survived {result['survived']} (bot ask answered and the index left behind held "
          f"a clean build's records), builds that ended before their kill: {result['finished_before_kill']}")
    print(f"records compared after the kills: {result['records_compared_after_kill']}, lost: {result['records_lost_after_kill']}")
    print(f"records compared after the next builds: {result['records_compared']}, lost: {result['records_lost']}")
    if result["failures"]:
        print("failures:", *result["failures"][:10], sep="\n  ")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 1 if result["failures"] else 0


def run_rounds(kills: int, rng: random.Random, states: dict[str, Path], expected: dict[str, dict[str, str]],
               live: Path, index: Path, env: dict) -> dict:
    from bot.index.store import current_generation

    durations = {}  # direction -> seconds the last complete build took
    tally = {"kills": 0, "survived": 0, "finished_before_kill": 0, "records_compared_after_kill": 0,
             "records_lost_after_kill": 0, "records_compared": 0, "records_lost": 0, "failures": [], "rounds": []}
    state = "X"
    while tally["kills"] < kills:
        target = "Y" if state == "X" else "X"
        point_live_at(live, states[target])
        before = current_generation(index)
        direction = f"{state}->{target}"
        row: dict = {"direction": direction, "previous": before.name}
        if direction in durations:
            delay = rng.uniform(0.2, 0.97 * durations[direction])
            process = bot_index(live, index, env)
            started = time.monotonic()
            while process.poll() is None and time.monotonic() - started < delay:
                time.sleep(0.05)
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                process.communicate(timeout=120)
                tally["kills"] += 1
                row["killed_at_s"] = round(delay, 2)
                left = current_generation(index)
                row["left"] = left.name
                answered, said = ask(index, live, env)
                got = records(index)
                matches = [name for name in (state, target) if got == expected[name]]
                lost = min(differences(got, expected[state]), differences(got, expected[target]))
                tally["records_compared_after_kill"] += len(got)
                tally["records_lost_after_kill"] += lost
                row.update(answered=answered, answer=said, holds=matches[0] if matches else None, lost=lost)
                if answered and matches:
                    tally["survived"] += 1
                else:
                    tally["failures"].append(f"kill {tally['kills']} ({direction} at {delay:.1f} s): "
                                             f"answered={answered} ({said}), records lost {lost}")
            else:
                process.communicate()
                tally["finished_before_kill"] += 1
                row["finished_before_kill_at_s"] = round(delay, 2)
        started = time.monotonic()
        process = bot_index(live, index, env)
        out, err = process.communicate(timeout=BUILD_TIMEOUT_S)
        durations[direction] = time.monotonic() - started
        row["next_build_s"] = round(durations[direction], 1)
        if process.returncode not in (0, 2):
            tally["failures"].append(f"build after round {len(tally['rounds'])} failed: {err.strip()[-300:]}")
        got = records(index)
        lost = differences(got, expected[target])
        tally["records_compared"] += len(expected[target])
        tally["records_lost"] += lost
        row.update(converged=lost == 0, next_build=out.strip()[-120:])
        if lost:
            tally["failures"].append(f"after {direction}: {lost} records differ from the clean build")
        tally["rounds"].append(row)
        print(json.dumps(row), flush=True)
        state = target
    return tally


if __name__ == "__main__":
    sys.exit(main())
