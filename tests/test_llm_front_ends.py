"""The llm backend through the front ends (fast): `bot ask/chat --backend llm`, `--strict-llm`, `bot config`
keeping the API key to itself, follow-ups condensed by the model, and the web chat's Markdown. The chat
model is LangChain's fake, scripted; everything else is real (fake embedder)."""

from __future__ import annotations

import json

import pytest

from bot.types import Answer, AnswerSentence, Checked, Citation, Notice, Token
from tests.conftest import FailingChatModel, scripted_chat_model

QUESTION = "How long does the trip to Vladivostok take?"
JOURNEY = "Kim Jong Un may repeat his 2019 journey with a possible trip to Russia, spending 20 hours on his armored train."


@pytest.fixture
def llm_cli(fake_cli, monkeypatch, fake_answerer):
    """``use(chat_model)`` makes `bot` answer with the real LLMAnswerer over that chat model (fallback: the fake)."""
    import bot.engine
    from bot.answer.llm.answerer import LLMAnswerer

    def use(chat_model):
        def make(settings, models):
            models._chat_model = chat_model
            return LLMAnswerer(settings, models, fallback=fake_answerer) if settings.answer.backend == "llm" else fake_answerer

        monkeypatch.setattr(bot.engine, "make_answerer", make)
        monkeypatch.setenv("BOT_LLM__BASE_URL", "http://127.0.0.1:9/v1")
        return fake_cli

    return use


@pytest.fixture
def journey(fast_seed, fake_models):
    """The id the model is shown for the journey sentence when asked QUESTION."""
    from tests.conftest import shown_sentence_id

    return shown_sentence_id(fast_seed, fake_models, QUESTION, JOURNEY)


def test_ask_with_the_llm_backend_prints_markers_and_marks_the_unverified_sentence(llm_cli, journey):
    run = llm_cli(scripted_chat_model(f"{JOURNEY} [{journey}] It costs 5 dollars [{journey}]."))
    code, out, err = run("ask", QUESTION, "--backend", "llm")
    assert code == 0, err
    first = out.splitlines()[0]
    assert first == f"{JOURNEY} [1] It costs 5 dollars. [1] (not verified)"
    assert "Sources:" in out and "[1] Kim Jong Un may repeat" in out


def test_ask_json_with_the_llm_backend_has_the_new_keys(llm_cli, journey):
    run = llm_cli(scripted_chat_model(f"{JOURNEY} [{journey}]"))
    code, out, _ = run("ask", QUESTION, "--backend", "llm", "--json")
    data = json.loads(out)
    assert code == 0 and data["backend"] == "llm" and data["prompt_version"] == "answer-v1"
    assert data["sentences"] == [{"text": JOURNEY, "citations": [1], "verified": True}]
    assert data["citations"][0]["quote"] == JOURNEY and data["fallback"] is None


def test_an_unreachable_llm_is_one_warning_line_then_the_extractive_answer(llm_cli):
    code, out, err = llm_cli(FailingChatModel())("ask", QUESTION, "--backend", "llm")
    assert code == 0
    assert err.count("\n") == 1 and err.startswith("warning: cannot reach the LLM at http://127.0.0.1:9/v1")
    assert "Sources:" in out


def test_strict_llm_makes_the_failure_an_error(llm_cli):
    code, out, err = llm_cli(FailingChatModel())("ask", QUESTION, "--backend", "llm", "--strict-llm")
    assert code == 1 and out == ""
    assert err.startswith("error: cannot reach the LLM") and err.count("\n") == 1


def test_a_backend_that_does_not_exist_is_one_line(fake_cli):
    code, _, err = fake_cli("ask", QUESTION, "--backend", "gpt")
    assert code == 1 and err.startswith("error: bad setting answer.backend") and err.count("\n") == 1


def test_the_llm_backend_without_a_server_says_which_setting_to_set(fake_cli, monkeypatch):
    import bot.engine
    from bot.answer import make_answerer

    monkeypatch.setattr(bot.engine, "make_answerer", make_answerer)
    code, _, err = fake_cli("ask", QUESTION, "--backend", "llm")
    assert code == 1 and "BOT_LLM__BASE_URL" in err and err.count("\n") == 1


def test_bot_config_never_prints_the_api_key(fake_cli, monkeypatch):
    monkeypatch.setenv("BOT_LLM__API_KEY", "sk-very-secret-123")
    code, out, _ = fake_cli("config")
    assert code == 0 and "sk-very-secret-123" not in out
    assert json.loads(out)["llm"]["api_key"] == "**********"


def test_chat_follow_ups_are_condensed_by_the_model(llm_cli, journey):
    condensed = "How long did Kim's train take to reach Vladivostok?"
    run = llm_cli(scripted_chat_model(f"{JOURNEY} [{journey}]", condensed, f"{JOURNEY} [{journey}]"))
    code, out, _ = run("chat", "--json", "--backend", "llm", stdin=f"{QUESTION}\nAnd how long did it take him?\n")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and rows[1]["standalone_question"] == condensed


def test_an_unusable_condensation_leaves_the_follow_up_to_the_rules(llm_cli):
    run = llm_cli(scripted_chat_model(f"{JOURNEY} [1.1]", "20 hours.", f"{JOURNEY} [1.1]"))
    code, out, _ = run("chat", "--json", "--backend", "llm", stdin=f"{QUESTION}\nHow long did it take him?\n")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and rows[1]["standalone_question"] not in ("20 hours.", rows[1]["question"])


# ---- the web chat's Markdown --------------------------------------------------------------------
def _citation(n: int) -> Citation:
    return Citation(n=n, article_id="a", title="T", start=0, end=5, quote="Hello", path="a.md", chunk_text="Hello")


def test_the_web_bubble_streams_text_then_markers_and_the_unverified_mark():
    from bot.web.render import UNVERIFIED_MARK, StreamingBubble

    bubble = StreamingBubble()
    bubble.add(Token("It takes 20 hours."))
    shown = bubble.add(Checked(AnswerSentence("It takes 20 hours.", (1,), True)))
    assert shown == "It takes 20 hours. \\[1\\]"
    bubble.add(Token(" It costs 5 dollars."))
    shown = bubble.add(Checked(AnswerSentence("It costs 5 dollars.", (2,), False)))
    assert shown.endswith("It costs 5 dollars. \\[2\\] " + UNVERIFIED_MARK)
    bubble.add(Token(" Dropped."))
    assert "Dropped" not in bubble.add(Checked(AnswerSentence("Dropped.", (), False), shown=False))
    replaced = bubble.add(Notice("cannot reach the LLM"))
    assert "cannot reach the LLM" in replaced and "20 hours" not in replaced


def test_a_generated_answer_in_the_web_ui_marks_unverified_sentences_and_its_cards_say_what_they_back():
    from bot.web.render import UNVERIFIED_MARK, chat_message, sources_html

    answer = Answer("q", "q", "A. B.", True, citations=(_citation(1),), backend="llm",
                    sentences=(AnswerSentence("A.", (1,), True), AnswerSentence("B.", (1,), False)))
    assert chat_message(answer) == f"A. \\[1\\] B. \\[1\\] {UNVERIFIED_MARK}"
    panel = sources_html(answer, lambda c: ("Hello world", 0, 5))
    assert "✓ backs: “A.”" in panel and "⚠ does not back: “B.”" in panel
