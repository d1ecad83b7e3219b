"""The web UI's handlers over a fake answerer (fast tier): the chat streams what the answerer writes,
`/ask` answers exactly as `bot ask` does, library changes re-index. Served through Gradio and a real
browser in test_web_api.py and test_web_browser.py."""

from __future__ import annotations

import pytest

from bot.chat.conversation import ask_once
from bot.web.app import WebApp
from bot.web.render import md_escape

QUESTION = "How long does the trip to Vladivostok take?"


@pytest.fixture
def app(fast_seed, fake_engine):
    return WebApp(fast_seed, engine=fake_engine)


def bot_text(history) -> str:
    return history[-1]["content"]


def test_the_chat_bubble_grows_with_each_piece_the_answerer_writes(app, fake_engine):
    outputs = list(app.chat(QUESTION, [], None, "", "", ""))
    texts = [bot_text(history) for history, *_ in outputs]
    answer = outputs[-1][1].answers[len(outputs[-1][0]) - 1]
    words = answer.answer.split(" ")
    assert texts[0] == "*Searching the articles…*"
    assert texts[1:-1] == [md_escape(" ".join(words[:i])) for i in range(1, len(words) + 1)]
    assert texts[-1].endswith("\\[1\\]")
    assert f"index {answer.generation}" in outputs[-1][2]  # the sources panel names the generation


def test_ask_endpoint_answers_as_bot_ask_does(app, fake_engine):
    for question in ("hello", QUESTION):
        got = app.ask_api(question)
        expected = ask_once(fake_engine, question).to_json()
        assert {k: v for k, v in got.items() if k not in ("timings_ms", "index", "citations")} == \
            {k: v for k, v in expected.items() if k not in ("timings_ms", "citations")}
    assert app.ask_api("hello")["index"] is None and app.ask_api(QUESTION)["index"] == "gen-000001"


def test_a_bad_date_in_the_filters_is_shown_in_the_chat(app):
    *_, last = app.chat(QUESTION, [], None, "", "yesterday", "")
    assert bot_text(last[0]) == "**Error:** From date 'yesterday' is not a date: use YYYY\\-MM\\-DD"


def test_adding_then_deleting_an_article_re_indexes_each_time(app, tmp_path):
    upload = tmp_path / "harbour.md"
    upload.write_text("---\ntitle: Harbour reopens\n---\nThe harbour reopened on Monday.\n", encoding="utf-8")
    notice, rows, status, *_ = app.add_files([str(upload)], False, "")
    assert "Saved harbour.md (added). Index gen-000002" in notice and len(rows) == 2
    notice, rows, status, *_ = app.delete("harbour.md", "")
    assert "Deleted harbour.md. Index gen-000003" in notice and len(rows) == 1
    assert "rebuilding" not in status


def test_a_failed_rebuild_says_so_and_the_status_stops_saying_rebuilding(app):
    notice, rows, status, *_ = app.delete("kim-train-vladivostok.md", "")  # the last article: nothing to index
    assert "Deleted kim-train-vladivostok.md, but the index was not updated: no articles in" in notice
    assert "rebuilding" not in status and "gen-000001" in status
