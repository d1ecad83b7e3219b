"""An elliptic follow-up is not answered with what was already answered (bot.answer.beyond)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.answer.beyond import REPEAT_PENALTY, beyond, repeats
from bot.answer.span import Span

SENTENCE = "The non-Hispanic white share fell to 55.1% in 2010, down from 75.8% in 1970."


@dataclass
class _Sentence:
    text: str
    answer: str
    score: float
    phrases: list = field(default_factory=list)


def _phrase(text: str, score: float) -> Span:
    start = SENTENCE.index(text)
    return Span(start, start + len(text), text, score)


def test_an_answer_repeating_one_already_given_is_matched_by_whole_words():
    assert repeats("from 75.8% in 1970", ("75.8%",))
    assert repeats("Wacca", ("Wacca Pilatka",))
    assert not repeats("55.1%", ("75.8%",)) and not repeats("Seminoles", ("Seminole",))


def test_the_sentence_answers_with_its_best_other_phrase_and_ranks_a_little_lower():
    repeating = _Sentence(SENTENCE, "from 75.8% in 1970", 3.0, [_phrase("75.8%", 1.0), _phrase("55.1%", 0.5),
                                                               _phrase("in 2010", 0.2)])
    other = _Sentence("Another sentence.", "another", 2.5)
    pool = beyond([repeating, other], ("75.8%", "1970"))
    assert repeating.answer == "55.1%" and repeating.score == 3.0 - REPEAT_PENALTY
    assert pool == [other, repeating]


def test_a_sentence_with_nothing_else_to_say_drops_out_and_nothing_given_changes_nothing():
    only = _Sentence(SENTENCE, "75.8%", 3.0, [_phrase("75.8%", 1.0)])
    assert beyond([only], ("75.8%",)) == []
    assert beyond([only], ()) == [only] and only.answer == "75.8%"
