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

from bot.chat.conversation import Conversation
from bot.corpus import load_corpus
from bot.evaluate import contains

DATA = Path(__file__).resolve().parent / "data"
SEED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
ARTICLE = (SEED_CORPUS / "kim-train-vladivostok.md").read_text(encoding="utf-8")  # the file, front matter and all
QA = [json.loads(line) for line in (DATA / "seed_qa.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
DIALOGUES = [json.loads(line) for line in (DATA / "seed_dialogues.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
ANSWERABLE = [q for q in QA if not q["unanswerable"]]
UNANSWERABLE = [q for q in QA if q["unanswerable"]]
SEED_BODY = load_corpus(SEED_CORPUS, 50).articles[0].text  # the article body citations point into


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


# The extractive answerer does not yet answer every seed question (see the README's quality
# section): these floors are the level measured when they were written, so a regression fails,
# and the failing questions are printed. Raise them as the answerer improves.
ANSWERED_FLOOR = 33  # of 34 answerable questions, measured 33 (31 with answer forms, 28 before, 15 before any reader)
# On-topic questions the article does not answer are the weak spot (README, refusal threshold).
REFUSED_FLOOR = 8  # of 11 unanswerable questions, measured 8 with answer forms ('how fast', 'how much ... cost'; 4 before)
DIALOGUE_TURNS_FLOOR = 0.5  # share of dialogue turns answered or refused as expected, measured 11/21


def _seed_answer_ok(engine, item) -> str | None:
    answer = engine.ask(item["question"])
    if not answer.answerable:
        return f"refused: {item['question']}"
    if not contains(answer.answer, tuple(item["answers"])):
        return f"{item['question']} -> {answer.answer!r}"
    if not (answer.citations and contains(answer.citations[0].quote, tuple(item["answers"]))):
        return f"{item['question']}: first citation lacks the answer"
    assert all(SEED_BODY[c.start:c.end] == c.quote for c in answer.citations)  # offsets are never a matter of degree
    return None


@pytest.mark.slow
def test_seed_trip_question_answers_twenty_hours_and_cites_it(seed_engine):
    item = next(q for q in ANSWERABLE if "Vladivostok take" in q["question"])
    assert _seed_answer_ok(seed_engine, item) is None


# The web UI's example questions (bot/web/layout.py), with the article's answers: the first thing a new user sees.
WEB_EXAMPLE_ANSWERS = {
    "How long does the trip to Vladivostok take?": ("20 hours",),
    "Who is Kim Jong Un expected to meet?": ("Vladimir Putin",),  # it once answered Xi Jinping, from a 2018 report
    "How many trips abroad did Kim Jong Il make?": ("twelve",),
}


@pytest.mark.slow
def test_the_web_uis_example_questions_are_answered_from_the_article(seed_engine):
    from bot.web.layout import EXAMPLES

    assert set(EXAMPLES) == set(WEB_EXAMPLE_ANSWERS)
    failures = [f for f in (_seed_answer_ok(seed_engine, {"question": q, "answers": a})
                            for q, a in WEB_EXAMPLE_ANSWERS.items()) if f]
    assert not failures, failures


@pytest.mark.slow
def test_answerable_seed_questions_get_the_gold_answer_and_cite_it(seed_engine):
    failures = [f for f in (_seed_answer_ok(seed_engine, item) for item in ANSWERABLE) if f]
    answered = len(ANSWERABLE) - len(failures)
    assert answered >= ANSWERED_FLOOR, f"{answered}/{len(ANSWERABLE)} answered; failing: " + "; ".join(failures)


@pytest.mark.slow
def test_unanswerable_seed_questions_are_refused(seed_engine):
    answered = []
    for item in UNANSWERABLE:
        answer = seed_engine.ask(item["question"])
        if answer.answerable:
            answered.append(f"{item['question']} -> {answer.answer!r}")
        else:
            assert answer.kind == "refusal" and answer.citations == ()
    refused = len(UNANSWERABLE) - len(answered)
    assert refused >= REFUSED_FLOOR, f"{refused}/{len(UNANSWERABLE)} refused; answered: " + "; ".join(answered)


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
def test_dialogue_turns_are_answered_refused_or_small_talk_as_expected(dialogue_runs):
    wrong, checked = [], 0
    for played in dialogue_runs.values():
        history_before = 0
        for turn, answer, history_after in played:
            where = f"{turn['question']!r} (searched {answer.standalone_question!r}) -> {answer.answer!r}"
            if turn.get("smalltalk"):
                # small talk leaves the history alone; /reset empties it: never a matter of degree
                assert answer.kind == "smalltalk" and answer.retrieved == (), where
                assert history_after in (history_before, 0), where
            elif turn.get("unanswerable") or turn.get("answers"):
                checked += 1
                ok = (not answer.answerable) if turn.get("unanswerable") else (
                    answer.answerable and contains(answer.answer, tuple(turn["answers"])))
                if not ok:
                    wrong.append(where)
            history_before = history_after
    share = 1 - len(wrong) / checked
    assert share >= DIALOGUE_TURNS_FLOOR, f"{share:.2f} of {checked} turns as expected; wrong: " + "; ".join(wrong)


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
