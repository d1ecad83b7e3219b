"""The question batches in bench/data are sound: each answerable question has a gold answer written word for word
in a document it cites, and an unanswerable one cites none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent.parent / "bench/data"
SEED = Path(__file__).parent.parent / "corpus"
BATCHES = {  # question file -> the folder its documents are in
    "multihoprag_sample500/quiz_batch3.jsonl": DATA / "multihoprag_sample500/corpus",
    "multihoprag_sample500/quiz_batch4.jsonl": DATA / "multihoprag_sample500/corpus",
    "multihoprag_sample500/quiz_batch5.jsonl": DATA / "multihoprag_sample500/corpus",
    "multihoprag_sample500/quiz_batch6.jsonl": DATA / "multihoprag_sample500/corpus",
    "multihoprag_sample500/quiz_batch7.jsonl": DATA / "multihoprag_sample500/corpus",
    "dated_news2/qa.jsonl": DATA / "dated_news2/corpus",
    "dated_news3/qa.jsonl": DATA / "dated_news3/corpus",
    "dated_news4/qa.jsonl": DATA / "dated_news4/corpus",
    "seed_qa_batch6.jsonl": SEED,
    "seed_qa_batch3.jsonl": SEED,
    "seed_qa_batch5.jsonl": SEED,
    "seed_qa_batch7.jsonl": SEED,
    "seed_qa_batch8.jsonl": SEED,
}


def documents(folder: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.suffix in (".md", ".txt", ".html")}


@pytest.mark.parametrize("name", sorted(BATCHES))
def test_every_answerable_question_has_a_gold_answer_in_a_document_it_cites(name):
    texts = documents(BATCHES[name])
    rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    assert rows
    for row in rows:
        if row["unanswerable"]:
            assert row["answers"] == [] and row["doc_ids"] == [], row["id"]
            continue
        if BATCHES[name] == SEED:  # one article, whatever its id
            cited = list(texts.values())
        else:
            assert set(row["doc_ids"]) <= set(texts), row["id"]
            cited = [texts[d] for d in row["doc_ids"]]
        assert any(gold in text for gold in row["answers"] for text in cited), row["id"]


@pytest.mark.parametrize("name", ["seed_dialogues_batch5.jsonl", "seed_dialogues_batch6.jsonl",
                                  "seed_dialogues_batch7.jsonl", "seed_dialogues_batch8.jsonl"])
def test_every_dialogue_turn_has_its_gold_in_the_seed_article(name):
    article = next(SEED.glob("*.md")).read_text(encoding="utf-8")
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        dialogue = json.loads(line)
        assert len(dialogue["turns"]) == 2
        for turn in dialogue["turns"]:
            assert any(gold in article for gold in turn["answers"]), dialogue["id"]
