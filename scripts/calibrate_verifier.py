"""Fit the verifier's two thresholds (bot/answer/llm/verifier.json) on data, and report its precision/recall.

Pairs of (answer sentence, cited sentence) are made from SQuAD v1.1 dev questions whose article is
in no set `bot eval` is measured on (tests/data/squad_*_subset). The answer sentence states the
question with its gold answer ("When did the 1973 oil crisis begin: October 1973."), the way an LLM
restates a question when it answers it.

- supported: that statement and the sentence of the paragraph holding the answer;
- unsupported, same cited sentence, the answer swapped for another of its kind from the same
  article that the sentence does not contain: a number ("number"), a name ("name"), a date ("date");
- unsupported, the right statement citing the sentence of another paragraph of the same article
  that shares most words with the question ("wrong_paragraph").

Articles are split 80/20: the thresholds maximise F0.5 (precision counts more: marking a supported
sentence "not verified" is a nuisance, verifying an unsupported one breaks the promise) on the first
part, precision and recall are reported on the held-out part.

    .venv/bin/python scripts/calibrate_verifier.py [--questions 1500]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answer.llm.verify import THRESHOLDS_PATH, Thresholds, Verifier, normalized_tokens  # noqa: E402
from bot.text import sentence_spans, terms  # noqa: E402

DATA = ROOT / "bench" / "data" / "squad_v1.1_dev_full"
SEED = 11
_NAMES = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART"}
_NUMBERS = {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}


def article_of(doc_id: str) -> str:
    return re.sub(r"_p\d+$", "", doc_id)


def measured_articles() -> set[str]:
    names = set()
    for corpus in (ROOT / "tests" / "data").glob("squad_*_subset/corpus"):
        names |= {article_of(p.stem) for p in corpus.glob("*.txt")}
    return names


def statement(question: str, answer: str) -> str:
    return f"{question.strip().rstrip('?').strip()}: {answer.strip()}."


def sentence_with(text: str, start: int) -> str | None:
    for a, b in sentence_spans(text):
        if a <= start < b:
            return text[a:b]
    return None


def make_pairs(limit: int, nlp) -> list[dict]:
    rng = random.Random(SEED)
    excluded = measured_articles()
    paragraphs = {p.stem: p.read_text(encoding="utf-8") for p in (DATA / "corpus").glob("*.txt")
                  if article_of(p.stem) not in excluded}
    by_article = defaultdict(list)
    for doc_id in sorted(paragraphs):
        by_article[article_of(doc_id)].append(doc_id)
    rows = [json.loads(line) for line in (DATA / "qa.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["doc_ids"] and r["doc_ids"][0] in paragraphs and r["answers"]]
    rng.shuffle(rows)
    entities = {}  # article -> label -> entity texts, from its paragraphs
    pairs = []
    for row in rows[:limit]:
        doc_id, answer = row["doc_ids"][0], row["answers"][0]
        article, text = article_of(doc_id), paragraphs[doc_id]
        at = text.find(answer)
        cited = sentence_with(text, at) if at >= 0 else None
        if not cited or answer not in cited:
            continue
        said = statement(row["question"], answer)
        base = {"article": article, "question": row["question"]}
        pairs.append({**base, "kind": "supported", "supported": True, "sentence": said, "cited": cited})
        if article not in entities:
            entities[article] = defaultdict(set)
            for doc in nlp.pipe(paragraphs[d] for d in by_article[article]):
                for ent in doc.ents:
                    entities[article][ent.label_].add(ent.text)
        answer_doc = nlp(said)
        labels = {e.label_ for e in answer_doc.ents if e.text in answer or answer in e.text}
        cited_tokens = set(normalized_tokens(cited))
        for kind, wanted in (("number", _NUMBERS), ("name", _NAMES), ("date", {"DATE"})):
            label = next((lab for lab in labels if lab in wanted), None)
            if label is None:
                continue
            options = sorted(e for e in entities[article][label]
                             if not set(normalized_tokens(e)) & cited_tokens and e not in answer)
            if options:
                swapped = rng.choice(options)
                pairs.append({**base, "kind": kind, "supported": False, "sentence": statement(row["question"], swapped),
                              "cited": cited})
        others = [(len(terms(s) & terms(row["question"])), s) for d in by_article[article] if d != doc_id
                  for s in (paragraphs[d][a:b] for a, b in sentence_spans(paragraphs[d]))]
        others = [(score, s) for score, s in others if answer not in s]
        if others:
            pairs.append({**base, "kind": "wrong_paragraph", "supported": False, "sentence": said,
                          "cited": max(others)[1]})
    return pairs


def verdicts(pairs: list[dict], verifier: Verifier) -> None:
    for i, pair in enumerate(pairs, 1):
        v = verifier.measure(pair["sentence"], [pair["cited"]])
        pair.update(overlap=v.overlap, similarity=v.similarity, facts_ok=not v.missing)
        if i % 500 == 0:
            print(f"  measured {i}/{len(pairs)} pairs", file=sys.stderr)


def accepted(pair: dict, t: Thresholds) -> bool:
    return pair["facts_ok"] and pair["overlap"] >= t.min_overlap and pair["similarity"] >= t.min_similarity


def scores(pairs: list[dict], t: Thresholds) -> dict:
    tp = sum(accepted(p, t) and p["supported"] for p in pairs)
    fp = sum(accepted(p, t) and not p["supported"] for p in pairs)
    positives = sum(p["supported"] for p in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / positives if positives else 0.0
    f_half = 1.25 * precision * recall / (0.25 * precision + recall) if precision + recall else 0.0
    kinds = sorted({p["kind"] for p in pairs})
    rejected = {k: round(sum(not accepted(p, t) for p in pairs if p["kind"] == k)
                         / max(1, sum(p["kind"] == k for p in pairs)), 3) for k in kinds if k != "supported"}
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f0.5": round(f_half, 3),
            "unsupported_rejected_by_kind": rejected}


def fit(pairs: list[dict]) -> Thresholds:
    grid = [Thresholds(o / 20, s / 40) for o in range(0, 21) for s in range(0, 41)]
    return max(grid, key=lambda t: (scores(pairs, t)["f0.5"], -t.min_overlap, -t.min_similarity))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=1500)
    args = parser.parse_args()
    from bot.models import Models
    from bot.settings import Settings

    models = Models(Settings())
    pairs = make_pairs(args.questions, models.nlp)
    verdicts(pairs, Verifier(models.query_embedder, models.nlp, Thresholds(0.0, 0.0)))
    articles = sorted({p["article"] for p in pairs})
    random.Random(SEED).shuffle(articles)
    held = set(articles[: len(articles) // 5])
    fitting = [p for p in pairs if p["article"] not in held]
    held_out = [p for p in pairs if p["article"] in held]
    best = fit(fitting)
    counts = {k: sum(p["kind"] == k for p in pairs) for k in sorted({p["kind"] for p in pairs})}
    report = {
        "min_overlap": best.min_overlap, "min_similarity": best.min_similarity,
        "fitted_by": "scripts/calibrate_verifier.py", "data": "SQuAD v1.1 dev articles outside tests/data/squad_*_subset",
        "pairs": counts, "articles": {"fit": len(articles) - len(held), "held_out": len(held)},
        "fit": scores(fitting, best), "held_out": scores(held_out, best),
        "held_out_without_fact_check": scores([{**p, "facts_ok": True} for p in held_out], best),
    }
    THRESHOLDS_PATH.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
