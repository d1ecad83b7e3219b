"""How fast ``bot index --rebuild`` is against raw sentence-transformers on the same chunk texts.

In one run, on the chunks of the SQuAD v1.1 dev subset (tests/data, ~250 chunks; ``--corpus`` for
another folder): ``SentenceTransformer.encode`` (fp32 torch, best of batch sizes 16/32/64, torch's
default threads) on exactly the chunk texts the index holds, against ``bot.index.build(rebuild=True)``
with its model loaded (chunking, chunk and sentence vectors, Chroma, BM25: everything). Also: the
wall time and peak RSS of ``bot index --rebuild`` as a fresh process, the peak RSS of a fresh process
answering 10 questions, and the index's size on disk per 1,000 chunks (by part).

    .venv/bin/python bench/index_throughput.py [--corpus DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, SQUAD_SUBSET, bot_measured, clean_env, write


def chunk_texts(corpus: Path) -> list[str]:
    from bot.chunking import chunk_article
    from bot.corpus import load_corpus
    from bot.embeddings import token_counter
    from bot.settings import Settings

    settings = Settings()
    counter = token_counter(settings)
    return [c.text for a in load_corpus(corpus, 50).articles
            for c in chunk_article(a, counter, settings.chunking.max_tokens, settings.chunking.overlap_sentences)]


def raw_encode(texts: list[str]) -> dict:
    import torch
    from sentence_transformers import SentenceTransformer

    from bot.embeddings import model_path
    from bot.settings import DEFAULT_EMBEDDER

    model = SentenceTransformer(str(model_path(DEFAULT_EMBEDDER)), device="cpu")
    model.encode(texts[:32])
    rates = {}
    for batch in (16, 32, 64):
        started = time.perf_counter()
        model.encode(texts, batch_size=batch, normalize_embeddings=True)
        rates[batch] = len(texts) / (time.perf_counter() - started)
    best = max(rates, key=rates.get)
    return {"torch_threads": torch.get_num_threads(), "chunks_per_s_by_batch": {k: round(v, 1) for k, v in rates.items()},
            "best_batch": best, "chunks_per_s": round(rates[best], 1)}


def bot_build(corpus: Path, work: Path) -> dict:
    from bot.index import build
    from bot.models import Models
    from bot.settings import Settings

    settings = Settings().with_overrides(corpus={"dir": corpus}, index={"dir": work / "index"})
    models = Models(settings)
    models.embedder.embed_query("warm up")  # loaded, as the raw encoder is
    started = time.perf_counter()
    report = build(settings, rebuild=True, models=models)
    seconds = time.perf_counter() - started
    chunks = report.added
    return {"chunks": chunks, "seconds": round(seconds, 2), "chunks_per_s": round(chunks / seconds, 1),
            "sentences_embedded": report.sentences_embedded, "settings": settings}


def cli_build(corpus: Path, work: Path) -> dict:
    index = work / "cli-index"
    seconds, peak = bot_measured(["index", "--rebuild", "-q", "--corpus", str(corpus), "--index", str(index)],
                                 ROOT, clean_env())
    return {"wall_s": round(seconds, 2), "peak_rss_mb": round(peak, 1), "index": index}


def query_rss(corpus: Path, index: Path) -> float:
    code = (
        "import json, sys; sys.path.insert(0, 'bench')\n"
        "from common import questions, peak_rss_mb\nfrom bot.engine import Engine\nfrom bot.settings import Settings\n"
        f"s = Settings().with_overrides(corpus={{'dir': {str(corpus)!r}}}, index={{'dir': {str(index)!r}}})\n"
        "e = Engine(s)\nfor q in questions(10, seed=1): e.ask(q)\nprint(json.dumps(peak_rss_mb()))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean_env(), capture_output=True, text=True, check=True)
    return round(float(done.stdout.strip().splitlines()[-1]), 1)


def disk_use(index: Path, chunks: int) -> dict:
    from bot.index.manifest import read_current_manifest  # noqa: F401 - the layout: chroma/, bm25/, sentences/

    generation = sorted(p for p in index.glob("gen-*") if p.is_dir())[-1]
    parts = {}
    for part in sorted(p for p in generation.iterdir() if p.is_dir()):
        parts[part.name] = sum(f.stat().st_size for f in part.rglob("*") if f.is_file())
    total = sum(f.stat().st_size for f in generation.rglob("*") if f.is_file())
    per = 1000 / max(1, chunks) / 1e6
    return {"mb_per_1000_chunks": round(total * per, 2), "by_part": {k: round(v * per, 2) for k, v in parts.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SQUAD_SUBSET / "corpus")
    args = parser.parse_args()
    texts = chunk_texts(args.corpus)
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        work = Path(tmp)
        built = bot_build(args.corpus, work)
        settings = built.pop("settings")
        raw = raw_encode(texts)
        cli = cli_build(args.corpus, work)
        results = {
            "corpus": str(args.corpus.relative_to(ROOT)) if args.corpus.is_relative_to(ROOT) else str(args.corpus),
            "chunk_texts": len(texts), "raw_sentence_transformers": raw, "bot_index": built,
            "bot_index_cli": {k: v for k, v in cli.items() if k != "index"},
            "warm_query_peak_rss_mb": query_rss(args.corpus, settings.index.dir),
            "disk": disk_use(settings.index.dir, built["chunks"]),
        }
    results["target_index_vs_raw_encode"] = round(built["chunks_per_s"] / raw["chunks_per_s"], 2)
    print(json.dumps(results, indent=1))
    write("index_throughput", results)


if __name__ == "__main__":
    main()
