"""Soak: many rebuilds of a big index while a client keeps asking one long-lived ``bot web``; what the
web process holds (descriptors, deleted-but-open files, resident memory) must stay flat.

    python bench/stress/soak.py CORPUS [--rebuilds 200] [--workdir DIR] [--out FILE]

CORPUS is a folder of at least 2,000 articles, e.g. the full SQuAD v1.1 dev set
(``bench/data/squad_v1.1_dev_full/corpus`` in this repository, ``../shared/eval/squad_v1.1_dev_full/corpus``
in the shared data) or ``bench/make_corpus.py`` output. It is copied, never written.

The copy is indexed once (kept in --workdir between runs), ``bot web`` starts on a free 127.0.0.1
port, and a client thread asks questions through gradio_client's ``/ask`` the whole time. Each
rebuild adds or removes one small article and runs ``bot index`` as its own process, so every
rebuild makes a new generation and the old ones are deleted; the web process must let go of them.
Printed at the start, every tenth rebuild and the end: the web process's open descriptors,
descriptors on deleted files, the distinct deleted files behind them and their MB on disk,
deleted files still memory-mapped, and RSS; also
questions answered and failed, and the generation answers came from last. Stops by itself.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BOT, clean_env, held, start_web, stop  # noqa: E402

QUESTIONS = ["When did the oil embargo begin?", "Who was Genghis Khan's father?",
             "What share of GDP does construction make up in developed countries?",
             "What did the soak note number say?"]
ASK_TIMEOUT_S = 300
BUILD_TIMEOUT_S = 3600


class Asker(threading.Thread):
    """Asks one question after another until told to stop; counts answers, failures and generations seen."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.answered, self.failed, self.generations = url, 0, [], set()
        self.last_generation = None
        self.halt = threading.Event()

    def run(self) -> None:
        from gradio_client import Client

        api = Client(self.url, verbose=False)
        n = 0
        while not self.halt.is_set():
            question = QUESTIONS[n % len(QUESTIONS)]
            n += 1
            try:
                got = api.submit(question, "", "", "", "", api_name="/ask").result(timeout=ASK_TIMEOUT_S)
                self.answered += 1
                self.last_generation = got.get("index")
                self.generations.add(self.last_generation)
            except Exception as exc:  # a failed or timed-out question is what is counted
                self.failed.append(f"{type(exc).__name__}: {str(exc)[:160]}")


def rebuild(corpus: Path, index: Path, env: dict, number: int) -> str:
    """Add the soak note (odd rebuilds) or remove it (even ones), then ``bot index``; its summary line."""
    note = corpus / "soak-note.md"
    if number % 2:
        note.write_text(f"---\ntitle: Soak note\n---\nThe soak note number {number} was written for rebuild {number}.\n",
                        encoding="utf-8")
    else:
        note.unlink(missing_ok=True)
    done = subprocess.run([*BOT, "index", "-q", "--corpus", str(corpus), "--index", str(index)], capture_output=True,
                          text=True, env=env, timeout=BUILD_TIMEOUT_S)
    if done.returncode not in (0, 2):
        raise SystemExit(f"rebuild {number} failed: {done.stderr.strip()[-500:]}")
    return done.stdout.strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="folder of at least 2,000 articles")
    parser.add_argument("--rebuilds", type=int, default=200)
    parser.add_argument("--min-articles", type=int, default=2000)
    parser.add_argument("--workdir", type=Path, help="keeps the first index between runs (default: a temporary folder)")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"{args.corpus}: no such folder (give the corpus folder, e.g. "
                         "bench/data/squad_v1.1_dev_full/corpus)")
    articles = sum(1 for p in args.corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
    if articles < args.min_articles:
        raise SystemExit(f"{args.corpus} holds {articles} articles; the soak wants at least {args.min_articles}")
    keep = args.workdir is not None
    project = args.workdir.resolve() if keep else Path(tempfile.mkdtemp(prefix="stress-soak-"))
    env = clean_env()
    try:
        project.mkdir(parents=True, exist_ok=True)
        corpus, index = project / "corpus", project / "index"
        if not (index / "CURRENT").is_file():
            shutil.rmtree(corpus, ignore_errors=True)
            shutil.copytree(args.corpus, corpus)
            started = time.monotonic()
            print(f"first build: {rebuild(corpus, index, env, 0)} ({time.monotonic() - started:.0f} s)", flush=True)
        result = soak(project, corpus, index, env, args.rebuilds)
        result.update(corpus=str(args.corpus), articles=articles)
    finally:
        if not keep:
            shutil.rmtree(project, ignore_errors=True)
    start, end = result["samples"][0], result["samples"][-1]
    for name in ("fds", "deleted_open", "deleted_files", "deleted_open_mb", "deleted_mapped", "rss_mb"):
        print(f"{name:16} start {start[name]:>8}  end {end[name]:>8}")
    print(f"{result['rebuilds']} rebuilds in {result['wall_s']} s; questions answered {result['answered']}, "
          f"failed {result['failed']}; answers came from {result['generations_seen']} generations, "
          f"the last from {result['last_generation']} (current: {result['current']})")
    for line in result["failure_samples"]:
        print("  ", line)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 1 if result["failed"] else 0


def soak(project: Path, corpus: Path, index: Path, env: dict, rebuilds: int) -> dict:
    server, url = start_web(project, env)
    asker = Asker(url)
    samples = []
    started = time.monotonic()
    try:
        asker.start()
        while asker.answered < 2 and asker.is_alive() and time.monotonic() - started < 900:
            time.sleep(0.5)  # warmed up: models loaded, the first generation opened
        samples.append({"rebuild": 0, **held(server.pid)})
        print(json.dumps(samples[-1]), flush=True)
        for number in range(1, rebuilds + 1):
            summary = rebuild(corpus, index, env, number)
            seen = asker.answered
            while asker.answered < seen + 2 and asker.is_alive():  # one question asked wholly after the switch
                time.sleep(0.2)
            if number % 10 == 0 or number == rebuilds:
                samples.append({"rebuild": number, "answered": asker.answered, **held(server.pid), "build": summary})
                print(json.dumps(samples[-1]), flush=True)
        asker.halt.set()
        asker.join(timeout=ASK_TIMEOUT_S + 30)
    finally:
        asker.halt.set()
        stop(server)
    return {"rebuilds": rebuilds, "wall_s": round(time.monotonic() - started, 1), "answered": asker.answered,
            "failed": len(asker.failed), "failure_samples": asker.failed[:5],
            "generations_seen": len(asker.generations), "last_generation": asker.last_generation,
            "current": (index / "CURRENT").read_text().strip(), "samples": samples}


if __name__ == "__main__":
    sys.exit(main())
