"""Warm answer latency per stage as the corpus grows, beside the LangChain tutorial pipeline and BM25 alone.

Sizes (chunks): ~250 (tests/data SQuAD v1.1 subset), ~2,500 (bench/data SQuAD v1.1 dev, all of it),
25,000 and 100,000 (``bench/make_corpus.py``: the same paragraphs recombined into articles, in a temp
folder). For each, the index is built (as an update of the previous size's, so text embedded before is
not embedded again), one engine is warmed up, and each question is answered;
per stage p50/p95 in ms: embed, dense, BM25, fusion, re-score, parse (spaCy), reader, rest. In the same
run at 250 and 2,500 chunks: the LangChain tutorial pipeline (RecursiveCharacterTextSplitter 1000/200,
Chroma, k=4 similarity search, all-MiniLM-L6-v2 through langchain-huggingface) retrieval only, and BM25
alone. Then the peak RSS of a fresh process that opens the largest index and answers 10 questions.

    .venv/bin/python bench/query_latency.py [--sizes 250,2500,25000,100000] [--questions 40]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, SQUAD_FULL, SQUAD_SUBSET, clean_env, p50_p95, peak_rss_mb, questions, write

STAGES = ("embed_ms", "dense_ms", "bm25_ms", "fuse_ms", "rescore_ms", "parse_ms", "reader_ms")


def corpus_for(size: int, work: Path) -> Path:
    if size <= 500:
        return SQUAD_SUBSET / "corpus"
    if size <= 5000:
        return SQUAD_FULL / "corpus"
    from make_corpus import make_corpus

    return make_corpus(size, work / f"corpus-{size}")


def measure_bot(settings, models, asked: list[str], warm_up: list[str]) -> tuple[dict, dict]:
    """Per-stage timings of each question (none asked before: the question memo must not help)."""
    from bot.engine import Engine
    from bot.types import Filters

    engine = Engine(settings, models)
    engine.warm_up()
    for question in warm_up:
        engine.ask(question)
    stages: dict[str, list[float]] = {s: [] for s in (*STAGES, "rest_ms", "total_ms")}
    for question in asked:
        timings = engine.ask(question).timings_ms
        for stage in STAGES:
            stages[stage].append(timings.get(stage, 0.0))
        stages["total_ms"].append(timings["total_ms"])
        stages["rest_ms"].append(max(0.0, timings["total_ms"] - sum(timings.get(s, 0.0) for s in STAGES)))
    bm25 = []
    for question in asked:
        started = time.perf_counter()
        engine.reader.lexical(question, 5, Filters())
        bm25.append((time.perf_counter() - started) * 1000)
    return {s: p50_p95(v) for s, v in stages.items()}, p50_p95(bm25)


def measure_langchain(corpus: Path, asked: list[str], embedder) -> dict:
    """The LangChain RAG tutorial's retrieval: 1000/200 character chunks, Chroma, top 4 by similarity."""
    import chromadb
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from bot.corpus import load_corpus
    from bot.embeddings import model_path
    from bot.settings import DEFAULT_EMBEDDER

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    texts = [t for a in load_corpus(corpus, 50).articles for t in splitter.split_text(a.text)]
    client = chromadb.EphemeralClient()
    collection = client.create_collection(f"tutorial{time.time_ns()}", metadata={"hnsw:space": "cosine"})
    vectors = embedder.embed_array(texts)  # the same vectors as the tutorial's embedder, computed faster
    for start in range(0, len(texts), 1000):
        collection.add(ids=[str(i) for i in range(start, start + len(texts[start:start + 1000]))],
                       documents=texts[start:start + 1000], embeddings=vectors[start:start + 1000])
    query_embedder = HuggingFaceEmbeddings(model_name=str(model_path(DEFAULT_EMBEDDER)),
                                           model_kwargs={"device": "cpu", "local_files_only": True})
    query_embedder.embed_query("warm up")
    times = []
    for question in asked:
        started = time.perf_counter()
        collection.query(query_embeddings=[query_embedder.embed_query(question)], n_results=4,
                         include=["documents", "metadatas", "distances"])
        times.append((time.perf_counter() - started) * 1000)
    client.delete_collection(collection.name)
    return {"chunks": len(texts), **p50_p95(times)}


def rss_probe(index: Path, corpus: Path) -> float:
    """Peak RSS (MB) of a fresh process answering 10 questions from a built index."""
    code = (
        "import json, sys; sys.path.insert(0, 'bench')\n"
        "from common import questions, peak_rss_mb\n"
        "from bot.engine import Engine\nfrom bot.settings import Settings\n"
        f"s = Settings().with_overrides(corpus={{'dir': {str(corpus)!r}}}, index={{'dir': {str(index)!r}}})\n"
        "e = Engine(s)\nfor q in questions(10, seed=1): e.ask(q)\nprint(json.dumps(peak_rss_mb()))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean_env(), capture_output=True, text=True,
                          check=True)
    return round(float(done.stdout.strip().splitlines()[-1]), 1)


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = results["sizes"]
    chunks = [r["chunks"] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for key, label in (("total_ms", "answer (p50)"), ("embed_ms", "embed"), ("dense_ms", "dense"),
                       ("bm25_ms", "BM25"), ("rescore_ms", "re-score"), ("reader_ms", "reader"), ("parse_ms", "spaCy")):
        ax.plot(chunks, [max(0.01, r["stages"][key]["p50"]) for r in rows], marker="o", label=label)
    tutorial = [(r["chunks"], r["langchain_tutorial"]["p50"]) for r in rows if r.get("langchain_tutorial")]
    if tutorial:
        ax.plot(*zip(*tutorial), marker="s", linestyle="--", color="black", label="LangChain tutorial retrieval")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("chunks in the index")
    ax.set_ylabel("warm latency p50 (ms)")
    ax.set_title("Warm answer latency by stage")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="250,2500,25000,100000")
    parser.add_argument("--questions", type=int, default=40)
    args = parser.parse_args()
    from bot.index import build
    from bot.models import Models
    from bot.settings import Settings

    picked = questions(args.questions + 3)
    warm_up, asked = picked[:3], picked[3:]
    models = Models(Settings())
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp:
        work = Path(tmp)
        last = None
        for size in (int(s) for s in args.sizes.split(",")):
            corpus = corpus_for(size, work)
            # One index folder for every size: each build is an update of the previous one, so a chunk or
            # sentence text already embedded keeps its vector (the recombined corpora repeat paragraphs).
            settings = Settings().with_overrides(corpus={"dir": corpus}, index={"dir": work / "index"})
            started = time.perf_counter()
            report = build(settings, models=models)
            built = time.perf_counter() - started
            chunks = report.added + report.updated + report.unchanged  # the index's size, not what this build added
            models.query_embedder.clear()  # every size answers the questions afresh
            stages, bm25 = measure_bot(settings, models, asked, warm_up)
            row = {"size": size, "chunks": chunks, "build_s": round(built, 1), "chunk_texts_embedded": report.embedded,
                   "sentences_embedded": report.sentences_embedded, "stages": stages, "bm25_alone": bm25}
            if size <= 5000:
                row["langchain_tutorial"] = measure_langchain(corpus, asked, models.embedder)
            rows.append(row)
            print(json.dumps(row), flush=True)
            if last is not None and last[0] != corpus and last[0].parent == work:
                shutil.rmtree(last[0], ignore_errors=True)
            last = (corpus, settings.index.dir)
        largest = rows[-1]
        largest["warm_query_peak_rss_mb"] = rss_probe(last[1], last[0])
    results = {"questions": len(asked), "sizes": rows, "bench_process_peak_rss_mb": round(peak_rss_mb(), 1)}
    by_size = {r["chunks"]: r for r in rows}
    mid = next((r for r in rows if 2000 <= r["chunks"] <= 3000), None)
    if mid and mid.get("langchain_tutorial"):
        results["target_answer_p50_vs_tutorial_retrieval_p50"] = round(
            mid["stages"]["total_ms"]["p50"] / mid["langchain_tutorial"]["p50"], 2)
    if mid and max(by_size) >= 90_000:
        results["target_growth_2500_to_100000"] = round(
            by_size[max(by_size)]["stages"]["total_ms"]["p50"] / mid["stages"]["total_ms"]["p50"], 2)
    path = write("query_latency", results)
    plot(results, path.with_suffix(".png"))


if __name__ == "__main__":
    main()
