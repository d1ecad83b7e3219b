"""The LLM backend beside the extractive one: a Markdown table from `bot eval --output` files.

Reads bench/results/llm_eval/<set>_sample<N>_<backend>.json (written by the commands in
bench/results/llm_eval.md) and prints one table a data set. When the LLM ran on a smaller seeded
sample (scripts/sample_llm_eval_sets.py) and the extractive backend on the 100 it was drawn from, the
extractive rows of those questions are scored again (``bot.evaluate.summarize``), so both columns cover the same questions;
the extractive answerer is deterministic, so only its latency would differ in a separate run.

    PYTHONPATH=$PWD .venv/bin/python bench/llm_eval_table.py [--combined]
(--combined: one table for both data sets, the README's)
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.evaluate import summarize

ROOT = Path(__file__).resolve().parent.parent
RUNS = ROOT / "bench" / "results" / "llm_eval"
SETS = (("squad_v1.1", "SQuAD v1.1 dev subset"), ("multihoprag", "MultiHop-RAG sample500 (evidence only)"))
ROWS = (
    ("answer_accuracy", "answer_accuracy", "{:.2f}"),
    ("evidence_accuracy", "evidence_accuracy", "{:.2f}"),
    ("f1", "F1", "{:.2f}"),
    ("recall@5", "recall@5", "{:.2f}"),
    ("refusal_rate", "refusal rate (all questions)", "{:.2f}"),
    ("refusal_recall", "refusal recall (unanswerable refused)", "{:.2f}"),
    ("refusal_precision", "refusal precision", "{:.2f}"),
    ("llm_answers", "answered by the LLM", "{:.2f}"),
    ("llm_fallbacks", "LLM fallbacks (extractive answer instead)", "{:.2f}"),
    ("sentences_verified", "generated sentences verified", "{:.2f}"),
    ("sentences_written", "generated sentences (count)", "{}"),
    ("citation_offsets_ok", "citations quoting their article exactly", "{:.2f}"),
    ("p50_ms", "p50 latency (s)", "{:.1f}"),
    ("p95_ms", "p95 latency (s)", "{:.1f}"),
)


def load(name: str) -> dict | None:
    path = RUNS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def same_questions(run: dict, ids: list[str]) -> dict:
    """``run``'s metrics over the questions ``ids`` only."""
    by_id = {row["id"]: row for row in run["questions"]}
    rows = [by_id[i] for i in ids]
    return {**summarize(rows), "questions": rows}


def cell(metrics: dict, key: str, fmt: str) -> str:
    if key == "sentences_written":
        value = sum(r.get("sentences_written", 0) for r in metrics["questions"])
    else:
        value = metrics.get(key)
    if value is None:
        return "n/a"
    return fmt.format(value / 1000 if key.endswith("_ms") else value)


def own_answers(run: dict) -> str:
    """How often the model's own answer (not the fallback) held a gold answer: 'hits/answered'."""
    shown = [r for r in run["questions"] if r.get("backend") == "llm" and not r["unanswerable_gold"]]
    return f"{sum(r['answer_hit'] for r in shown)}/{len(shown)}"


def causes(run: dict) -> str:
    counts: dict[str, int] = {}
    for row in run["questions"]:
        if row.get("fallback"):
            reason = row["fallback"].split(" (")[0]
            reason = "the LLM timed out" if "did not answer within" in reason else reason
            counts[reason] = counts.get(reason, 0) + 1
    return "; ".join(f"{n}× {reason}" for reason, n in sorted(counts.items(), key=lambda kv: -kv[1])) or "none"


def pair(key: str) -> tuple[dict, dict] | None:
    """(extractive, llm) runs over the same questions, or None if either was not measured."""
    runs = sorted(RUNS.glob(f"{key}_sample*_llm.json"), key=lambda p: int(p.stem.split("_sample")[1].split("_")[0]))
    llm = load(runs[-1].stem) if runs else None  # the largest sample the LLM ran on
    extractive = load(f"{key}_sample100_extractive")
    if llm is None or extractive is None:
        return None
    return same_questions(extractive, [row["id"] for row in llm["questions"]]), llm


def table(key: str, title: str) -> list[str]:
    if (runs := pair(key)) is None:
        return [f"### {title}", "", "(not measured)", ""]
    extractive, llm = runs
    ids = [row["id"] for row in llm["questions"]]
    unanswerable = sum(row["unanswerable_gold"] for row in llm["questions"])
    lines = [f"### {title}: {len(ids)} questions ({unanswerable} unanswerable)", "",
             "| metric | extractive (default) | llm (SmolLM2-135M) |", "| --- | ---: | ---: |"]
    lines += [f"| {label} | {cell(extractive, k, fmt)} | {cell(llm, k, fmt)} |" for k, label, fmt in ROWS]
    lines.append(f"| answer_accuracy where the LLM's answer was shown | - | {own_answers(llm)} |")
    lines += ["", f"LLM fallbacks by cause: {causes(llm)}.", ""]
    return lines


def combined() -> list[str]:
    """One table, both data sets side by side (the README's)."""
    pairs = [(title.split(" (")[0], runs) for key, title in SETS if (runs := pair(key))]
    head = " | ".join(f"{name}: extractive | {name}: llm" for name, _ in pairs)
    lines = [f"| metric | {head} |", "| --- |" + " ---: |" * (2 * len(pairs))]
    for key, label, fmt in ROWS:
        lines.append(f"| {label} | " + " | ".join(f"{cell(e, key, fmt)} | {cell(m, key, fmt)}" for _, (e, m) in pairs) + " |")
    lines.append("| answer_accuracy where the LLM's answer was shown | "
                 + " | ".join(f"- | {own_answers(m)}" for _, (_, m) in pairs) + " |")
    return lines


def main() -> None:
    import sys

    if "--combined" in sys.argv[1:]:
        lines = combined()
    else:
        lines = [line for key, title in SETS for line in table(key, title)]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
