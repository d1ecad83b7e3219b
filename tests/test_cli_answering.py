"""`bot ask` and `bot chat` wiring, in this process with the fake embedder and answerer (fast tier).

The real-process, real-model versions of these live in test_cli_ask.py.
"""

from __future__ import annotations

import json

from bot.chat.conversation import small_talk_reply

QUESTION = "How long does the trip to Vladivostok take?"


def test_ask_prints_the_streamed_answer_then_its_numbered_source(fake_cli, fake_answerer):
    code, out, err = fake_cli("ask", QUESTION)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] and not lines[0].startswith("[")
    assert lines[2] == "Sources:" and lines[3].startswith("[1] Kim Jong Un may repeat his 2019 journey")
    assert fake_answerer.asked == [QUESTION]


def test_ask_json_is_one_object_with_the_answerers_text(fake_cli):
    code, out, _ = fake_cli("ask", QUESTION, "--json")
    data = json.loads(out)
    assert code == 0 and data["answerable"] and data["citations"][0]["n"] == 1
    assert data["answer"] == data["citations"][0]["quote"]  # the fake answers with the sentence it cites


def test_ask_answers_small_talk_without_searching(fake_cli, fake_answerer):
    code, out, _ = fake_cli("ask", "hello", "--json")
    assert code == 0 and json.loads(out)["answer"] == small_talk_reply("hello")
    assert fake_answerer.asked == []


def test_a_bad_question_is_one_line_on_stderr_and_exit_1(fake_cli):
    code, out, err = fake_cli("ask", "   ")
    assert code == 1 and out == ""
    assert err == "error: empty question: ask something about the articles\n"


def test_a_bad_date_filter_names_the_flag(fake_cli):
    code, _, err = fake_cli("ask", QUESTION, "--since", "2023-13-01")
    assert code == 1 and err == "error: --since '2023-13-01' is not a date: use YYYY-MM-DD\n"


def test_chat_json_answers_each_line_and_keeps_going_after_a_bad_one(fake_cli, fake_answerer):
    code, out, _ = fake_cli("chat", "--json", stdin=f"{QUESTION}\n\n   \x00 \nHow long did it take him?\n")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 3
    assert rows[0]["answerable"] and "error" in rows[1] and rows[2]["answerable"]
    assert rows[2]["standalone_question"] != rows[2]["question"]  # the follow-up was made standalone
    assert fake_answerer.asked[-1] == rows[2]["standalone_question"]


def test_a_bad_or_future_as_of_date_is_one_line(fake_cli):
    code, _, err = fake_cli("ask", QUESTION, "--as-of", "last tuesday")
    assert code == 1 and err == "error: --as-of 'last tuesday' is not a date: use YYYY-MM-DD\n"
    code, _, err = fake_cli("chat", "--json", "--as-of", "2999-01-01", stdin=f"{QUESTION}\n")
    assert code == 1 and err.startswith("error: the as-of date 2999-01-01 is in the future") and err.count("\n") == 1


def test_as_of_is_in_the_json_and_undated_articles_still_answer(fake_cli):
    code, out, _ = fake_cli("ask", QUESTION, "--json", "--as-of", "2020-01-01")
    data = json.loads(out)
    assert code == 0 and data["answerable"] and data["as_of"] == "2020-01-01"
def test_chat_json_shows_an_ask_back_like_small_talk(fake_cli, fake_answerer):
    stdin = "How many trains does North Korea operate when its leader travels?\nWhen did she retire?\n"
    code, out, _ = fake_cli("chat", "--json", stdin=stdin)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 2
    expected = {"question": "When did she retire?", "standalone_question": "When did she retire?",
                "answer": "Who do you mean by 'she'?", "answerable": False, "citations": [], "related": [],
                "timings_ms": {}, "as_of": None, "time": None}
    assert {key: rows[1][key] for key in expected} == expected
    assert rows[1].keys() == rows[0].keys()  # the same schema as an answer: no "kind"
    assert len(fake_answerer.asked) == 1

