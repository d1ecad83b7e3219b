"""Hypothesis fuzzing of whole articles and of questions (see also the chunking and follow-up properties
in test_chunking.py and test_chat.py, which fuzz text fragments and rewrites).

Whole files of every supported suffix (random bytes, deeply nested HTML, huge lines, odd front
matter, odd text) go through reading, chunking and a real build (real Chroma, BM25 and sentence
files; the fake embedder), and questions (any text, long emoji runs, follow-up chains) go through a
``Conversation``. Nothing may escape but a ``BotError`` (the user's one line), each case is bounded
in time by an alarm, and the memory Python allocates for one article is bounded.
"""

from __future__ import annotations

import json
import signal
import tempfile
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import BotError
from conftest import SEED_CORPUS, FakeAnswerer, FakeEmbedder

CASE_SECONDS = 60  # far above what any case takes; a case still running then has hung
SUFFIXES = [".md", ".markdown", ".txt", ".html", ".htm", ".MD", ".Txt", ".HTML", ".Htm"]
WORDS = ["storm", "Kim", "train", "Vladivostok", "2019", "U.S.", "e.g.", "3.14", "😀", "👩\u200d👩\u200d👧", "中文字",
         "e\u0301", "\u200b", "\x07", "\t", "\u00a0", ".", "?", "!", "\n", "\r\n", "\n\n", "<b>", "&amp;", "---"]
FRONT_MATTERS = [
    "---\n---\n", "---\ntitle: [a, b]\n---\n", "---\ntitle: {x: 1}\ndate: 2023-02-30\n---\n", "---\n- a\n- b\n---\n",
    "---\n!!python/object/apply:os.system ['echo hi']\n---\n", "---\ntitle: &a x\nsource: *a\n---\n",
    "---\na: &a [x,x,x,x]\nb: &b [*a,*a,*a,*a]\nc: [*b,*b,*b,*b]\n---\n", "---\ndate: 99999999999\n---\n",
    "---\ntitle: " + "x" * 70_000 + "\n---\n", "---\na: " + "[" * 3000 + "\n---\n", "---\r\ntitle: crlf\r\n---\r\n",
    "\ufeff---\ntitle: bom\n---\n", "---\ntitle: never closed\n", "---\ndate: null\nauthors: 7\nsource: []\n---\n",
    "---\n\t bad: : indent\n---\n", "---\ntitle: 'quote\n---\n", "---\nurl: javascript:alert(1)\n---\n",
    "---\ntitle: ok\n---\n---\ntitle: twice\n---\n", "title: no dashes\n\n", "",
]

words = st.lists(st.sampled_from(WORDS), min_size=0, max_size=300).map(" ".join)
random_bytes = st.binary(max_size=4000)
deep_html = st.builds(
    lambda depth, tag, text: f"<html><head><title>{text[:40]}</title></head><body>{f'<{tag}>' * depth}"
                             f"<p>{text}</p>{f'</{tag}>' * depth}</body></html>",
    st.integers(1, 4000), st.sampled_from(["div", "span", "b", "table", "ul", "p", "section"]), words)
huge_line = st.builds(lambda word, n: (word + " ") * n, st.sampled_from(["storm", "x", "😀", "中文", "a.b", "<i>"]),
                      st.integers(1000, 20_000))
odd_head = st.builds(lambda head, body: head + body, st.sampled_from(FRONT_MATTERS), words)
texts = st.one_of(deep_html, huge_line, odd_head, words)
encoded = st.builds(lambda text, encoding: text.encode(encoding, errors="replace"), texts,
                    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
article_files = st.tuples(st.one_of(random_bytes, encoded), st.sampled_from(SUFFIXES))


class Hung(Exception):
    pass


@contextmanager
def bounded(seconds: int = CASE_SECONDS):
    """Fail a case that runs longer than ``seconds`` (an alarm in the main thread)."""
    def expire(signum, frame):
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def fake_models_once():
    from bot.models import Models
    from bot.settings import Settings

    return Models(Settings(), embedder=FakeEmbedder())


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(file=article_files)
def test_any_file_reads_and_chunks_or_is_refused_with_one_line_in_bounded_memory(file, fake_models_once):
    from bot.chunking import chunk_article
    from bot.corpus import read_article

    raw, suffix = file
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / f"fuzzed{suffix}").write_bytes(raw)
        tracemalloc.start()
        try:
            with bounded():
                try:
                    article = read_article(root / f"fuzzed{suffix}", root)
                except BotError as refused:
                    assert f"fuzzed{suffix}" in str(refused) and "\n" not in str(refused)
                    return
                chunks = chunk_article(article, fake_models_once.token_counter, 200, 1)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 100 * 2**20 + 50 * len(raw), f"{peak / 2**20:.0f} MB for a {len(raw)}-byte file"
    assert article.text.strip() and chunks
    assert all(article.text[c.start:c.end] == c.text for c in chunks)


@pytest.mark.slow  # a real build per case: about 5 s each on a busy machine
@settings(max_examples=12, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=st.lists(article_files, min_size=1, max_size=4), question_words=words)
def test_a_corpus_of_fuzzed_files_builds_skipping_each_bad_one_by_name_and_answers(files, question_words,
                                                                                fake_models_once):
    import shutil

    from bot.chat.conversation import Conversation
    from bot.engine import Engine
    from bot.index import build
    from bot.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(SEED_CORPUS, corpus)
        names = [f"fuzzed{n}{suffix}" for n, (_, suffix) in enumerate(files)]
        for name, (raw, _) in zip(names, files):
            (corpus / name).write_bytes(raw)
        settings = Settings().with_overrides(corpus={"dir": corpus}, index={"dir": Path(tmp) / "index"})
        with bounded(3 * CASE_SECONDS):
            report = build(settings, models=fake_models_once)
            skipped = {path for path, _ in report.skipped}
            assert all(line.count("\n") == 0 for _, line in report.skipped)
            assert report.articles == 1 + len(files) - len(skipped) - len(report.duplicates)  # a copy is indexed once
            assert skipped <= set(names)
            conversation = Conversation(Engine(settings, fake_models_once, answerer=FakeAnswerer()))
            for question in ("What is in fuzzed0?", question_words, "And then?"):
                try:
                    answer = conversation.ask(question)
                except BotError as refused:
                    assert str(refused) and "\n" not in str(refused)
                    continue
                json.dumps(answer.to_json())


QUESTION_ALPHABETS = [st.characters(), st.sampled_from(["😀", "👩\u200d👩\u200d👧", "🇺🇦", "中", "é", " ", "?"]),
                      st.sampled_from(["he", "she", "it", "there", "they", "and", "what", "about", "Kim", "Putin",
                                       "train", "?", "...", "'s", "when", "how", "2019", "\n", " "])]
questions = st.one_of(*(st.lists(alphabet, max_size=n).map(lambda parts: " ".join(parts)) for alphabet in QUESTION_ALPHABETS
                        for n in (12, 700)))


@pytest.fixture(scope="module")
def fuzz_engine(fake_models_once, tmp_path_factory):
    """The seed corpus indexed with the fake embedder; the fake answerer."""
    import shutil

    from bot.engine import Engine
    from bot.index import build
    from bot.settings import Settings

    root = tmp_path_factory.mktemp("fuzz-seed")
    shutil.copytree(SEED_CORPUS, root / "corpus")
    settings = Settings().with_overrides(corpus={"dir": root / "corpus"}, index={"dir": root / "index"})
    build(settings, models=fake_models_once)
    return Engine(settings, fake_models_once, answerer=FakeAnswerer())


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(chain=st.lists(questions, min_size=1, max_size=4))
def test_any_chain_of_questions_gets_answers_or_one_line_refusals(chain, fuzz_engine):
    from bot.chat.conversation import Conversation
    from bot.corpus import read_article

    conversation = Conversation(fuzz_engine)
    with bounded():
        for question in chain:
            try:
                answer = conversation.ask(question)
            except BotError as refused:
                assert str(refused) and "\n" not in str(refused)
                continue
            json.dumps(answer.to_json())
            for cite in answer.citations:  # a citation quotes its article exactly, whatever was asked
                article = read_article(fuzz_engine.settings.corpus.dir / cite.path, fuzz_engine.settings.corpus.dir)
                assert article.text[cite.start:cite.end] == cite.quote


@pytest.mark.slow
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=st.one_of(questions, st.integers(300, 700).map(lambda n: "😀" * n),
                          st.integers(100, 600).map(lambda n: "Vladivostok " * n)))
def test_the_real_models_answer_any_question_or_refuse_it_with_one_line(question, seed_engine):
    """Word pieces, not characters, are what the embedder and reader can take: long emoji runs and
    long repeated words stay within the character limit but not within 512 word pieces."""
    from bot.chat.conversation import ask_once

    with bounded(3 * CASE_SECONDS):
        try:
            answer = ask_once(seed_engine, question)
        except BotError as refused:
            assert str(refused) and "\n" not in str(refused)
            return
    json.dumps(answer.to_json())
