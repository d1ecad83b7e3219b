"""``bot eval``: measure retrieval, answers, citations and refusals on a QA set.

The QA file has one JSON object a line: ``{"id", "question", "answers": [...],
"doc_ids": [...], "unanswerable"?, "as_of"?}``; a document id is a corpus file name
without its extension; ``as_of`` (YYYY-MM-DD) answers that question as of that day. Metrics follow SQuAD's answer normalisation.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import statistics
import string
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.errors import BotError, ConfigError
from bot.types import Answer

METRICS = (
    "n_questions", "recall@1", "recall@5", "mrr", "answer_accuracy", "median_answer_words", "evidence_accuracy",
    "exact_match", "f1", "refusal_rate", "refusal_precision", "refusal_recall", "citation_offsets_ok", "p50_ms",
    "p95_ms", "llm_answers", "llm_fallbacks", "sentences_verified",
)

_ASCII_PUNCTUATION = frozenset(string.punctuation)


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    answers: tuple[str, ...]
    doc_ids: tuple[str, ...]
    unanswerable: bool = False
    as_of: dt.date | None = None  # answer as of this day (the line's optional "as_of"); None: today


def read_qa(path: Path) -> list[QAItem]:
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read QA file {path}: {exc}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            items.append(QAItem(
                id=str(row.get("id", number)), question=row["question"], answers=tuple(row.get("answers") or ()),
                doc_ids=tuple(row.get("doc_ids") or ()), unanswerable=bool(row.get("unanswerable", False)),
                as_of=dt.date.fromisoformat(row["as_of"]) if row.get("as_of") else None,
            ))
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"{path}:{number}: not a QA line ({exc})") from exc
    if not items:
        raise ConfigError(f"{path}: no questions")
    return items


def normalize(text: str) -> str:
    """SQuAD's answer normalisation, with every Unicode punctuation mark dropped, not only ASCII's:
    an article's curly quotes ("“Chammae-1,”") and dashes must not hide the word they enclose."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in _ASCII_PUNCTUATION and not unicodedata.category(ch).startswith("P"))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def f1_score(prediction: str, gold: str) -> float:
    pred, ref = normalize(prediction).split(), normalize(gold).split()
    common = Counter(pred) & Counter(ref)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(ref)
    return 2 * precision * recall / (precision + recall)


def contains(text: str, answers: tuple[str, ...]) -> bool:
    norm = f" {normalize(text)} "
    return any(normalize(a) and f" {normalize(a)} " in norm for a in answers)


def doc_id(article_id: str) -> str:
    return article_id.rsplit("/", 1)[-1]


def score_item(item: QAItem, answer: Answer, article_texts: dict[str, str], k: int) -> dict:
    retrieved = list(dict.fromkeys(doc_id(e.chunk.article_id) for e in answer.retrieved))
    gold = set(item.doc_ids)
    rank = next((i for i, d in enumerate(retrieved) if d in gold), None)
    first = answer.citations[0] if answer.citations else None
    citations = list(answer.citations) + list(answer.related)
    offsets_ok = [article_texts.get(c.article_id, "")[c.start:c.end] == c.quote for c in citations]
    return {
        "id": item.id, "question": item.question, "answer": answer.answer, "answerable": answer.answerable,
        "unanswerable_gold": item.unanswerable, "gold": list(item.answers), "score": round(answer.score, 4),
        "first_citation": None if first is None else {"article_id": first.article_id, "start": first.start, "end": first.end, "quote": first.quote},
        "retrieved_doc_ids": retrieved[:k],
        "hit@1": rank == 0, "hit@5": rank is not None and rank < 5, "rr": 0.0 if rank is None else 1 / (rank + 1),
        "answer_hit": answer.answerable and contains(answer.answer, item.answers),
        "evidence_hit": first is not None and contains(first.quote, item.answers),
        "em": max((float(normalize(answer.answer) == normalize(a)) for a in item.answers), default=0.0),
        "f1": max((f1_score(answer.answer, a) for a in item.answers), default=0.0),
        "answer_words": len(answer.answer.split()),
        "offsets_ok": offsets_ok, "ms": answer.timings_ms.get("total_ms", 0.0),
        "backend": answer.backend, "fallback": answer.fallback, "sentences_written": answer.sentences_written,
        "sentences": [{"text": s.text, "citations": list(s.citations), "verified": s.verified} for s in answer.sentences],
    }


def summarize(rows: list[dict]) -> dict:
    answerable = [r for r in rows if not r["unanswerable_gold"]]
    out: dict[str, float | int | None] = {"n_questions": len(rows)}
    n = len(answerable) or 1
    out["recall@1"] = sum(r["hit@1"] for r in answerable) / n
    out["recall@5"] = sum(r["hit@5"] for r in answerable) / n
    out["mrr"] = sum(r["rr"] for r in answerable) / n
    out["answer_accuracy"] = sum(r["answer_hit"] for r in answerable) / n
    answered_words = [r["answer_words"] for r in answerable if r["answerable"]]
    out["median_answer_words"] = statistics.median(answered_words) if answered_words else 0
    out["evidence_accuracy"] = sum(r["evidence_hit"] for r in answerable) / n
    out["exact_match"] = sum(r["em"] for r in answerable) / n
    out["f1"] = sum(r["f1"] for r in answerable) / n
    if any(r["unanswerable_gold"] for r in rows):
        refused = [r for r in rows if not r["answerable"]]
        truly = [r for r in rows if r["unanswerable_gold"]]
        out["refusal_precision"] = sum(r["unanswerable_gold"] for r in refused) / len(refused) if refused else 0.0
        out["refusal_recall"] = sum(not r["answerable"] for r in truly) / len(truly)
    else:
        out["refusal_precision"] = out["refusal_recall"] = None
    out["refusal_rate"] = sum(not r["answerable"] for r in rows) / len(rows)
    checks = [ok for r in rows for ok in r["offsets_ok"]]
    out["citation_offsets_ok"] = sum(checks) / len(checks) if checks else 1.0
    times = sorted(r["ms"] for r in rows)
    out["p50_ms"] = times[len(times) // 2]
    out["p95_ms"] = times[min(len(times) - 1, int(len(times) * 0.95))]
    # The llm backend: questions the model answered, those the extractive answer replaced (a failure, or
    # nothing verified), and the share of the model's sentences the verifier backed (None: no LLM ran).
    out["llm_answers"] = sum(r.get("backend") == "llm" for r in rows) / len(rows)
    out["llm_fallbacks"] = sum(bool(r.get("fallback")) for r in rows) / len(rows)
    written = sum(r.get("sentences_written", 0) for r in rows)
    verified = sum(s["verified"] for r in rows for s in r.get("sentences", []))
    out["sentences_verified"] = verified / written if written else None
    return out


def run(settings, qa_path: Path, corpus: Path, index: Path | None = None, k: int = 5,
        progress: Callable[[str, int, int], None] | None = None, models=None) -> tuple[dict, list[dict]]:
    """Index ``corpus`` (into a temp folder unless ``index``), answer every question, score.
    One set of models serves both the build and the answers."""
    from bot.corpus import load_corpus
    from bot.engine import Engine
    from bot.index import build
    from bot.models import Models

    items = read_qa(qa_path)
    models = models or Models(settings)
    with tempfile.TemporaryDirectory(prefix="bot-eval-") as tmp:
        eval_settings = settings.with_overrides(corpus={"dir": corpus}, index={"dir": index or Path(tmp) / "index"})
        build(eval_settings, progress=progress, models=models)
        texts = {a.id: a.text for a in load_corpus(corpus, settings.corpus.max_article_mb).articles}
        engine = Engine(eval_settings, models)
        engine.warm_up()
        rows = []
        for done, item in enumerate(items, 1):
            try:
                answer = engine.ask(item.question, k=k, as_of=item.as_of)
            except BotError as exc:
                answer = Answer(item.question, item.question, str(exc), False, kind="error")
            rows.append(score_item(item, answer, texts, k))
            if progress:
                progress("answering", done, len(items))
    return summarize(rows), rows


def write_report(path: Path, metrics: dict, rows: list[dict]) -> None:
    path.write_text(json.dumps({**metrics, "questions": rows}, indent=1), encoding="utf-8")
