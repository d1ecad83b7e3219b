"""What each retrieval stage pays: recall@1, recall@5 and MRR of dense alone, BM25 alone,
their reciprocal rank fusion, and the fusion re-scored sentence by sentence (what the bot runs).

    .venv/bin/python bench/bench_retrieval.py tests/data/squad_v1.1_dev_subset [--index DIR]

Builds (or reuses, with --index) an index of DIR/corpus and asks every question of
DIR/qa.jsonl; unanswerable questions are skipped. Prints one row per stage.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def ranked_articles(chunks, k: int) -> list[str]:
    """The articles of the top-``k`` chunks, best first, as `bot eval` counts them."""
    from bot.evaluate import doc_id

    return list(dict.fromkeys(doc_id(chunk.article_id) for chunk in list(chunks)[:k]))


def stages(reader, question: str, k: int) -> dict[str, list[str]]:
    from bot.retrieve.hybrid import RERANK_POOL, fuse, rerank
    from bot.types import Filters

    settings = reader.settings.retrieval
    vector = reader.embedder.embed_query(question)
    dense = reader.dense(vector, settings.candidates, Filters())
    lexical = reader.lexical(question, settings.candidates, Filters())
    pool = fuse(dense, lexical, settings.rrf_k)
    rescored = rerank(reader.opened().scorer, question, pool[: max(k, RERANK_POOL)])
    return {
        "dense": ranked_articles((c for c, _ in dense), k),
        "bm25": ranked_articles((c for c, _ in lexical), k),
        "rrf": ranked_articles((e["chunk"] for e in pool), k),
        "rrf + sentence re-score": ranked_articles((e["chunk"] for _, e in rescored), k),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a folder with corpus/ and qa.jsonl")
    parser.add_argument("--index", type=Path, help="build or reuse the index here (default: a temp dir)")
    args = parser.parse_args()
    from bot.index import build
    from bot.models import Models
    from bot.retrieve import IndexReader
    from bot.settings import load_settings

    rows = [json.loads(line) for line in (args.data / "qa.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if not r.get("unanswerable")]
    with tempfile.TemporaryDirectory(prefix="bench-retrieval-") as tmp:
        settings = load_settings().with_overrides(corpus={"dir": args.data / "corpus"},
                                                  index={"dir": args.index or Path(tmp) / "index"})
        models = Models(settings)
        build(settings, models=models)
        reader = IndexReader(settings, models)
        totals: dict[str, list[float]] = {}
        started = time.perf_counter()
        for row in rows:
            gold = set(row["doc_ids"])
            for name, articles in stages(reader, row["question"], settings.retrieval.k).items():
                rank = next((i for i, a in enumerate(articles) if a in gold), None)
                stats = totals.setdefault(name, [0.0, 0.0, 0.0])
                stats[0] += rank == 0
                stats[1] += rank is not None and rank < 5
                stats[2] += 1 / (rank + 1) if rank is not None else 0.0
    print(f"{len(rows)} questions of {args.data} in {time.perf_counter() - started:.0f} s")
    print(f"{'stage':26} recall@1 recall@5   mrr")
    for name, (r1, r5, mrr) in totals.items():
        print(f"{name:26} {r1 / len(rows):8.3f} {r5 / len(rows):8.3f} {mrr / len(rows):6.3f}")


if __name__ == "__main__":
    main()
