"""Answers read as answers: complete phrases, no datelines, sentences for "why" (spaCy, no other model)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.answer.digest import reassembled, wants_summary
from bot.answer.qtype import question_profile
from bot.answer.phrase import complete_phrase, day_alone, unquoted, whole_entities
from bot.answer.shape import acted, as_sentence_answer, asks_action, dateline_end, gives_reason, points_back, wants_sentence
from bot.answer.span import candidates
from bot.types import Chunk


@pytest.mark.parametrize("sentence, body", [
    ("Colombia (CNN) Gustavo Petro will become Colombia's president.", "Gustavo Petro will become"),
    ("LONDON, March 5 (Reuters) - Shares fell.", "Shares fell."),
    ("April 8, 2024 — The launch was delayed.", "The launch was delayed."),
    ("WASHINGTON — Officials said so.", "Officials said so."),
    ("Kim may repeat his trip - a long one.", "Kim may repeat"),
    ("The U.S. - China talks resumed.", "The U.S."),
])
def test_a_dateline_is_never_part_of_the_answer(sentence, body):
    assert sentence[dateline_end(sentence):].startswith(body)


@pytest.mark.parametrize("question, sentence", [
    ("Why is the train significant?", True), ("What happened in Vladivostok?", True),
    ("Explain the delay.", True), ("What was the reason for the delay?", True),
    ("How many carriages are there?", False), ("How did he die?", False), ("Who met Putin?", False),
    ("What does Yang Moo-jin say about Kim's visit?", True), ("What did the official reveal?", True),
    ("What did he say was the cause?", False), ("What did Kim say to do?", False),
    ("What did he say to reporters?", True),
    ("What did Konstantin Pulikovsky say the train carried?", False),  # asks what the train carried
    # yes or no: the sentence that settles it; a choice names its answer
    ("Has Kim's plane ever flown as far as its maximum range?", True), ("Did Kim meet Trump in Hanoi?", True),
    ("Is the train armored or not?", False),
])
def test_questions_no_phrase_answers_get_a_sentence(question, sentence):
    assert wants_sentence(question) is sentence


def test_a_sentence_that_points_back_needs_the_one_before():
    assert points_back("This development is significant, as it suggests a shift.")
    assert not points_back("It was during one of these journeys that he died.")  # a cleft stands alone


@pytest.mark.parametrize("question, sentence, reader_span, expected", [
    ("How many specialized carriages does North Korea have?",
     "South Korean media outlets have reported that North Korea possesses a total of 90 specialized carriages "
     "and operates three trains simultaneously.",
     "a total of 90", "a total of 90 specialized carriages"),
    ("How many specialized carriages does North Korea have?",
     "South Korean media outlets have reported that North Korea possesses a total of 90 specialized carriages "
     "and operates three trains simultaneously.",
     "90 specialized carriages and operates three", "90 specialized carriages"),
    ("Who will become president?", "Colombia (CNN) Gustavo Petro will become Colombia's next president.",
     "Colombia (CNN) Gustavo Petro", "Gustavo Petro"),
    ("Developments in which sciences shaped pharmacology?",
     "Advances made in the Middle East in botany and chemistry led medicine in medieval Islam to develop pharmacology.",
     "botany and chemistry", "botany and chemistry"),
    # two verbs joined are one phrase: only a noun's phrase running into a second verb is cut
    ("What is the current status of the Haensch study?",
     "The results of the Haensch study have since been confirmed and amended.",
     "confirmed and amended", "have since been confirmed and amended"),
    # the reader's first word stays: a span is not shifted onto a phrase of its tail
    ("Who ordered the attack on the caravan?",
     "Inalchuq, the governor of the Khwarezmian city of Otrar, attacked the caravan.",
     "Inalchuq, the governor", "Inalchuq, the governor"),
    # a span does not end on the auxiliary that opens the rest of the clause
    ("What type of steam engine doesn't need valves?",
     "An oscillating cylinder steam engine is a variant of the simple expansion steam engine.",
     "An oscillating cylinder steam engine is", "An oscillating cylinder steam engine"),
    # a constituent of the span's head does not drop the name it ends on
    ("What is the Iñigo Quintero song that topped the chart?",
     "Spanish artist Iñigo Quintero’s Si No Estás rose to the top of Spotify‘s Global Top 50 in late October.",
     "Iñigo Quintero’s Si No Estás", "Iñigo Quintero’s Si No Estás"),
])
def test_a_short_answer_is_a_complete_phrase(nlp, question, sentence, reader_span, expected):
    doc = nlp(sentence)
    start = sentence.index(reader_span)
    phrases = candidates(doc, question_profile(question, nlp))
    a, b = complete_phrase(doc, start, start + len(reader_span), phrases)
    assert sentence[a:b] == expected


def test_a_span_that_opens_inside_a_possessive_ending_starts_after_it(nlp):
    # the reader's word pieces split "Il’s" into "Il", "’", "s": its span may open at that "s"
    sentence = ("It was during one of these train journeys in 2011 that North Korea’s state media reported Kim Jong Il’s "
                "sudden demise due to a heart attack.")
    doc = nlp(sentence)
    start = sentence.index("s sudden")
    a, b = whole_entities(doc, start, len(sentence) - 1)
    assert sentence[a:b] == "sudden demise due to a heart attack"


@pytest.mark.parametrize("question, summary", [
    ("Summarize the article.", True), ("What is this story about?", True), ("What are the main points?", True),
    ("tl;dr", True), ("Who wrote the summary report?", True), ("Who met Putin?", False),
])
def test_summary_questions_are_recognised(question, summary):
    assert wants_summary(question) is summary


def test_an_article_rebuilt_from_its_chunks_keeps_every_offset():
    text = "First paragraph here.\n\nSecond one, longer. It goes on."
    chunks = [Chunk("a#0", "a", 0, 0, 21, text[0:21]), Chunk("a#1", "a", 1, 23, len(text), text[23:])]
    rebuilt = reassembled(chunks)
    assert len(rebuilt) == len(text) and rebuilt[23:] == text[23:] and rebuilt[:21] == text[:21]


@pytest.mark.parametrize("span, words", [
    ("as \u201cChammae-1", "Chammae-1"), ("\u201cChammae-1,\u201d", "Chammae-1"), ("called \u2018Air Koryo\u2019", "Air Koryo"),
    ("plain words", "plain words"), ("known as \u201cX\u201d and more", "known as \u201cX\u201d and more"),
    ("IL-62, known as \u201cChammae-1", "Chammae-1"),  # the name a span ends on
    ("Chammae-1,\u201d named after the goshawk", "named after the goshawk"),  # not the tail of a quotation
])
def test_a_quoted_name_is_answered_without_its_quote_marks(span, words):
    start, end = unquoted(span, 0, len(span))
    assert span[start:end] == words


def test_an_answer_never_opens_with_of_nor_ends_on_a_preposition(nlp):
    sentence = ("In a significant diplomatic move, when Kim Jong-un embarked on his journey to the city of Dalian in "
                "northeastern China in 2018 to meet with President Xi Jinping, it marked a historic occasion.")
    doc = nlp(sentence)
    start = sentence.index("of Dalian")
    profile = question_profile("Which Chinese city did Kim Jong-un visit in 2018 to meet Xi Jinping?", nlp)
    a, b = complete_phrase(doc, start, sentence.index(" 2018"), candidates(doc, profile))
    assert sentence[a:b] == "Dalian in northeastern China"


@pytest.mark.parametrize("question, sentence", [
    ("How does construction differ from manufacturing?", True), ("How is a PhT different from a pharmacist?", True),
    ("How do the two trains compare?", True), ("How does the train differ?", True), ("How did he travel?", False),
])
def test_a_comparison_is_answered_with_a_sentence(question, sentence):
    assert wants_sentence(question) is sentence


@dataclass
class _Sentence:
    evidence: object
    start: int
    end: int
    text: str
    answer: str = ""


@dataclass
class _Evidence:
    chunk: Chunk


def _sentences_of(chunk: Chunk) -> list[_Sentence]:
    out, at, evidence = [], 0, _Evidence(chunk)
    for text in chunk.text.split("\n"):
        out.append(_Sentence(evidence, chunk.start + at, chunk.start + at + len(text), text))
        at += len(text) + 1
    return out


def test_a_why_answer_that_gives_no_reason_comes_with_the_sentence_before_it():
    """"Why did Genghis Khan gather 100,000 soldiers?": the sentence restating the question gives no reason; the one
    before it does. A sentence that gives one ("because ...") stands alone, and other questions are not joined."""
    chunk = Chunk(id="c", article_id="g", index=0, title="Genghis Khan", start=0, end=0, text=(
        "Genghis Khan\nThis was seen as an affront and insult to Genghis Khan.\n"
        "Outraged, Genghis Khan planned one of his largest invasion campaigns by organizing around 100,000 soldiers.\n"
        "Genghis Khan gathered them because the envoys had been killed."))
    title, affront, outraged, because = _sentences_of(chunk)
    joined = as_sentence_answer(outraged, [title, affront, outraged, because], why=True)
    assert joined.answer == chunk.text[affront.start: outraged.end] and joined.start == affront.start
    assert as_sentence_answer(because, [title, affront, outraged, because], why=True).answer == because.text
    assert as_sentence_answer(outraged, [title, affront, outraged, because], why=False).answer == outraged.text
    assert as_sentence_answer(affront, [title, affront], why=True).answer == affront.text  # never joined to a title
    assert gives_reason(because.text) and not gives_reason(outraged.text)


@pytest.mark.parametrize("question, sentence, short, expected", [
    ("What did Sweden do?", "Sweden rationed gasoline and heating oil.", "gasoline and heating oil",
     "rationed gasoline and heating oil"),
    ("What did Heath ask the Swedes to do?", "Sweden rationed gasoline and heating oil.", "Sweden", "Sweden"),
    ("What did Sweden ration?", "Sweden rationed gasoline and heating oil.", "gasoline and heating oil",
     "gasoline and heating oil"),
])
def test_what_someone_did_is_answered_with_the_verb(nlp, question, sentence, short, expected):
    answer = acted(nlp(sentence), short) if asks_action(question) else short
    assert answer == expected


def test_a_why_answer_comes_with_a_next_sentence_that_points_back_and_gives_the_reason():
    chunk = Chunk(id="c", article_id="k", index=0, title="Kim", start=0, end=0, text=(
        "Putin, following his decision to invade Ukraine in early 2022, has opted to avoid air travel altogether.\n"
        "Instead, he now exclusively utilizes a specially designed armored train for his journeys.\n"
        "This change in transportation method reflects the heightened security concerns surrounding Putin."))
    avoided, train, change = _sentences_of(chunk)
    joined = as_sentence_answer(avoided, [avoided, train, change], why=True)
    assert joined.answer == chunk.text and joined.end == change.end
    # "opted to avoid" is what he chose, not why; "reflects the ... concerns" is why
    assert not gives_reason(avoided.text) and gives_reason(change.text)
    assert as_sentence_answer(avoided, [avoided, train], why=True).answer == avoided.text


@pytest.mark.parametrize("text, span, expected", [
    ("The board removed him on Tuesday, two months after he announced the cuts.", "on Tuesday, two months", "on Tuesday"),
    ("They were rescued on Thursday, four days after the boat sank.", "Thursday, four days", "Thursday"),
    ("The talks began on Monday, April 3, in Paris.", "Monday, April 3", "Monday, April 3"),  # one date: kept
])
def test_a_day_is_not_run_on_into_the_interval_after_its_comma(text, span, expected):
    start = text.index(span)
    a, b = day_alone(text, start, start + len(span))
    assert text[a:b] == expected
