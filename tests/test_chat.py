"""The conversation layer: follow-up rewriting (real spaCy), small talk, reset, streaming, bad input.

The rewriter tests give a fixed history (earlier standalone question, its answer
or None when refused), so they specify the rewrite independently of how good
the answers are. The ``Conversation`` tests use the real engine on the seed
article.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.chat.conversation import ENGLISH_ONLY_REPLY, RESET_REPLY, Conversation
from bot.types import Done, Status, Token
from bot.errors import QuestionError
from bot.chat.rewrite import rewrite_follow_up

MEET = ("Where did Kim and Putin meet in 2019?", "Vladivostok")
FATHER = ("Who was Kim Jong Un's father?", "Kim Jong Il")


RESOLVED = [
    # pronouns for people, groups, places
    ([MEET], "How long did it take him to get there?", "How long did it take Kim to get to Vladivostok?"),
    ([MEET], "When did they last meet?", "When did Kim and Putin last meet?"),
    ([MEET], "What happened there?", "What happened in Vladivostok?"),
    ([MEET], "Who was there?", "Who was in Vladivostok?"),
    ([MEET], "What did they discuss there?", "What did Kim and Putin discuss in Vladivostok?"),
    ([FATHER], "When did he die?", "When did Kim Jong Il die?"),
    ([FATHER], "How many trips abroad did he make during his rule?",
     "How many trips abroad did Kim Jong Il make during Kim Jong Il's rule?"),
    ([("Who revealed that Putin travels by train?", "Gleb Karakulov")], "Who does he work for?",
     "Who does Gleb Karakulov work for?"),
    ([("Who did Kim meet in Singapore?", "Donald Trump")], "How did he get there?", "How did Kim get to Singapore?"),
    ([("Who did Kim meet in Singapore?", "Donald Trump")], "What did they discuss?", "What did Kim and Donald Trump discuss?"),
    ([("When did Kim travel to Dalian?", "2018")], "Who did he meet there?", "Who did Kim meet in Dalian?"),
    ([("Why did Kim go to Vladivostok?", None)], "What did he do there?", "What did Kim do in Vladivostok?"),
    ([("Where did Kim meet Putin?", "Vladivostok")], "Where did Kim meet him?", "Where did Kim meet Putin?"),
    # it / its
    ([("What is the name of Kim's plane?", "Chammae-1")], "How many people can it carry?", "How many people can Kim's plane carry?"),
    ([("How many people can Kim's plane carry?", "approximately 200")], "What is its maximum range?",
     "What is Kim's plane's maximum range?"),
    ([("What is the range of the plane?", "about 9,200 kilometers")], "How far can it fly?", "How far can the plane fly?"),
    ([("What is Kim Jong Un's plane's maximum range?", "about 9,200 kilometers")], "What bird is it named after?",
     "What bird is Kim Jong Un's plane named after?"),
    ([("What is North Korea's national bird?", "the goshawk")], "What is its capital?", "What is North Korea's capital?"),
    ([("What does the train carry?", "expensive French wine")], "How much wine was on it?", "How much wine was on the train?"),
    ([("Does the train have a kitchen?", None)], "Does it have televisions?", "Does the train have televisions?"),
    ([("How many trains does North Korea operate?", "three")], "What do they carry?", "What do the trains carry?"),
    # a leading "and"/"so" goes when something was resolved
    ([MEET], "And how long did it take him to get there?", "How long did it take Kim to get to Vladivostok?"),
    ([("When did Kim travel to Hanoi?", None)], "So why did he do it?", "Why did Kim do it?"),
]

ELLIPTIC = [
    ([MEET], "And in 2011?", "Where did Kim and Putin meet in 2011?"),
    ([MEET], "What about Trump?", "Where did Kim and Trump meet in 2019?"),
    ([MEET], "Why?", "Why did Kim and Putin meet in 2019?"),
    ([("Who did Kim meet in Dalian?", "Xi Jinping")], "What about Singapore?", "Who did Kim meet in Singapore?"),
    ([("Who did Kim meet in Dalian?", "Xi Jinping")], "And in Singapore?", "Who did Kim meet in Singapore?"),
    ([("When did Kim travel to Dalian?", "2018")], "How about Singapore?", "When did Kim travel to Singapore?"),
    ([("How did Kim Jong Il die?", "a heart attack")], "And when?", "When did Kim Jong Il die?"),
    ([("How did Kim Jong Il die?", "a heart attack")], "And in what year?", "In what year did Kim Jong Il die?"),
    ([("Did Kim fly to Dalian?", None)], "When?", "When did Kim fly to Dalian?"),
    ([("How fast is Kim's train?", None)], "What about Putin's train?", "How fast is Putin's train?"),
    ([("What did Kim Jong Il eat on the train?", "fresh lobster")], "And on the plane?", "What did Kim Jong Il eat on the plane?"),
    ([("How did Kim travel to Hanoi?", "train")], "And to Singapore?", "How did Kim travel to Singapore?"),
]

STANDALONE = [
    # new questions naming their own subject get no old context glued on
    ([MEET], "How old is Kim Jong Un?"),
    ([MEET], "Who is Xi Jinping?"),
    ([MEET], "What is Chammae-1?"),
    ([MEET], "How many carriages are there?"),  # existential "there"
    ([MEET], "Is there a kitchen on the train?"),
    ([MEET], "Is it true that Kim flew to Singapore?"),  # expletive "it"
    ([MEET], "What did Kim Jong Il's train carry?"),
    ([MEET], "Where was Kim Jong Un educated?"),
    ([MEET], "Did Kim say he would go?"),  # "he" is Kim, named in the question
    ([MEET], "Does the train have its own kitchen?"),  # "its" is the train
    ([FATHER], "Which forum is Putin expected to attend in Vladivostok?"),
    ([FATHER], "Why did Putin stop flying?"),
    ([FATHER], "What about flying makes Kim Jong Il nervous?"),  # "what about" with a verb is a whole question
    ([], "How long did it take him to get there?"),  # nothing to resolve against
]


@pytest.mark.parametrize(("history", "question", "expected"), RESOLVED, ids=[c[1] for c in RESOLVED])
def test_pronouns_are_replaced_by_what_they_point_back_to(nlp, history, question, expected):
    assert rewrite_follow_up(question, history, nlp) == expected


@pytest.mark.parametrize(("history", "question", "expected"), ELLIPTIC, ids=[c[1] for c in ELLIPTIC])
def test_elliptic_follow_up_swaps_its_part_into_the_previous_question(nlp, history, question, expected):
    assert rewrite_follow_up(question, history, nlp) == expected


@pytest.mark.parametrize(("history", "question"), STANDALONE, ids=[c[1] for c in STANDALONE])
def test_question_that_stands_alone_is_left_unchanged(nlp, history, question):
    assert rewrite_follow_up(question, history, nlp) == question


def test_expletive_it_is_left_alone_while_the_person_is_resolved(nlp):
    rewritten = rewrite_follow_up("How long did it take him?", [MEET], nlp)
    assert rewritten == "How long did it take Kim?"


def test_question_with_no_topic_of_its_own_borrows_what_the_previous_exchange_established(nlp):
    assert rewrite_follow_up("How long did it take?", [MEET], nlp) == (
        "How long did it take (Kim and Putin met in 2019 in Vladivostok)?"
    )
    assert rewrite_follow_up("When did that happen?", [FATHER], nlp) == (
        "When did that happen (Kim Jong Il was Kim Jong Un's father)?"
    )


def test_antecedents_come_from_the_latest_turn_first(nlp):
    history = [FATHER, ("Where did Kim and Putin meet in 2019?", "Vladivostok")]
    assert rewrite_follow_up("How did he get there?", history, nlp) == "How did Kim get to Vladivostok?"


def test_antecedents_reach_back_past_a_turn_without_people(nlp):
    history = [MEET, ("What does the train carry?", "expensive French wine")]
    assert rewrite_follow_up("When did they meet?", history, nlp) == "When did Kim and Putin meet?"


def test_refused_answer_is_not_used_as_an_antecedent(nlp):
    refused = [("Who did Kim meet in Singapore?", None)]
    assert rewrite_follow_up("When did he arrive there?", refused, nlp) == "When did Kim arrive in Singapore?"


WORDS = ["and", "what", "about", "how", "when", "in", "he", "him", "his", "they", "their", "it", "its", "there",
         "did", "is", "Kim", "Putin", "Moscow", "2011", "the", "train", "?", "...", ",", "'s", "And", "of", "to"]


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=8),
    noise=st.text(min_size=0, max_size=12),
    answer=st.sampled_from(["Vladivostok", "Kim Jong Il", "the two leaders", "2018", "...", None]),
)
def test_rewrite_never_fails_and_never_returns_nothing(nlp, words, noise, answer):
    question = " ".join(words) + noise
    history = [("Where did Kim and Putin meet in 2019?", "Vladivostok"), ("How did he get there?", answer)]
    rewritten = rewrite_follow_up(question, history, nlp)
    assert isinstance(rewritten, str)
    assert rewritten.strip() or not question.strip()


# The conversation on the real engine (seed article).


def test_small_talk_gets_a_short_reply_without_retrieval_or_history(seed_engine):
    conversation = Conversation(seed_engine)
    for text in ("hello", "Thanks!", "thank you so much", "ok", "bye", "help"):
        answer = conversation.ask(text)
        assert answer.kind == "smalltalk", text
        assert not answer.answerable and answer.citations == () and answer.retrieved == ()
        assert answer.answer and len(answer.answer) < 300
    assert conversation.turns == []


@pytest.mark.slow
def test_small_talk_between_questions_does_not_break_the_follow_up(seed_engine):
    conversation = Conversation(seed_engine)
    conversation.ask("Where did Kim and Putin meet in 2019?")
    conversation.ask("thanks")
    follow_up = conversation.ask("How long did it take him to get there?")
    assert len(conversation.turns) == 2
    assert follow_up.question == "How long did it take him to get there?"
    assert "Kim" in follow_up.standalone_question and "him" not in follow_up.standalone_question.split()


@pytest.mark.slow
def test_a_follow_up_is_answered_from_the_passage_the_previous_answer_cited(seed_engine):
    conversation = Conversation(seed_engine)
    conversation.ask("How many times did Kim visit China in 2018 and 2019?")
    follow_up = conversation.ask("Whom did he meet?")
    assert "Xi Jinping" in follow_up.answer  # the cited sentence's: "... to meet with Chinese President Xi Jinping"
    assert "Whom did he meet?" == Conversation(seed_engine).ask("Whom did he meet?").standalone_question  # no turn before


@pytest.mark.slow
def test_polite_prefix_is_dropped_and_the_question_answered(seed_engine):
    conversation = Conversation(seed_engine)
    answer = conversation.ask("Thanks! How old is Kim Jong Un?")
    assert answer.kind != "smalltalk"
    assert answer.standalone_question == "How old is Kim Jong Un?"


@pytest.mark.slow
def test_reset_forgets_the_conversation(seed_engine):
    conversation = Conversation(seed_engine)
    conversation.ask("Who was Kim Jong Un's father?")
    assert len(conversation.turns) == 1
    reply = conversation.ask("/reset")
    assert reply.answer == RESET_REPLY and reply.retrieved == ()
    assert conversation.turns == []
    after = conversation.ask("When did he die?")
    assert after.standalone_question == "When did he die?"


@pytest.mark.slow
def test_stream_yields_status_then_the_answers_text_then_done(seed_engine):
    events = list(Conversation(seed_engine).stream("How old is Kim Jong Un?"))
    assert isinstance(events[0], Status)
    assert isinstance(events[-1], Done)
    tokens = [e.text for e in events if isinstance(e, Token)]
    assert tokens and "".join(tokens) == events[-1].answer.answer


def test_the_conversation_passes_the_answerers_stream_through_as_it_comes(fake_engine, fake_answerer):
    conversation = Conversation(fake_engine)
    events = list(conversation.stream("Who travels by armored train?"))
    follow_up = list(conversation.stream("Where did he go?"))
    for stream in (events, follow_up):
        tokens = [e.text for e in stream if isinstance(e, Token)]
        assert isinstance(stream[0], Status) and isinstance(stream[-1], Done)
        assert len(tokens) > 1 and "".join(tokens) == stream[-1].answer.answer  # word by word, as written
    assert follow_up[0].standalone == follow_up[-1].answer.standalone_question != "Where did he go?"
    assert fake_answerer.asked == [events[-1].answer.standalone_question, follow_up[0].standalone]


@pytest.mark.slow
def test_k_limits_the_retrieved_chunks(seed_engine):
    answer = Conversation(seed_engine, k=1).ask("How old is Kim Jong Un?")
    assert len(answer.retrieved) == 1


def test_small_talk_streams_without_a_search_status(seed_engine):
    events = list(Conversation(seed_engine).stream("hello"))
    assert not any(isinstance(e, Status) for e in events)
    assert isinstance(events[-1], Done) and events[-1].answer.kind == "smalltalk"


@pytest.mark.parametrize("question", ["金正恩乘坐什么火车去俄罗斯？", "أين التقى كيم وبوتين؟", "Где встретились Ким и Путин?"])
def test_question_in_another_script_is_refused_without_retrieval(seed_engine, question):
    conversation = Conversation(seed_engine)
    answer = conversation.ask(question)
    assert answer.answer == ENGLISH_ONLY_REPLY
    assert not answer.answerable and answer.retrieved == ()
    assert conversation.turns == []


@pytest.mark.parametrize("question", ["", "   ", "\t\n", "\x00\x07\x1b[31m\x1b[0m"])
def test_empty_question_is_a_question_error(seed_engine, question):
    with pytest.raises(QuestionError, match="empty question"):
        Conversation(seed_engine).ask(question)


def test_hundred_kilobyte_question_is_a_question_error(seed_engine):
    with pytest.raises(QuestionError, match="too long"):
        Conversation(seed_engine).ask("Where did Kim go? " * 6000)


@pytest.mark.slow
def test_terminal_escapes_and_control_characters_are_removed_from_the_question(seed_engine):
    answer = Conversation(seed_engine).ask("\x1b[31mHow old\x07 is Kim\x00 Jong Un?\x1b[0m")
    assert answer.question == "How old is Kim Jong Un?"
    assert all(ch.isprintable() for ch in answer.standalone_question)


@pytest.mark.slow
def test_conversation_keeps_at_most_max_turns(seed_engine):
    conversation = Conversation(seed_engine, max_turns=2)
    for question in ("How old is Kim Jong Un?", "Where was Kim Jong Un educated?", "What is Chammae-1?"):
        conversation.ask(question)
    assert [t.question for t in conversation.turns] == ["Where was Kim Jong Un educated?", "What is Chammae-1?"]


# Asking back: a follow-up whose pronoun points to nothing (fake answerer, real spaCy). The earlier turn is given,
# so what it mentions is known: three trains, North Korea, no person.

NO_PERSON = "How many trains does North Korea operate when its leader travels?"


def after_a_turn_without_people(engine) -> Conversation:
    from bot.chat.conversation import Turn
    from bot.types import Answer

    answer = Answer(question=NO_PERSON, standalone_question=NO_PERSON, answer="three", answerable=True)
    return Conversation(engine, turns=[Turn(NO_PERSON, NO_PERSON, answer)])


def test_a_follow_up_pointing_to_nobody_is_asked_back_without_retrieval_or_history(fake_engine, fake_answerer):
    conversation = after_a_turn_without_people(fake_engine)
    events = list(conversation.stream("Where was he born?"))
    reply = events[-1].answer
    assert reply.kind == "clarify" and reply.answer == "Who do you mean by 'he'?"
    assert not reply.answerable and reply.retrieved == () and reply.citations == ()
    assert reply.standalone_question == reply.question == "Where was he born?"
    assert not any(isinstance(e, Status) for e in events)  # nothing was searched
    assert fake_answerer.asked == [] and len(conversation.turns) == 1


def test_a_reply_to_the_ask_back_is_put_in_place_of_the_pronoun_and_answered(fake_engine, fake_answerer):
    conversation = after_a_turn_without_people(fake_engine)
    conversation.ask("Where was he born?")
    answer = conversation.ask("Kim Jong Un")
    assert answer.kind == "answer" and answer.standalone_question == "Where was Kim Jong Un born?"
    assert fake_answerer.asked == ["Where was Kim Jong Un born?"]
    assert conversation.pending is None and len(conversation.turns) == 2


def test_a_new_question_after_an_ask_back_is_taken_as_it_is(fake_engine, fake_answerer):
    conversation = after_a_turn_without_people(fake_engine)
    conversation.ask("Where was he born?")
    conversation.ask("Where is Vladivostok?")
    assert fake_answerer.asked == ["Where is Vladivostok?"]


def test_reset_forgets_a_pending_ask_back(fake_engine):
    conversation = after_a_turn_without_people(fake_engine)
    conversation.ask("Where was he born?")
    conversation.ask("/reset")
    assert conversation.pending is None and conversation.turns == []


def test_the_terminal_prints_an_ask_back_as_one_line_without_sources(fake_engine, capsys):
    from bot.cli.answering import print_streamed

    print_streamed(after_a_turn_without_people(fake_engine).stream("When did she retire?"))
    assert capsys.readouterr().out == "Who do you mean by 'she'?\n"
