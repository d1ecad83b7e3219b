"""A follow-up is not answered with what was already answered, and is answered about what it put in
(bot.answer.beyond)."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

from bot.answer.beyond import (
    NEAR_PREVIOUS_PRIOR, OFF_FOCUS_PENALTY, REPEAT_PENALTY, beyond, focus_heads, near_previous, on_focus, repeats,
)
from bot.answer.span import Span
from bot.text import stem

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


def test_a_phrase_inside_a_long_answer_given_before_is_not_a_repeat():
    """A previous answer that ran to a clause ("... from US$3 per barrel to nearly $12") does not rule out every
    phrase in it; a short one rules out its parts ("Wacca" of "Wacca Pilatka")."""
    long_answer = "the price of oil had risen from US$3 per barrel to nearly $12 globally"
    assert not repeats("nearly $12", (long_answer,)) and repeats(long_answer + " by then", (long_answer,))


SEMINOLE = "The road crossed the river at a narrow point, which the Seminole called Wacca Pilatka and the British called the Cow Ford."


def _parsed_phrase(text: str, score: float, **features) -> Span:
    start = SEMINOLE.index(text)
    return Span(start, start + len(text), text, score, {"constituent": 1.0, **features})


def test_an_elliptic_follow_up_is_answered_right_after_what_it_swapped_in():
    """"And the British?" after "What did the Seminole call it?" / "Wacca Pilatka": of the sentence's other phrases, the
    one right after "the British", not the phrase model's favourite, nor one restating the question's verb."""
    sentence = _Sentence(SEMINOLE, "Wacca Pilatka", 5.0, [
        _parsed_phrase("Wacca Pilatka", 1.0), _parsed_phrase("the river", 0.5),
        _parsed_phrase("called the Cow Ford", 0.4, has_anchor=1.0, verb=1.0), _parsed_phrase("the Cow Ford", -1.0)])
    beyond([sentence], ("Wacca Pilatka", "Seminole"), ("the British",), elliptic=True)
    assert sentence.answer == "the Cow Ford"
    sentence.answer = "Wacca Pilatka"
    beyond([sentence], ("Wacca Pilatka", "Seminole"), ("the British",), elliptic=False)  # a pronoun's referent: no place
    assert sentence.answer == "the river"


@dataclass
class _Evidence:
    name: str


def _in_article(text: str, evidence: _Evidence, start: int, score: float):
    sentence = _Sentence(text, "", score)
    sentence.evidence, sentence.start, sentence.end = evidence, start, start + len(text)
    return sentence


def test_sentences_not_about_what_the_follow_up_put_in_rank_below_those_that_are():
    article = _Evidence("oil")
    heath = _in_article("Heath asked the British to heat only one room in their houses.", article, 0, 3.7)
    sweden = _in_article("Sweden rationed gasoline and heating oil.", article, 70, 0.5)
    after = _in_article("It also banned driving on Sundays.", article, 112, 0.2)
    pointing = _in_article("This hit its car makers.", article, 150, 0.1)
    sentences = [heath, sweden, after, pointing]
    pool = on_focus([heath, sweden, after, pointing], sentences, ("Sweden",), elliptic=True)
    assert pool[0] is sweden and heath.score == 3.7 - OFF_FOCUS_PENALTY[True]
    assert after.score == 0.2 - OFF_FOCUS_PENALTY[True]  # "It" is not "this": no pointing back
    assert pointing.score == 0.1 - OFF_FOCUS_PENALTY[True]  # it points back to a sentence not naming Sweden
    nobody = _in_article("Norway banned flying.", article, 0, 1.0)
    assert on_focus([nobody], [nobody], ("Sweden",)) == [nobody] and nobody.score == 1.0  # none is about it


@pytest.mark.parametrize("focus, elliptic, heads", [
    (("Börte of the Onggirat tribe",), False, {"börte"}), (("Chu'Tsai's",), False, {"chu", "tsai"}),
    (("the third train",), True, {"train"}), (("a large-scale construction job",), False, None),
    (("Kim Jong Un", "Vladimir Putin"), False, set()),
    (("the United States pulled out of the Bretton Woods Accord on August 15, 1971",), False, set()),
])
def test_the_focus_is_named_by_the_head_of_the_phrase_put_in(focus, elliptic, heads):
    found = focus_heads(focus, elliptic)
    if heads is None:
        assert {stem("job"), stem("construction")} <= found
    else:
        assert found == {stem(h) for h in heads}


def test_what_a_pronoun_stood_for_inside_the_answer_given_is_all_that_was_given():
    # "Which city ...?" -> "Hanoi, Vietnam"; "What country is it in?" ("it" = Hanoi): Vietnam is news, Hanoi is not
    text = "Kim met Trump in Hanoi, Vietnam."

    def phrase(words: str, score: float) -> Span:
        return Span(text.index(words), text.index(words) + len(words), words, score)

    sentence = _Sentence(text, "Vietnam", 2.0, [phrase("Vietnam", 1.0)])
    assert beyond([sentence], ("Hanoi, Vietnam",), ("Hanoi",)) == [sentence]
    assert sentence.answer == "Vietnam" and sentence.score == 2.0
    again = _Sentence(text, "Hanoi", 2.0, [phrase("Hanoi", 1.0), phrase("Trump", 0.5)])
    beyond([again], ("Hanoi, Vietnam",), ("Hanoi",))
    assert again.answer == "Trump"


def test_the_sentences_the_previous_answer_cited_and_their_neighbours_rank_higher():
    chunk = SimpleNamespace(article_id="a")
    sentences = [SimpleNamespace(evidence=SimpleNamespace(chunk=chunk), start=s, end=s + 10, score=0.0, formed=True,
                                 answer="Xi Jinping") for s in (0, 10, 20, 30, 40)]
    cited = (SimpleNamespace(article_id="a", start=20, end=30),)
    pool = near_previous(list(sentences), sentences, cited)
    assert [s.score for s in sentences] == [0.0, NEAR_PREVIOUS_PRIOR, NEAR_PREVIOUS_PRIOR, NEAR_PREVIOUS_PRIOR, 0.0]
    assert {s.start for s in pool[:3]} == {10, 20, 30}
    assert near_previous(list(sentences), sentences, ()) == sentences  # no follow-up: unchanged


def test_a_sentence_near_the_previous_answer_without_an_answer_of_the_asked_form_is_not_raised():
    chunk = SimpleNamespace(article_id="a")
    untyped = SimpleNamespace(evidence=SimpleNamespace(chunk=chunk), start=0, end=10, score=0.0, formed=False,
                              answer="a U.S. official")
    near_previous([untyped], [untyped], (SimpleNamespace(article_id="a", start=0, end=10),))
    assert untyped.score == 0.0


def test_a_sentence_near_the_previous_answer_whose_answer_restates_the_question_is_not_raised():
    chunk = SimpleNamespace(article_id="a")
    restating = SimpleNamespace(evidence=SimpleNamespace(chunk=chunk), start=0, end=10, score=0.0, formed=True,
                                answer="the United States unilaterally pulled out of the Bretton Woods Accord")
    near_previous([restating], [restating], (SimpleNamespace(article_id="a", start=0, end=10),),
                  "Which country followed after the United States pulled out of the Bretton Woods Accord?")
    assert restating.score == 0.0
