"""Fit the answer-sentence model (bot/answer/sentence_model.json).

Training data: SQuAD v1.1 dev (CC BY-SA 4.0) articles that are not in any set
``bot eval`` is measured on (tests/data/squad_*_subset). Their paragraphs are
indexed like any corpus; for a sample of their questions the real pipeline
retrieves and the answerer parses its best sentences (ExtractiveAnswerer.rank);
a sentence is a positive when it contains a gold answer. A conditional logit
(a softmax over each question's sentences) on the sentence features (question
match, chunk rank, the phrase model's and the reader's scores, ...) gives the
weights; the hand-set priors of bot/answer/extractive.py are left out. The same questions asked of
the index without their own paragraph (its chunks dropped from what was
retrieved, when no other retrieved chunk holds the answer) are what "the
articles don't say" looks like: a second regression on features of the best
sentences (``answerability_features``) tells them from the answered ones and
drives refusals. One fifth of the articles is held out first to report how
often the top sentence holds the answer and the refusal curve; a five-fold
cross-validation by article compares the conditional logit with a plain
logistic regression on the same features.

    .venv/bin/python scripts/fit_sentence_model.py bench/data/squad_v1.1_dev_full
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answer.answerability import SENTENCE_MODEL_PATH, answerability_features  # noqa: E402
from bot.answer.asked import READER_TYPE_PRIORS  # noqa: E402
from bot.answer.span import log_odds  # noqa: E402
from bot.evaluate import contains  # noqa: E402
from fit_span_model import article_of, held_out_articles  # noqa: E402
from train_reader import unanswerable_twins  # noqa: E402


def collect(data: Path, questions: int, work: Path) -> list:
    from bot.engine import Engine
    from bot.index import build
    from bot.models import Models
    from bot.settings import load_settings
    from bot.types import Query

    excluded = held_out_articles()
    corpus = work / "corpus"
    corpus.mkdir(exist_ok=True)
    for path in (data / "corpus").glob("*.txt"):
        if article_of(path.stem) not in excluded:
            shutil.copy(path, corpus / path.name)
    rows = [json.loads(line) for line in (data / "qa.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if article_of(r["doc_ids"][0]) not in excluded]
    random.Random(0).shuffle(rows)
    settings = load_settings().with_overrides(corpus={"dir": corpus}, index={"dir": work / "index"})
    print(f"indexing {len(list(corpus.iterdir()))} paragraphs", file=sys.stderr)
    models = Models(settings)
    build(settings, models=models)
    engine = Engine(settings, models)

    def retrieve(question: str):
        return engine.reader.search(Query(question, question, k=settings.retrieval.k))

    groups, missing = [], []
    for i, row in enumerate(rows[:questions]):
        found = retrieve(row["question"])
        _, pool = engine.answerer.rank(found.query.standalone, list(found.evidence), found.scorer)
        answers, article = tuple(row["answers"]), article_of(row["doc_ids"][0])
        if pool:
            groups.append((article, [dict(s.features) for s in pool], [contains(s.text, answers) for s in pool]))
        # The same question over a corpus without its paragraph: what "the articles don't say" looks like.
        others = [e for e in found.evidence if e.chunk.article_id not in row["doc_ids"]]
        if not any(contains(e.chunk.text, answers) for e in others):
            _, pool = engine.answerer.rank(found.query.standalone, others, found.scorer)
            missing.append((article, [dict(s.features) for s in pool]))
        if i % 200 == 0:
            print(f"  {i}/{questions}", file=sys.stderr)
    # The same questions rewritten (another name, a negation) so that their own paragraph no longer answers:
    # "the articles don't say" when the articles are on the very topic.
    items = [(article_of(r["doc_ids"][0]), r["question"], ((data / "corpus" / f"{r['doc_ids'][0]}.txt").read_text(
        encoding="utf-8"), 0, 0), r["answers"], None) for r in rows[:questions]]
    twins = []
    for n, (index, question) in enumerate(unanswerable_twins(items, random.Random(0))):
        found = retrieve(question)
        _, pool = engine.answerer.rank(found.query.standalone, list(found.evidence), found.scorer)
        twins.append((items[index][0], [dict(s.features) for s in pool]))
        if n % 200 == 0:
            print(f"  twin {n}", file=sys.stderr)
    return groups, missing, twins


def fit(groups, l2: float = 1e-3) -> dict[str, float]:
    """A conditional logit: for each question a softmax over its parsed sentences, fitted so that the
    sentences holding the answer get the probability. Only differences between the sentences of one
    question count, so the weights rank sentences (what the answerer does with them) rather than
    judge each alone; questions whose sentences all hold, or all lack, the answer teach nothing."""
    import torch
    from sklearn.feature_extraction import DictVectorizer

    useful = [([{k: v for k, v in f.items() if k not in READER_TYPE_PRIORS} for f in feats], labels)
              for _, feats, labels in groups if any(labels) and not all(labels)]
    vectorizer = DictVectorizer(sparse=False).fit([f for feats, _ in useful for f in feats])
    width, depth = len(vectorizer.feature_names_), max(len(feats) for feats, _ in useful)
    x = torch.zeros(len(useful), depth, width)
    valid = torch.zeros(len(useful), depth, dtype=torch.bool)
    positive = torch.zeros(len(useful), depth, dtype=torch.bool)
    for i, (feats, labels) in enumerate(useful):
        x[i, : len(feats)] = torch.tensor(vectorizer.transform(feats), dtype=torch.float32)
        valid[i, : len(feats)] = True
        positive[i, : len(feats)] = torch.tensor(labels)
    weights = torch.zeros(width, requires_grad=True)
    optimizer = torch.optim.LBFGS([weights], max_iter=500, line_search_fn="strong_wolfe")

    def loss():
        optimizer.zero_grad()
        scores = (x @ weights).masked_fill(~valid, -1e9)
        nll = (scores.logsumexp(1) - scores.masked_fill(~positive, -1e9).logsumexp(1)).mean()
        total = nll + l2 * (weights**2).sum()
        total.backward()
        return total

    optimizer.step(loss)
    fitted = dict(zip(vectorizer.feature_names_, weights.detach().tolist()))
    fitted.pop("bias", None)  # a constant does not move a sentence against its neighbours
    return {k: round(float(v), 4) for k, v in fitted.items()}


def fit_rows(rows: list[dict], y: list) -> dict[str, float]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(rows)
    model = LogisticRegression(C=1.0, max_iter=2000).fit(x, y)
    weights = dict(zip(vectorizer.get_feature_names_out(), model.coef_[0]))
    weights["bias"] = weights.get("bias", 0.0) + float(model.intercept_[0])
    return {k: round(float(v), 4) for k, v in weights.items()}


def cross_validate(groups, articles: list[str], folds: int = 5) -> dict:
    """How often the top sentence holds the answer, each fold's articles scored by weights fitted without them."""
    hits = {"conditional_logit": 0.0, "pointwise_logistic": 0.0}
    for k in range(folds):
        test = set(articles[k::folds])
        train, held = [g for g in groups if g[0] not in test], [g for g in groups if g[0] in test]
        pointwise = fit_rows([f for g in train for f in g[1]], [y for g in train for y in g[2]])
        hits["conditional_logit"] += top_holds_answer(held, fit(train)) * len(held)
        hits["pointwise_logistic"] += top_holds_answer(held, pointwise) * len(held)
    return {"questions": len(groups), **{k: round(v / len(groups), 3) for k, v in hits.items()}}


def top_holds_answer(groups, weights) -> float:
    hits = 0
    for _, feats, labels in groups:
        scores = [log_odds(weights, f) for f in feats]
        hits += labels[max(range(len(scores)), key=scores.__getitem__)]
    return round(hits / len(groups), 3)


def scored(feats: list[dict], weights) -> tuple[list[dict], list[float]]:
    scores = [log_odds(weights, f) for f in feats]
    order = sorted(range(len(feats)), key=lambda i: -scores[i])
    return [feats[i] for i in order], [scores[i] for i in order]


def answerability_rows(groups, missing, weights):
    rows, y = [], []
    for label, items in ((1, [g[1] for g in groups]), (0, [m[1] for m in missing])):
        for feats in items:
            if feats:
                rows.append(answerability_features(*scored(feats, weights)))
                y.append(label)
    return rows, y


def refusal_curve(rows, y, weights) -> list[dict]:
    import math

    probs = [1 / (1 + math.exp(-max(-30, min(30, log_odds(weights, r))))) for r in rows]
    curve = []
    for threshold in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        refused = [label for p, label in zip(probs, y) if p < threshold]
        missing = sum(1 for label in y if label == 0)
        curve.append({"threshold": threshold, "refusal_precision": round(refused.count(0) / max(1, len(refused)), 3),
                      "refusal_recall": round(refused.count(0) / max(1, missing), 3),
                      "answerable_refused": round(refused.count(1) / max(1, len(y) - missing), 3)})
    return curve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a SQuAD-layout folder: corpus/*.txt and qa.jsonl")
    parser.add_argument("--questions", type=int, default=2500)
    parser.add_argument("--output", type=Path, default=SENTENCE_MODEL_PATH)
    parser.add_argument("--work", type=Path, help="keep the training corpus and index here (reused by the next run)")
    parser.add_argument("--cache", type=Path, help="reuse (or save) the collected sentence features here")
    args = parser.parse_args()
    if args.cache and args.cache.exists():
        groups, missing, twins = pickle.loads(args.cache.read_bytes())
    else:
        with tempfile.TemporaryDirectory(prefix="fit-sentences-") as tmp:
            work = args.work or Path(tmp)
            work.mkdir(parents=True, exist_ok=True)
            groups, missing, twins = collect(args.data, args.questions, work)
        if args.cache:
            args.cache.write_bytes(pickle.dumps((groups, missing, twins)))
    articles = sorted({g[0] for g in groups})
    random.Random(0).shuffle(articles)
    test = set(articles[: len(articles) // 5])
    trial = fit([g for g in groups if g[0] not in test])
    held = [g for g in groups if g[0] in test]
    report = {"questions": len(held), "top_sentence_holds_answer": top_holds_answer(held, trial),
              "cross_validated": cross_validate(groups, articles),
              "first_guess_holds_answer": round(sum(g[2][0] for g in held) / len(held), 3),
              "any_parsed_sentence_holds_answer": round(sum(any(g[2]) for g in held) / len(held), 3)}
    print("held-out articles:", report, file=sys.stderr)
    negatives = missing + twins
    rows, y = answerability_rows([g for g in groups if g[0] not in test], [m for m in negatives if m[0] not in test], trial)
    answerable_weights = fit_rows(rows, y)
    for name, kind in (("paragraph_removed", missing), ("rewritten_twins", twins)):
        held_rows, held_y = answerability_rows(held, [m for m in kind if m[0] in test], trial)
        report[f"refusal_curve_{name}"] = refusal_curve(held_rows, held_y, answerable_weights)
        print(f"  refusals, {name}:", file=sys.stderr)
        for point in report[f"refusal_curve_{name}"]:
            print("  ", point, file=sys.stderr)
    weights = fit(groups)
    args.output.write_text(json.dumps({
        "about": "Log-odds weights of the sentence features of bot/answer/extractive.py; made by "
                 "scripts/fit_sentence_model.py",
        "trained_on": f"SQuAD v1.1 dev (CC BY-SA 4.0), {len(groups)} questions of {len(articles)} articles "
                      "not in tests/data/squad_*_subset",
        "held_out_report": report,
        "weights": dict(sorted(weights.items())),
        "answerable_weights": dict(sorted(fit_rows(*answerability_rows(groups, negatives, weights)).items())),
    }, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
