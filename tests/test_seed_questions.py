"""Questions about the seed article (corpus/kim-train-vladivostok.md), asked of the real engine.

tests/data/seed_qa.jsonl: answerable questions (gold answers copied verbatim from
the article) and plausible questions the article does not answer.
tests/data/seed_dialogues.jsonl: conversations whose follow-ups must be rewritten
into standalone questions and answered. Answers are matched the way ``bot eval``
matches them (SQuAD normalisation, any gold answer contained in the answer).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.chat import Conversation
from bot.corpus import load_corpus
from bot.evaluate import contains

DATA = Path(__file__).resolve().parent / "data"
SEED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
ARTICLE = (SEED_CORPUS / "kim-train-vladivostok.md").read_text(encoding="utf-8")  # the file, front matter and all
QA = [json.loads(line) for line in (DATA / "seed_qa.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
DIALOGUES = [json.loads(line) for line in (DATA / "seed_dialogues.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
ANSWERABLE = [q for q in QA if not q["unanswerable"]]
UNANSWERABLE = [q for q in QA if q["unanswerable"]]


def test_seed_sets_are_big_enough_and_well_formed():
    assert len(QA) >= 25 and len(UNANSWERABLE) >= 8 and len(DIALOGUES) >= 4
    assert len({q["id"] for q in QA}) == len(QA)
    for q in QA:
        assert set(q) == {"id", "question", "answers", "doc_ids", "unanswerable"}
        assert q["doc_ids"] == ["kim-train-vladivostok"]
        assert bool(q["answers"]) != q["unanswerable"], q["id"]
        for gold in q["answers"]:
            assert gold in ARTICLE, f"{q['id']}: {gold!r} is not verbatim in the article"
    for dialogue in DIALOGUES:
        assert len(dialogue["turns"]) >= 3
        assert any(t.get("standalone_contains") for t in dialogue["turns"]), dialogue["id"]
        for turn in dialogue["turns"]:
            assert all(gold in ARTICLE for gold in turn.get("answers", [])), turn["question"]


@pytest.mark.slow
@pytest.mark.parametrize("item", ANSWERABLE, ids=[q["id"] for q in ANSWERABLE])
def test_answerable_seed_question_gets_the_gold_answer_and_cites_it(seed_engine, item):
    answer = seed_engine.ask(item["question"])
    assert answer.answerable, f"refused: {item['question']}"
    assert contains(answer.answer, tuple(item["answers"])), f"{item['question']} -> {answer.answer!r}"
    assert answer.citations and contains(answer.citations[0].quote, tuple(item["answers"]))
    body = load_corpus(SEED_CORPUS, 50).articles[0].text
    assert all(body[c.start:c.end] == c.quote for c in answer.citations)


@pytest.mark.slow
@pytest.mark.parametrize("item", UNANSWERABLE, ids=[q["id"] for q in UNANSWERABLE])
def test_unanswerable_seed_question_is_refused(seed_engine, item):
    answer = seed_engine.ask(item["question"])
    assert not answer.answerable, f"{item['question']} -> {answer.answer!r}"
    assert answer.kind == "refusal" and answer.citations == ()


@pytest.fixture(scope="module")
def dialogue_runs(seed_engine):
    """Each dialogue played once through a fresh ``Conversation``: (turn spec, answer, history length after)."""
    runs = {}
    for dialogue in DIALOGUES:
        conversation = Conversation(seed_engine)
        played = []
        for turn in dialogue["turns"]:
            answer = conversation.ask(turn["question"])
            played.append((turn, answer, len(conversation.turns)))
        runs[dialogue["id"]] = played
    return runs


@pytest.mark.slow
@pytest.mark.parametrize("dialogue_id", [d["id"] for d in DIALOGUES])
def test_dialogue_follow_ups_are_rewritten_into_standalone_questions(dialogue_runs, dialogue_id):
    wrong = []
    for turn, answer, _ in dialogue_runs[dialogue_id]:
        standalone = answer.standalone_question
        if turn.get("standalone_unchanged") and standalone != turn["question"]:
            wrong.append(f"{turn['question']!r} became {standalone!r}")
        missing = [k for k in turn.get("standalone_contains", []) if k.lower() not in standalone.lower()]
        if missing:
            wrong.append(f"{turn['question']!r} -> {standalone!r} lacks {missing}")
    assert not wrong, "; ".join(wrong)


@pytest.mark.slow
@pytest.mark.parametrize("dialogue_id", [d["id"] for d in DIALOGUES])
def test_dialogue_turns_are_answered_refused_or_small_talk_as_expected(dialogue_runs, dialogue_id):
    wrong, history_before = [], 0
    for turn, answer, history_after in dialogue_runs[dialogue_id]:
        where = f"{turn['question']!r} (searched {answer.standalone_question!r}) -> {answer.answer!r}"
        if turn.get("smalltalk"):
            # small talk leaves the history alone; /reset empties it
            ok = answer.kind == "smalltalk" and answer.retrieved == () and history_after in (history_before, 0)
        elif turn.get("unanswerable"):
            ok = not answer.answerable
        elif turn.get("answers"):
            ok = answer.answerable and contains(answer.answer, tuple(turn["answers"]))
        else:
            ok = True  # a turn that only checks the rewrite
        if not ok:
            wrong.append(where)
        history_before = history_after
    assert not wrong, "; ".join(wrong)


@pytest.mark.slow
def test_bot_eval_runs_on_the_seed_set(tmp_path):
    report = tmp_path / "report.json"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "eval", str(DATA / "seed_qa.jsonl"), "--corpus", str(SEED_CORPUS),
         "--output", str(report), "--quiet"],
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    printed = dict(line.split(None, 1) for line in result.stdout.splitlines() if line.strip())
    assert printed["n_questions"].strip() == str(len(QA))
    metrics = json.loads(report.read_text(encoding="utf-8"))
    assert metrics["n_questions"] == len(QA) and len(metrics["questions"]) == len(QA)
    assert metrics["citation_offsets_ok"] == 1.0
    assert metrics["refusal_recall"] is not None  # the set has unanswerable questions, so refusals are scored
