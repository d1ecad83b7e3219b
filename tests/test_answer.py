"""The extractive answerer: short answers with exact citations, refusals, bad questions, the phrase finder."""

from __future__ import annotations

import pytest

from tests.conftest import ANSWER_KEYS, CITATION_KEYS

from bot.engine import clean_question
from bot.answer import REFUSAL
from bot.corpus import load_corpus
from bot.errors import QuestionError



@pytest.fixture(scope="module")
def seed_text(seed_settings):
    return load_corpus(seed_settings.corpus.dir).articles[0].text


def test_trip_to_vladivostok_is_answered_with_the_twenty_hours_and_cited(seed_engine, seed_text):
    answer = seed_engine.ask("How long does the trip to Vladivostok take?")
    assert answer.answerable and answer.kind == "answer"
    assert "20" in answer.answer and len(answer.answer.split()) <= 12
    first = answer.citations[0]
    assert "20 hours" in first.quote or "20-hour" in first.quote
    assert answer.answer in first.quote  # the short answer is a phrase of the sentence cited first


@pytest.mark.parametrize("question, expected", [
    ("How many specialized carriages does North Korea have?", "90"),
    ("Who revealed that Putin travels by armored train?", "Gleb Karakulov"),
    ("Which forum is Putin expected to attend in Vladivostok?", "Eastern Economic Forum"),
    ("In what year did Kim Il Sung fly to the Soviet Union?", "1986"),
])
def test_seed_questions_get_short_answers_that_are_phrases_of_the_first_citation(seed_engine, question, expected):
    answer = seed_engine.ask(question)
    assert expected in answer.answer
    assert len(answer.answer.split()) <= 8
    assert answer.answer in answer.citations[0].quote


@pytest.mark.parametrize("question", [
    "What is the capital of France?",
    "How tall is the Eiffel Tower?",
    "Who won the 2018 football World Cup?",
    "What is the boiling point of mercury?",
])
def test_clearly_unanswerable_questions_are_refused_with_related_passages(seed_engine, seed_text, question):
    answer = seed_engine.ask(question)
    assert not answer.answerable and answer.kind == "refusal"
    assert answer.answer == REFUSAL and answer.citations == ()
    assert answer.score < seed_engine.settings.answer.refusal_threshold
    for related in answer.related:
        assert seed_text[related.start:related.end] == related.quote


def test_every_citation_is_an_exact_slice_of_its_article(seed_engine, seed_text):
    questions = ["Where did Kim and Putin meet in 2019?", "How old is Kim Jong Un?", "What bird is Kim's plane named after?",
                 "What color is Putin's car?", "How many times did Kim travel to China in 2018 and 2019?"]
    for question in questions:
        answer = seed_engine.ask(question)
        for citation in answer.citations + answer.related:
            assert seed_text[citation.start:citation.end] == citation.quote
            assert citation.chunk_text[citation.start - citation.chunk_start:citation.end - citation.chunk_start] == citation.quote


def test_json_of_an_answer_and_of_a_refusal_has_every_field(seed_engine):
    answered = seed_engine.ask("How old is Kim Jong Un?").to_json()
    refused = seed_engine.ask("What is the capital of France?").to_json()
    for data in (answered, refused):
        assert set(data) == ANSWER_KEYS
        for citation in data["citations"] + data["related"]:
            assert set(citation) == CITATION_KEYS
    assert answered["answerable"] and answered["citations"] and answered["timings_ms"]["total_ms"] > 0
    assert {"retrieve_ms", "rerank_ms", "answer_ms"} <= set(answered["timings_ms"])
    assert not refused["answerable"] and refused["citations"] == [] and refused["related"]


@pytest.mark.parametrize("question, message", [
    ("", "empty question"),
    ("   \t  ", "empty question"),
    ("\x00\x07\x1b\x7f", "empty question"),
    ("x" * 100_000, "too long"),
])
def test_bad_questions_raise_one_line_question_errors(seed_engine, question, message):
    with pytest.raises(QuestionError) as caught:
        seed_engine.ask(question)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_control_characters_inside_a_question_become_spaces():
    assert clean_question("How old\x00is\tKim\x1b[31m?", 2000) == "How old is Kim [31m?"
    with pytest.raises(QuestionError):
        clean_question(None, 2000)


def test_follow_up_is_answered_from_its_standalone_form(seed_engine):
    answer = seed_engine.ask("How old is he?", standalone="How old is Kim Jong Un?")
    assert answer.question == "How old is he?" and answer.standalone_question == "How old is Kim Jong Un?"
    assert "39" in answer.answer


@pytest.fixture(scope="module")
def reader(models):
    return models.qa_model


def phrase(reader, question: str, sentence: str) -> str:
    """The answer the reading model finds for ``question`` in ``sentence`` alone (default settings)."""
    from bot.settings import AnswerSettings

    return reader.read(question, [sentence], AnswerSettings().answer_coverage)[0].text


@pytest.mark.parametrize("question, sentence, expected", [
    ("How many buildings did the fire destroy?",
     "In just eight hours, the fire swept through 146 city blocks and destroyed over 2,000 buildings.", "2,000"),
    ("When did the strike end?", "The strike ended on 4 March 1985, after almost a year.", "4 March 1985"),
    ("Who founded the company?", "The company was founded by Ada Lovelace in a small workshop.", "Ada Lovelace"),
    ("Why did the council close the road?", "The council closed the road because the bridge was unsafe.", "the bridge was unsafe"),
    ("Which countries signed the treaty?", "The treaty was signed by France and Germany in 1963.", "France and Germany"),
    ("How long does the trip to Vladivostok take?",
     "The armored train needs about 20 hours to reach Vladivostok from the border.", "20 hours"),
])
def test_the_phrase_answering_a_question_is_picked_out_of_its_sentence(reader, question, sentence, expected):
    answer = phrase(reader, question, sentence)
    assert expected in answer and len(answer.split()) <= len(expected.split()) + 3


def test_a_sentence_that_answers_outscores_one_that_does_not(reader):
    readings = reader.read("Who founded the company?", [
        "The weather was fine that spring and the shop stayed open late.",
        "The company was founded by Ada Lovelace in a small workshop.",
    ])
    assert readings[1].score > readings[0].score
    for reading, sentence in zip(readings, ["The weather was fine that spring and the shop stayed open late.",
                                            "The company was founded by Ada Lovelace in a small workshop."]):
        assert reading.text and sentence[reading.start:reading.end] == reading.text  # a real slice, never empty


def test_one_reading_of_a_chunk_answers_in_the_sentence_that_holds_the_answer(reader):
    chunk = ("The mill opened in 1882 on the river bank. It was founded by Ada Lovelace's cousin, Henry Byron, "
             "with money from the county. Floods closed it twice in the 1920s.")
    passage = reader.read_passages("Who founded the mill?", [chunk])[0]
    best = passage.span()
    assert "Henry Byron" in best.text and chunk[best.start:best.end] == best.text
    first_sentence = passage.span(0, chunk.index(" It was"))
    assert first_sentence is not None and first_sentence.end <= chunk.index(" It was")
    assert first_sentence.score < best.score
    assert passage.span(len(chunk), len(chunk)) is None  # no token there


def test_reading_windows_hold_each_sentence_with_its_neighbours_and_merge_overlaps():
    from bot.answer.extractive import Sentence
    from bot.answer.windows import reading_windows
    from bot.text import sentence_spans
    from bot.types import Chunk, Evidence

    text = "One fact. Two facts. Three facts. Four facts. Five facts. Six facts."
    chunk = Chunk(id="a#0", article_id="a", index=0, start=100, end=100 + len(text), text=text)
    spans = sentence_spans(text)
    pool = [Sentence(Evidence(chunk, 1.0), 0, 100 + a, 100 + b, text[a:b]) for a, b in (spans[1], spans[2], spans[5])]
    alone = reading_windows(pool, 0)  # neighbouring sentences are read together, once
    assert [w.text for w in alone] == ["Two facts. Three facts.", "Six facts."]
    assert all(any(w.holds(s) for w in alone) for s in pool)
    assert [w.text for w in reading_windows(pool[:1], 1)] == ["One fact. Two facts. Three facts."]
    assert [w.text for w in reading_windows(pool, None)] == [text]  # None: the whole chunk
