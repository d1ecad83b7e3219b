"""How long indexing takes, and what the indexer adds on top of raw embedding.

Prints, for the seed article (corpus/) and the SQuAD v1.1 dev subset (tests/data, 201 documents):
  * wall seconds of ``bot index`` run as a fresh process (model load included), and
  * seconds of ``bot.index.build`` in this process with the model already loaded,
and, on the SQuAD chunks, chunks per second of the embedding stage inside ``bot index`` against
``SentenceTransformer.encode`` on exactly the same chunk texts in this same run (the ratio should be near 1).

    .venv/bin/python bench/bench_index.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = {"seed article": ROOT / "corpus", "squad v1.1 subset": ROOT / "tests" / "data" / "squad_v1.1_dev_subset" / "corpus"}


def cli_seconds(corpus: Path, work: Path) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    index = work / "cli-index"
    shutil.rmtree(index, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot", "index", "-q", "--corpus", str(corpus), "--index", str(index)],
                   check=True, env=env, capture_output=True)
    return time.perf_counter() - started


def build_seconds(corpus: Path, work: Path, embedder) -> tuple[float, object, dict[str, float]]:
    """One from-scratch in-process build; returns seconds, the report and when each stage last reported."""
    from bot.index import build
    from bot.models import Models
    from bot.settings import Settings

    index = work / "lib-index"
    shutil.rmtree(index, ignore_errors=True)
    settings = Settings().with_overrides(corpus={"dir": corpus}, index={"dir": index})
    stamps: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        stamps[stage] = time.perf_counter()

    started = time.perf_counter()
    report = build(settings, models=Models(settings, embedder=embedder), progress=progress)
    seconds = time.perf_counter() - started
    return seconds, report, {k: v - started for k, v in stamps.items()}


def chunk_texts(corpus: Path) -> list[str]:
    from bot.chunking import chunk_article
    from bot.corpus import load_corpus
    from bot.embeddings import token_counter
    from bot.settings import Settings

    settings = Settings()
    counter = token_counter(settings)
    texts = []
    for article in load_corpus(corpus).articles:
        texts += [c.text for c in chunk_article(article, counter, settings.chunking.max_tokens, settings.chunking.overlap_sentences)]
    return list(dict.fromkeys(texts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is printed")
    args = parser.parse_args()

    from bot.embeddings import load_embedder, model_path
    from bot.settings import DEFAULT_EMBEDDER, Settings

    embedder = load_embedder(Settings())
    embedder.embed_documents(["warm up"])
    work = Path(tempfile.mkdtemp(prefix="bench-index-"))
    try:
        print(f"{'corpus':<20} {'chunks':>7} {'bot index (cold) s':>19} {'build (warm) s':>15}")
        stages = {}
        for name, corpus in CORPORA.items():
            cold = statistics.median(cli_seconds(corpus, work) for _ in range(args.repeat))
            runs = [build_seconds(corpus, work, embedder) for _ in range(args.repeat)]
            warm = statistics.median(r[0] for r in runs)
            report = runs[-1][1]
            stages[name] = (runs[-1][2], report)
            print(f"{name:<20} {report.added:>7} {cold:>19.2f} {warm:>15.2f}")

        stamps, report = stages["squad v1.1 subset"]
        embed_seconds = stamps["embedding"] - stamps["chunking"]
        texts = chunk_texts(CORPORA["squad v1.1 subset"])
        assert len(texts) == report.embedded, (len(texts), report.embedded)

        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(model_path(DEFAULT_EMBEDDER)), device="cpu", local_files_only=True)
        model.encode(["warm up"])
        raw = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            model.encode(texts, batch_size=Settings().embedding.batch_size, normalize_embeddings=True)
            raw.append(time.perf_counter() - started)
        raw_seconds = statistics.median(raw)
        ours = len(texts) / embed_seconds
        theirs = len(texts) / raw_seconds
        print(f"\nembedding {len(texts)} SQuAD chunk texts (last build's embedding stage vs median raw encode):")
        print(f"  bot index embedding stage   {ours:8.1f} chunks/s  ({embed_seconds:.2f} s)")
        print(f"  SentenceTransformer.encode  {theirs:8.1f} chunks/s  ({raw_seconds:.2f} s)")
        print(f"  ratio bot/raw               {ours / theirs:8.2f}")
        other = stamps["finishing"] - embed_seconds
        print(f"  rest of the build (scan, chunking, Chroma, BM25, switch): {other:.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
