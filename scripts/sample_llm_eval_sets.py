"""Write the seeded 100-question samples that `bot eval --backend llm` is measured on (README, "Using an LLM").

A small CPU model takes seconds a question, so the LLM backend is measured on samples:
  bench/data/llm_eval/squad_v1.1_sample100.jsonl   from tests/data/squad_v1.1_dev_subset/qa.jsonl
  bench/data/llm_eval/multihoprag_sample100.jsonl  from ../shared/eval/multihoprag_sample500_evidence_only/qa.jsonl
MultiHop-RAG's "null" queries (gold answer "Insufficient information.", no evidence) are written with
"unanswerable": true, so refusals are scored. Both backends are measured on the same samples.

    .venv/bin/python scripts/sample_llm_eval_sets.py [--shared ../shared/eval]
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


def sample(lines: list[str], seed: int = SEED, size: int = SIZE) -> list[dict]:
    rows = [json.loads(line) for line in lines if line.strip()]
    picked = sorted(random.Random(seed).sample(range(len(rows)), size))
    return [rows[i] for i in picked]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "eval")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    squad = sample((ROOT / "tests/data/squad_v1.1_dev_subset/qa.jsonl").read_text(encoding="utf-8").splitlines())
    multihop = sample((args.shared / "multihoprag_sample500_evidence_only/qa.jsonl").read_text(encoding="utf-8").splitlines())
    for row in multihop:
        if [a.strip().lower() for a in row["answers"]] == ["insufficient information."]:
            row.update(answers=[], unanswerable=True)
    for name, rows in (("squad_v1.1_sample100.jsonl", squad), ("multihoprag_sample100.jsonl", multihop)):
        (OUT / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{OUT / name}: {len(rows)} questions, {sum(r.get('unanswerable', False) for r in rows)} unanswerable")


if __name__ == "__main__":
    main()
