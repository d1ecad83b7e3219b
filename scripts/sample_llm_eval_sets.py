"""Write the seeded 100-question samples that `bot eval --backend llm` is measured on (README, "Using an LLM").

A small CPU model takes seconds a question, so the LLM backend is measured on samples:
  bench/data/llm_eval/squad_v1.1_sample100.jsonl   from tests/data/squad_v1.1_dev_subset/qa.jsonl
  bench/data/llm_eval/multihoprag_sample100.jsonl  from bench/data/multihoprag_sample500/qa.jsonl
The MultiHop-RAG lines are the converted ones (scripts/convert_multihoprag.py): "null" queries carry
"unanswerable": true, so refusals are scored, and the others their "as_of" day, so a question is
answered as of the day it could first be answered (the same rows, in the same order, as
../shared/eval/multihoprag_sample500_evidence_only/qa.jsonl). Both backends are measured on the same samples.
SmolLM2-135M on two shared CPU cores takes 30-60 s a question, so each 100 also has a seeded
12-question sample of it (`*_sample12.jsonl`), for a quick look; the README's LLM table is on the 100.

    .venv/bin/python scripts/sample_llm_eval_sets.py
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "data" / "llm_eval"
SEED = 11  # the issue number: any fixed seed; never re-drawn to flatter a result
SIZE = 100
SMALL = 12  # drawn from the 100 with the same seed


def sample(lines: list[str], seed: int = SEED, size: int = SIZE) -> list[dict]:
    rows = [json.loads(line) for line in lines if line.strip()]
    picked = sorted(random.Random(seed).sample(range(len(rows)), size))
    return [rows[i] for i in picked]


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    squad = sample((ROOT / "tests/data/squad_v1.1_dev_subset/qa.jsonl").read_text(encoding="utf-8").splitlines())
    multihop = sample((ROOT / "bench/data/multihoprag_sample500/qa.jsonl").read_text(encoding="utf-8").splitlines())
    sets = {"squad_v1.1": squad, "multihoprag": multihop}
    for name, rows in [*sets.items()]:
        sets[f"{name}_small"] = sorted(random.Random(SEED).sample(rows, SMALL), key=rows.index)
    for key, rows in sets.items():
        name = f"{key.removesuffix('_small')}_sample{len(rows)}.jsonl"
        (OUT / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{OUT / name}: {len(rows)} questions, {sum(r.get('unanswerable', False) for r in rows)} unanswerable")


if __name__ == "__main__":
    main()
