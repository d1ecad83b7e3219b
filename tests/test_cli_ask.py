"""`bot ask` and `bot chat` as a user runs them: real processes, the real index of the seed article.

Bad input (empty, whitespace, 100 kB, control characters, another script, no
index, a bad flag) gives one line and no traceback; `ask` exits non-zero on errors.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ANSWER_KEYS, CITATION_KEYS

from bot.chat.conversation import ENGLISH_ONLY_REPLY
from bot.corpus import load_corpus



def bot(*args: str, stdin: str | bytes | None = None) -> subprocess.CompletedProcess:
    text = not isinstance(stdin, bytes)
    result = subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=text, timeout=600)
    stderr = result.stderr if text else result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    return result


@pytest.fixture(scope="module")
def index_dir(seed_settings):
    return str(seed_settings.index.dir)


@pytest.fixture(scope="module")
def article_text(seed_settings):
    return load_corpus(seed_settings.corpus.dir).articles[0].text


def error_lines(stderr: str) -> list[str]:
    """What the user sees on stderr, minus model-loading progress bars."""
    return [line for line in stderr.splitlines() if line.strip() and "Loading weights" not in line]


@pytest.mark.slow
def test_ask_prints_the_answer_then_numbered_citations(index_dir, article_text):
    result = bot("ask", "How old is Kim Jong Un?", "--index", index_dir)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[1] Kim Jong Un may repeat his 2019 journey" in out  # the article's title
    assert "\u201c" in out and "\u201d" in out  # the quoted span
    assert "kim-train-vladivostok.md:" in out
    first_line = out.splitlines()[0]
    assert first_line and not first_line.startswith("[")  # the answer comes before the citations


@pytest.mark.slow
def test_ask_json_prints_exactly_one_object_with_exact_citation_offsets(index_dir, article_text):
    result = bot("ask", "Who revealed that Putin travels by armored train?", "--json", "-k", "3", "--index", index_dir)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)  # fails on anything but one JSON document
    assert set(payload) == ANSWER_KEYS
    assert payload["question"] == payload["standalone_question"] == "Who revealed that Putin travels by armored train?"
    for citation in payload["citations"] + payload["related"]:
        assert set(citation) == CITATION_KEYS
        assert article_text[citation["start"]:citation["end"]] == citation["quote"]
        assert citation["article_id"] == "kim-train-vladivostok"
    assert [c["n"] for c in payload["citations"]] == list(range(1, len(payload["citations"]) + 1))


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "empty question"), ("   \t ", "empty question"), ("\x07\x1b[2J\x1b[31m\x1b[0m", "empty question"),
     ("Where did Kim go? " * 5700, "too long")],
    ids=["empty", "whitespace", "control-characters-only", "100kB"],
)
def test_ask_with_a_bad_question_exits_non_zero_with_one_line(index_dir, question, message):
    result = bot("ask", question, "--index", index_dir)
    assert result.returncode != 0
    assert result.stdout == ""
    lines = error_lines(result.stderr)
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]


def test_ask_json_error_is_one_json_object_too(index_dir):
    result = bot("ask", "   ", "--json", "--index", index_dir)
    assert result.returncode != 0
    assert json.loads(result.stdout) == {"question": "   ", "error": "empty question: ask something about the articles"}


@pytest.mark.parametrize("question", ["金正恩乘坐什么火车去俄罗斯？", "أين التقى كيم وبوتين؟"], ids=["chinese", "arabic"])
def test_ask_in_another_script_gets_a_refusal(index_dir, question):
    result = bot("ask", question, "--json", "--index", index_dir)
    assert result.returncode == 0
    payload = json.loads(result.stdout)
    assert payload["answer"] == ENGLISH_ONLY_REPLY and payload["answerable"] is False


@pytest.mark.slow  # starts the bot as a process
def test_ask_without_an_index_says_to_run_bot_index(tmp_path):
    result = bot("ask", "How old is Kim Jong Un?", "--index", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    lines = error_lines(result.stderr)
    assert len(lines) == 1 and "bot index" in lines[0]


def test_ask_with_a_bad_date_filter_names_the_flag(index_dir):
    result = bot("ask", "How old is Kim Jong Un?", "--since", "last week", "--index", index_dir)
    assert result.returncode != 0
    lines = error_lines(result.stderr)
    assert len(lines) == 1 and "--since" in lines[0] and "YYYY-MM-DD" in lines[0]


@pytest.mark.slow  # starts the bot as a process
def test_chat_without_an_index_fails_before_reading_questions(tmp_path):
    result = bot("chat", "--json", "--index", str(tmp_path / "nowhere"), stdin="How old is Kim Jong Un?\n")
    assert result.returncode == 1 and result.stdout == ""
    assert len(error_lines(result.stderr)) == 1


@pytest.mark.slow
def test_chat_json_keeps_the_conversation_across_lines(index_dir):
    lines = [
        "hello",
        "Where did Kim and Putin meet in 2019?",
        "",
        "How long did it take him to get there?",
        "\x1b[31mthanks\x1b[0m",
        "   ",
        "x" * 3000,
        "金正恩乘坐什么火车？",
        "When did they meet there?",
        "/reset",
        "When did they meet there?",
    ]
    result = bot("chat", "--json", "--index", index_dir, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    asked = [line for line in lines if line.strip()]
    assert len(replies) == len(asked)  # one object per non-blank line, in order
    hello, meet, follow_up, thanks, too_long, chinese, they, reset, after_reset = replies
    assert hello["answerable"] is False and hello["citations"] == []
    assert set(meet) == ANSWER_KEYS
    assert "Kim" in follow_up["standalone_question"] and "him" not in follow_up["standalone_question"].split()
    assert thanks["question"] == "thanks" and thanks["citations"] == []
    assert set(too_long) == {"question", "error"} and "too long" in too_long["error"]
    assert chinese["answer"] == ENGLISH_ONLY_REPLY
    assert "Kim and Putin" in they["standalone_question"]
    assert reset["answer"].startswith("Conversation reset")
    assert after_reset["standalone_question"] == "When did they meet there?"


@pytest.mark.slow
def test_chat_with_piped_input_prints_json_without_the_flag(index_dir):
    result = bot("chat", "--index", index_dir, stdin=b"How old is Kim Jong Un?\n\xff\xfe not utf-8?\n")
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(replies) == 2
    assert set(replies[0]) == ANSWER_KEYS
    assert "not utf-8" in replies[1]["question"]


LONG_QUESTIONS = [
    "Kim train Putin Vladivostok " * 70,  # 1,960 characters, 350 word pieces: once "unexpected failure (Truncation error)"
    "😀" * 330,
]


@pytest.mark.slow
@pytest.mark.parametrize("question", LONG_QUESTIONS, ids=["words", "emoji"])
def test_a_question_longer_than_the_models_window_gets_an_answer_or_a_refusal(index_dir, question):
    result = bot("ask", question[:2000], "--json", "--index", index_dir)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["answer"]


@pytest.mark.slow
def test_chat_json_carries_on_after_an_overlong_question(index_dir):
    lines = "\n".join([LONG_QUESTIONS[0], "How long does the trip to Vladivostok take?"]) + "\n"
    result = bot("chat", "--json", "--index", index_dir, stdin=lines)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0 and len(rows) == 2
    assert "20 hours" in rows[1]["answer"]
