"""Extractive summaries (bot.answer.summary) against hand-written reference summaries.

    .venv/bin/python bench/bench_summary.py [--k 3]

bench/data/summary_references.jsonl holds one reference a line (``{"corpus", "id", "reference"}``),
written by hand from the article before any method was run: the seed article and the dated test
corpus. For each method the k sentences picked are scored by ROUGE-1 and ROUGE-2 recall and F1
(lower-cased word uni/bigrams, no stemming) against the reference, averaged over the articles.
Methods: the first k candidate sentences (lead-k, the classic news baseline), TF-IDF centrality
with and without the lead-biased restarts, and the same over all-MiniLM-L6-v2 sentence vectors.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:[.,'][a-z0-9]+)*", text.lower())


def rouge(candidate: str, reference: str, n: int) -> tuple[float, float]:
    """(recall, F1) of word n-grams."""
    def grams(text):
        tokens = words(text)
        return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))

    cand, ref = grams(candidate), grams(reference)
    overlap = sum((cand & ref).values())
    if not overlap:
        return 0.0, 0.0
    recall, precision = overlap / sum(ref.values()), overlap / sum(cand.values())
    return recall, 2 * recall * precision / (recall + precision)


def load_articles():
    from bot.corpus import load_corpus

    refs = [json.loads(line) for line in (ROOT / "bench/data/summary_references.jsonl").read_text().splitlines() if line.strip()]
    corpora = {}
    out = []
    for ref in refs:
        if ref["corpus"] not in corpora:
            corpora[ref["corpus"]] = {a.id: a for a in load_corpus(ROOT / ref["corpus"]).articles}
        out.append((corpora[ref["corpus"]][ref["id"]], ref["reference"]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=3)
    args = parser.parse_args()

    from bot.answer.summary import summarize, summary_candidates
    from bot.embeddings import load_embedder
    from bot.settings import Settings

    articles = load_articles()
    embedder = load_embedder(Settings())
    dense = {}
    embedder.embed_documents(["warm-up"])  # the model loads on first use: not an article's cost
    started = time.perf_counter()
    for article, _ in articles:
        spans = summary_candidates(article.text)
        dense[article.id] = embedder.embed_documents([article.text[a:b] for a, b in spans])
    embed_ms = (time.perf_counter() - started) * 1000 / len(articles)

    methods = {
        f"lead-{args.k}": lambda a: [a.text[s:e] for s, e in summary_candidates(a.text)[: args.k]],
        "tfidf, no lead bias": lambda a: [s.text for s in summarize(a.text, args.k, lead_weight=0.0)],
        "tfidf, lead bias 0.5": lambda a: [s.text for s in summarize(a.text, args.k, lead_weight=0.5)],
        "minilm, no lead bias": lambda a: [s.text for s in summarize(a.text, args.k, vectors=dense[a.id], lead_weight=0.0)],
        "minilm, lead bias 0.5": lambda a: [s.text for s in summarize(a.text, args.k, vectors=dense[a.id], lead_weight=0.5)],
        "tfidf, lead bias 0.8": lambda a: [s.text for s in summarize(a.text, args.k, lead_weight=0.8)],
        "minilm, lead bias 0.8": lambda a: [s.text for s in summarize(a.text, args.k, vectors=dense[a.id], lead_weight=0.8)],
    }
    print(f"{len(articles)} articles, k={args.k}; MiniLM sentence vectors cost {embed_ms:.0f} ms an article (not in the times below)")
    print(f"{'method':24} {'R1 recall':>9} {'R1 F1':>6} {'R2 recall':>9} {'R2 F1':>6} {'ms/article':>10}  seed R1 F1")
    for name, pick in methods.items():
        scores = []
        started = time.perf_counter()
        for article, reference in articles:
            summary = " ".join(pick(article))
            scores.append(rouge(summary, reference, 1) + rouge(summary, reference, 2))
        ms = (time.perf_counter() - started) * 1000 / len(articles)
        means = [sum(col) / len(col) for col in zip(*scores)]
        seed = next(s for (a, _), s in zip(articles, scores) if a.id == "kim-train-vladivostok")
        print(f"{name:24} {means[0]:9.3f} {means[1]:6.3f} {means[2]:9.3f} {means[3]:6.3f} {ms:10.1f}  {seed[1]:10.3f}")


if __name__ == "__main__":
    main()
