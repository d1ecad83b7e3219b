"""Convert the MultiHop-RAG sample's questions into `bot eval`'s QA format.

    .venv/bin/python scripts/convert_multihoprag.py [bench/data/multihoprag_sample500]

Reads ``qa_full.jsonl`` (the upstream questions with their type and evidence) and ``docs.jsonl``
(each document's publication time) in that folder; writes ``qa.jsonl`` beside them, one line a
question: ``{"id", "question", "answers", "doc_ids", "unanswerable", "as_of"?, "question_type",
"answer_kind"}``, and prints the set's shape.

* "Insufficient information." (the null queries) becomes ``"unanswerable": true`` with no answers.
* ``as_of``: MultiHop-RAG gives no date for its questions, so the day a question could first be
  answered stands in for it: the newest publication day among its gold documents. A question
  without gold documents (a null query) takes the newest date it names itself ("the report from
  Wired on 2023-11-25"), and has no ``as_of`` when it names none. (Dates a question names are not
  used beside gold documents: the one that is later than its documents, "November 6, 2024" in a
  question about 2023 reports, is a slip of the question's writer.)
* ``answer_kind``: "yes/no" (a comparison or temporal yes/no question), "insufficient", or
  "entity" (a name or phrase, which an extractive answer can quote).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INSUFFICIENT = "insufficient information."
YES_NO = {"yes", "no"}


def dates_named(question: str) -> list[str]:
    """Every whole date written in the question, as ISO days."""
    from bot.dates import find_date

    found, cursor = [], 0
    while True:
        hit = find_date(question[cursor:])
        if hit is None:
            return found
        iso, _start, end = hit
        found.append(iso[:10])
        cursor += end


def convert(row: dict, published: dict[str, str]) -> dict:
    answers = [a for a in row["answers"] if a.strip()]
    unanswerable = [a.strip().lower() for a in answers] == [INSUFFICIENT]
    kind = "insufficient" if unanswerable else "yes/no" if answers[0].strip().lower() in YES_NO else "entity"
    days = [published[doc][:10] for doc in row["doc_ids"]] or dates_named(row["question"])
    out = {
        "id": row["id"], "question": row["question"], "answers": [] if unanswerable else answers,
        "doc_ids": row["doc_ids"], "unanswerable": unanswerable,
    }
    if days:
        out["as_of"] = max(days)
    out["question_type"] = row["question_type"]
    out["answer_kind"] = kind
    return out


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench/data/multihoprag_sample500"
    published = {}
    for line in (folder / "docs.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            doc = json.loads(line)
            published[doc["id"]] = doc["published_at"]
    rows = [json.loads(line) for line in (folder / "qa_full.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    converted = [convert(row, published) for row in rows]
    with (folder / "qa.jsonl").open("w", encoding="utf-8") as out:
        for row in converted:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")

    print(f"{len(converted)} questions over {len(published)} documents -> {folder / 'qa.jsonl'}")
    print("question types:", dict(Counter(r["question_type"] for r in converted)))
    print("answer kinds:  ", dict(Counter(r["answer_kind"] for r in converted)))
    print("type x kind:   ", dict(Counter((r["question_type"], r["answer_kind"]) for r in converted)))
    print("gold documents:", dict(sorted(Counter(len(r["doc_ids"]) for r in converted).items())))
    dated = [r for r in converted if "as_of" in r]
    named = sum(1 for r in rows if not r["doc_ids"] and dates_named(r["question"]))
    print(f"as_of: {len(dated)} questions ({named} without gold documents, dated by the date they name), "
          f"from {min(r['as_of'] for r in dated)} to {max(r['as_of'] for r in dated)}")


if __name__ == "__main__":
    main()
