"""A sentence that states the question's own relation, with an answer of the asked kind, answers it even when the
answerability model would refuse; not a negated question, nor one naming what the retrieved article does not."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.answer.answerability import STATED_DEPTH, retrieved_by_article, stated_answer

BORDERS = "The decision to close the borders of his beloved land in the early months of 2020 was necessary."


def sentence(features, fits=True, article="seed", text=BORDERS, described=False):
    chunk = SimpleNamespace(article_id=article, text=text)
    return SimpleNamespace(features=features, fits=fits, evidence=SimpleNamespace(chunk=chunk), described=described)


STATES = {"predicate": 1.0, "typed_numeric": 1.0}
RETRIEVED = {"seed": "north korea's leader ... " + BORDERS.lower()}


def test_a_sentence_stating_the_asked_relation_with_an_answer_of_the_asked_kind_answers():
    found = sentence(STATES)
    pool = [sentence({"typed": 1.0}), found]
    assert stated_answer(pool, "When did North Korea close its borders?", frozenset({("north", "korea")}), RETRIEVED) \
        is found


@pytest.mark.parametrize("question, names, features, fits", [
    ("When did North Korea not close its borders?", {("north", "korea")}, STATES, True),  # negated
    ("When did South Korea close its borders?", {("south", "korea")}, STATES, True),  # named nowhere retrieved
    ("When did North Korea close its borders?", {("north", "korea")}, {"typed_numeric": 1.0}, True),  # no predicate
    ("When did North Korea close its borders?", {("north", "korea")}, {"predicate": 1.0}, True),  # no date in it
    ("When did North Korea close its borders?", {("north", "korea")}, STATES, False),  # not of the asked form
])
def test_no_sentence_states_the_answer_otherwise(question, names, features, fits):
    assert stated_answer([sentence(features, fits)], question, frozenset(names), RETRIEVED) is None


def test_a_sentence_describing_what_the_question_asks_described_states_the_answer():
    """"How does the writer describe X?": a sentence close to the best match that puts describing words on X answers
    though the model would refuse (``Sentence.described``); but not when a name of the question was retrieved nowhere."""
    found = sentence({}, described=True)
    assert stated_answer([sentence({}), found], "How does the writer describe North Korea's decision?",
                         frozenset({("north", "korea")}), RETRIEVED) is found
    assert stated_answer([found], "How does the writer describe South Korea's decision?",
                         frozenset({("south", "korea")}), RETRIEVED) is None


def test_only_a_sentence_near_the_top_may_state_the_answer():
    pool = [sentence({}) for _ in range(STATED_DEPTH)] + [sentence(STATES)]
    assert stated_answer(pool, "When did North Korea close its borders?", frozenset({("north", "korea")}), RETRIEVED) \
        is None


def test_an_articles_retrieved_chunks_are_read_together():
    chunks = [SimpleNamespace(chunk=SimpleNamespace(article_id=a, text=t)) for a, t in
              [("a", "North Korea"), ("b", "Other"), ("a", "Borders")]]
    assert retrieved_by_article(chunks) == {"a": "\nnorth korea\nborders", "b": "\nother"}
