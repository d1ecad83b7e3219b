"""The public dialogue set, tests/data/dialogues.jsonl: two- and three-turn conversations over the
seed article and the SQuAD v1.1 subset's articles, each checking its final answer.

Format (compatible with seed_dialogues.jsonl): ``{"id", "corpus": "seed" | "squad_v1.1",
"phenomena": [...], "turns": [...]}``; a turn has ``question`` and any of ``standalone_unchanged``,
``standalone_contains`` (substrings the rewritten question must hold), ``answers`` (one must be in
the answer) with ``doc_ids`` (the documents holding them), ``unanswerable``, and ``clarify`` (the
follow-up has nothing to refer to: the bot should ask back, "Who do you mean by 'he'?").
The data checks come first; the last tests play every dialogue through a ``Conversation`` on the real
engine (slow) and guard the level measured with bench/bench_dialogues.py.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from bot.corpus import load_corpus
from conftest import DATA, SEED_CORPUS, SQUAD_V1

DIALOGUES = [json.loads(line) for line in (DATA / "dialogues.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
TURN_KEYS = {"question", "standalone_unchanged", "standalone_contains", "answers", "doc_ids", "unanswerable", "clarify", "smalltalk"}
FOLLOW_UP = re.compile(r"\b(?:he|him|his|she|her|they|them|their|it|its|that|those|there)\b|^(?:and|what about|why)\b", re.I)


@pytest.fixture(scope="module")
def documents():
    return {
        "seed": {a.id: a.text for a in load_corpus(SEED_CORPUS).articles},
        "squad_v1.1": {a.id: a.text for a in load_corpus(SQUAD_V1 / "corpus").articles},
    }


def test_there_are_at_least_forty_two_and_three_turn_dialogues_with_unique_ids():
    assert len(DIALOGUES) >= 40
    assert len({d["id"] for d in DIALOGUES}) == len(DIALOGUES)
    assert all(2 <= len(d["turns"]) <= 3 for d in DIALOGUES)
    corpora = Counter(d["corpus"] for d in DIALOGUES)
    assert corpora["seed"] >= 15 and corpora["squad_v1.1"] >= 25


def test_every_turn_is_well_formed_and_every_final_turn_is_checked():
    for dialogue in DIALOGUES:
        assert set(dialogue) == {"id", "corpus", "phenomena", "turns"} and dialogue["phenomena"], dialogue["id"]
        for turn in dialogue["turns"]:
            assert set(turn) <= TURN_KEYS and turn["question"].strip(), (dialogue["id"], turn)
            assert bool(turn.get("answers")) == bool(turn.get("doc_ids")), (dialogue["id"], turn["question"])
            assert sum(bool(turn.get(k)) for k in ("answers", "unanswerable", "clarify", "smalltalk")) <= 1
        final = dialogue["turns"][-1]
        assert final.get("answers") or final.get("unanswerable") or final.get("clarify"), dialogue["id"]
        assert dialogue["turns"][0].get("standalone_unchanged"), f"{dialogue['id']}: the first question stands alone"


def test_every_gold_answer_is_verbatim_in_the_named_document(documents):
    for dialogue in DIALOGUES:
        texts = documents[dialogue["corpus"]]
        for turn in dialogue["turns"]:
            for doc in turn.get("doc_ids", []):
                assert doc in texts, (dialogue["id"], doc)
            for gold in turn.get("answers", []):
                assert any(gold in texts[doc] for doc in turn["doc_ids"]), (dialogue["id"], gold)


def test_follow_ups_refer_back_and_the_set_covers_each_kind_of_reference():
    for dialogue in DIALOGUES:
        follow_ups = dialogue["turns"][1:]
        assert any(FOLLOW_UP.search(t["question"]) or not t.get("standalone_unchanged") for t in follow_ups), dialogue["id"]
    finals = [d["turns"][-1]["question"].lower() for d in DIALOGUES]
    kinds = {
        "he/him/his": r"\b(?:he|him|his)\b", "she/her": r"\b(?:she|her)\b", "they/them": r"\b(?:they|them)\b",
        "it/its/that": r"\b(?:it|its|that)\b", "there": r"\bthere\b", "and ...?": r"^and\b", "what about": r"^what about\b",
        "why?": r"^why\?$",
    }
    counts = {name: sum(bool(re.search(p, q)) for q in finals) for name, p in kinds.items()}
    assert all(n >= 2 for n in counts.values()), counts
    assert sum(bool(d["turns"][-1].get("clarify")) for d in DIALOGUES) >= 3
    assert sum(len(d["turns"]) == 3 for d in DIALOGUES) >= 6


def test_the_dialogues_are_not_one_template():
    openings = Counter(" ".join(d["turns"][-1]["question"].split()[:2]).lower() for d in DIALOGUES)
    assert len(openings) >= 25 and openings.most_common(1)[0][1] <= 6, openings.most_common(5)


# ---- playing the dialogues (real engine, slow) ----------------------------------------------------------------------
# Measured with bench/bench_dialogues.py when written (see its output for the wrong turns and their causes: most are
# the answerer's, or an earlier answer's, not the rewrite's). Raise these as the answers improve.
FINAL_TURNS_RIGHT_FLOOR = 59  # of 62 (90%, the bar, is 56), measured 59 (bench/bench_dialogues.py)
STANDALONE_CHECKS_FLOOR = 54  # of 56, measured 54


@pytest.fixture(scope="module")
def played(seed_engine, squad_v1_settings, models):
    """Every dialogue played once through a fresh ``Conversation``: dialogue -> the answers of its turns."""
    from bot.chat.conversation import Conversation
    from bot.engine import Engine

    engines = {"seed": seed_engine, "squad_v1.1": Engine(squad_v1_settings, models)}
    runs = {}
    for dialogue in DIALOGUES:
        conversation = Conversation(engines[dialogue["corpus"]])
        runs[dialogue["id"]] = [conversation.ask(turn["question"]) for turn in dialogue["turns"]]
    return runs


@pytest.mark.slow
def test_final_turns_are_answered_as_the_set_says_at_the_measured_level(played):
    from bot.evaluate import contains

    wrong = []
    for dialogue in DIALOGUES:
        turn, answer = dialogue["turns"][-1], played[dialogue["id"]][-1]
        if turn.get("clarify"):
            right = answer.kind == "clarify"
        elif turn.get("unanswerable"):
            right = not answer.answerable
        else:
            right = answer.answerable and contains(answer.answer, tuple(turn["answers"]))
        if not right:
            wrong.append(f"{dialogue['id']}: {answer.standalone_question!r} -> {answer.answer[:60]!r}")
    right = len(DIALOGUES) - len(wrong)
    assert right >= FINAL_TURNS_RIGHT_FLOOR, f"{right}/{len(DIALOGUES)} final turns right; wrong: " + "; ".join(wrong)


@pytest.mark.slow
def test_follow_ups_are_rewritten_or_asked_back_as_the_set_says(played):
    checked, wrong = 0, []
    for dialogue in DIALOGUES:
        for turn, answer in list(zip(dialogue["turns"], played[dialogue["id"]]))[1:]:
            if turn.get("clarify"):
                ok = answer.kind == "clarify" and answer.retrieved == ()
            elif turn.get("standalone_contains"):
                ok = answer.kind != "clarify" and all(
                    k.lower() in answer.standalone_question.lower() for k in turn["standalone_contains"])
            else:
                continue
            checked += 1
            if not ok:
                wrong.append(f"{dialogue['id']}: {turn['question']!r} -> {answer.standalone_question!r} ({answer.kind})")
    assert checked - len(wrong) >= STANDALONE_CHECKS_FLOOR, f"{checked - len(wrong)}/{checked}; wrong: " + "; ".join(wrong)


@pytest.mark.slow
def test_every_follow_up_with_nothing_to_point_to_is_asked_back(played):
    for dialogue in DIALOGUES:
        for turn, answer in zip(dialogue["turns"], played[dialogue["id"]]):
            if turn.get("clarify"):
                assert answer.kind == "clarify" and not answer.answerable, (dialogue["id"], answer.answer)
