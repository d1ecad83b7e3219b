"""Chunks are exact slices of the article, cover all of it, and always fit the embedder's window.

The window check uses the tokenizer sentence-transformers itself runs (transformers'
AutoTokenizer from the model folder), special tokens included: all-MiniLM-L6-v2
silently drops every word piece past 256.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.chunking import chunk_article
from bot.corpus import parse_article, read_article
from bot.text import paragraph_spans, sentence_spans
from bot.settings import Settings
from conftest import SEED_CORPUS, SQUAD_V1

MODEL_WINDOW = 256  # all-MiniLM-L6-v2 max_seq_length, [CLS] and [SEP] included
DEFAULTS = Settings().chunking


def _article(text: str, name: str = "odd.txt"):
    return parse_article(text.encode("utf-8"), name)


def assert_chunks_sound(article, chunks, tokenizer, max_tokens: int) -> None:
    """The contract every chunking must meet."""
    text = article.text
    assert chunks, "a non-blank article has at least one chunk"
    covered = bytearray(len(text))
    for i, chunk in enumerate(chunks):
        assert chunk.index == i and chunk.id == f"{article.id}#{i}"
        assert 0 <= chunk.start < chunk.end <= len(text)
        assert text[chunk.start:chunk.end] == chunk.text
        assert chunk.text == chunk.text.strip(), "chunks are trimmed of surrounding whitespace"
        with_specials = len(tokenizer(chunk.text, add_special_tokens=True, truncation=False)["input_ids"])
        assert with_specials <= MODEL_WINDOW, f"chunk {i} has {with_specials} word pieces"
        assert with_specials <= max_tokens + 2
        covered[chunk.start:chunk.end] = b"\x01" * (chunk.end - chunk.start)
    for a, b in zip(chunks, chunks[1:]):
        assert a.start < b.start and a.end < b.end, "chunks run forward through the article"
    lost = [i for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]
    assert not lost, f"characters in no chunk: {[text[i] for i in lost[:20]]}"


def test_seed_article_chunks_are_exact_and_fit(word_pieces, model_tokenizer):
    article = read_article(SEED_CORPUS / "kim-train-vladivostok.md", SEED_CORPUS)
    chunks = chunk_article(article, word_pieces, DEFAULTS.max_tokens, DEFAULTS.overlap_sentences)
    assert_chunks_sound(article, chunks, model_tokenizer, DEFAULTS.max_tokens)
    assert len(chunks) > 3


def test_every_squad_document_chunks_exactly_and_fits(word_pieces, model_tokenizer):
    root = SQUAD_V1 / "corpus"
    paths = sorted(root.glob("*.txt"))
    assert len(paths) == 201
    for path in paths:
        article = read_article(path, root)
        chunks = chunk_article(article, word_pieces, DEFAULTS.max_tokens, DEFAULTS.overlap_sentences)
        assert_chunks_sound(article, chunks, model_tokenizer, DEFAULTS.max_tokens)


REAL_ARTICLES = [SEED_CORPUS / "kim-train-vladivostok.md", *sorted((SQUAD_V1 / "corpus").glob("*.txt"))]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(REAL_ARTICLES), max_tokens=st.integers(16, 254), overlap=st.integers(0, 5))
def test_real_articles_chunk_exactly_under_any_chunking_settings(path, max_tokens, overlap, word_pieces, model_tokenizer):
    article = read_article(path, path.parent)
    chunks = chunk_article(article, word_pieces, max_tokens, overlap)
    assert_chunks_sound(article, chunks, model_tokenizer, max_tokens)


# Odd inputs: CRLF and CR line ends, tabs, non-breaking spaces, emoji (with joiners),
# CJK, combining accents, zero-width and control characters, URLs, abbreviations.
FRAGMENTS = [
    "word", "Kim", "train", "Vladivostok", "2019", "U.S.", "Mr.", "e.g.", "3.14", "20-hour",
    ".", "!", "?", "…", '"', "\u201c", "\u201d", "(", ")", ",", ";",
    " ", " ", " ", "\t", "\u00a0", "\u2009", "\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\n \n",
    "😀", "👩\u200d👩\u200d👧", "🇺🇦", "中文字", "日本語のテキスト", "한국어", "é", "e\u0301", "\u200b", "\x07",
    "https://example.com/a/b?c=d&e=f", "averyveryverylongwordwithoutanybreakwhatsoever" * 3,
]
odd_texts = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=400).map("".join).filter(
    lambda t: t.strip() and not t.startswith("---")
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=odd_texts, max_tokens=st.integers(16, 60), overlap=st.integers(0, 3))
def test_odd_text_chunks_are_exact_slices_that_cover_and_fit(text, max_tokens, overlap, word_pieces, model_tokenizer):
    article = _article(text)
    assert article.text == text
    chunks = chunk_article(article, word_pieces, max_tokens, overlap)
    assert_chunks_sound(article, chunks, model_tokenizer, max_tokens)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=odd_texts, title=st.text(alphabet="abc xyz:-'\"", max_size=30))
def test_front_matter_body_offsets_point_into_the_file_text(text, title, word_pieces, model_tokenizer):
    import json

    raw = f"---\r\ntitle: {json.dumps(title)}\r\ndate: 2023-09-05\r\n---\r\n{text}"
    article = parse_article(raw.encode("utf-8"), "odd.md")
    assert article.text == text, "the body is kept character for character after the front matter"
    assert raw.endswith(article.text)
    chunks = chunk_article(article, word_pieces, DEFAULTS.max_tokens, DEFAULTS.overlap_sentences)
    assert_chunks_sound(article, chunks, model_tokenizer, DEFAULTS.max_tokens)


@pytest.mark.parametrize(
    "name, text",
    [
        ("one line", "Kim took the train."),
        ("one word no newline", "Vladivostok"),
        ("3000-word sentence without punctuation", " ".join(random.Random(1).choice(["kim", "train", "armored", "vladivostok", "journey", "putin"]) for _ in range(3000))),
        ("long urls", "See " + " and ".join("https://example.com/" + "/".join(f"segment{i}-{j}" for j in range(60)) + "?q=1" for i in range(5)) + "."),
        ("one 20,000-letter word", "a" * 20_000),
        ("url without punctuation", "https://x" + "abcdefghij" * 800),
        ("cjk without spaces", "金正恩乘坐装甲列车前往符拉迪沃斯托克与普京会面" * 400),
        ("emoji run", "😀🚂🇷🇺👩‍👩‍👧" * 1500),
        ("mixed scripts", ("Kim 金正恩 ким 🚂 café naïve " * 700).strip()),
        ("tabs and nbsp", "Kim\ttook\u00a0the\u00a0train.\t" * 900),
        ("crlf paragraphs", "First paragraph here.\r\n\r\nSecond one, longer.\r\nStill second.\r\n" * 300),
        ("control characters only between words", "Kim\x07\x07\x07train " * 2000),
    ],
)
def test_adversarial_text_never_exceeds_the_model_window(name, text, word_pieces, model_tokenizer):
    article = _article(text)
    for max_tokens in (DEFAULTS.max_tokens, 254):
        chunks = chunk_article(article, word_pieces, max_tokens, DEFAULTS.overlap_sentences)
        assert_chunks_sound(article, chunks, model_tokenizer, max_tokens)


@pytest.mark.slow
def test_five_megabyte_article_chunks_exactly(word_pieces, model_tokenizer):
    paragraphs = [p.read_text(encoding="utf-8") for p in sorted((SQUAD_V1 / "corpus").glob("*.txt"))]
    pieces, size = [], 0
    rng = random.Random(7)
    while size < 5 * 1024 * 1024:
        paragraph = rng.choice(paragraphs).replace("\n", rng.choice(["\n", "\r\n", "\n\n"]))
        pieces.append(paragraph)
        size += len(paragraph.encode("utf-8"))
    article = _article("\n\n".join(pieces), "big.txt")
    chunks = chunk_article(article, word_pieces, DEFAULTS.max_tokens, DEFAULTS.overlap_sentences)
    # Check the window on a sample (tokenizing every one of ~10^4 chunks twice adds nothing).
    sample = chunks[::97] + chunks[-3:]
    counts = [len(ids) for ids in model_tokenizer([c.text for c in sample], add_special_tokens=True)["input_ids"]]
    assert max(counts) <= MODEL_WINDOW
    text = article.text
    assert all(text[c.start:c.end] == c.text for c in chunks)
    covered_until = 0
    for c in chunks:
        gap = text[covered_until:c.start]
        assert not gap.strip(), "nothing but whitespace between consecutive chunks"
        covered_until = max(covered_until, c.end)
    assert not text[covered_until:].strip()


def test_paragraphs_that_fit_are_not_split_across_chunks(word_pieces):
    paragraph = "The armored train left Pyongyang at dawn. It crossed the border at night."
    text = "\n\n".join(f"{paragraph} Part {i}." for i in range(12))
    article = _article(text)
    chunks = chunk_article(article, word_pieces, 60, 1)
    assert len(chunks) > 1
    starts = {a for a, _ in paragraph_spans(text)}
    ends = {b for _, b in paragraph_spans(text)}
    for chunk in chunks:
        assert chunk.start in starts and chunk.end in ends, "each chunk is whole paragraphs"


def test_a_split_inside_a_paragraph_repeats_the_last_sentence(word_pieces):
    sentences = [f"Sentence number {i} talks about the armored train and its long journey east." for i in range(40)]
    text = " ".join(sentences)
    article = _article(text)
    chunks = chunk_article(article, word_pieces, 64, 1)
    assert len(chunks) > 2
    bounds = sentence_spans(text)
    for a, b in zip(chunks, chunks[1:]):
        assert b.start < a.end, "neighbours overlap"
        shared = (b.start, a.end)
        assert shared in bounds, "the overlap is exactly one whole sentence"


def test_no_overlap_when_asked_for_none(word_pieces):
    text = " ".join(f"Sentence {i} is about the train and the long trip to Russia." for i in range(40))
    chunks = chunk_article(_article(text), word_pieces, 64, 0)
    assert all(b.start >= a.end for a, b in zip(chunks, chunks[1:]))


def test_budget_is_capped_by_the_model_window(word_pieces, model_tokenizer):
    text = " ".join(["train"] * 5000)
    article = _article(text)
    chunks = chunk_article(article, word_pieces, 10_000, 0)  # more than the model can take
    assert word_pieces.max_pieces == MODEL_WINDOW - 2
    assert_chunks_sound(article, chunks, model_tokenizer, word_pieces.max_pieces)


def test_sentence_spans_keep_exact_offsets_and_know_abbreviations():
    text = "Mr. Kim met a U.S. official.  Dr. Who? No!\nA new line starts here… The end."
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == [
        "Mr. Kim met a U.S. official.", "Dr. Who?", "No!", "A new line starts here…", "The end.",
    ]
    inner = sentence_spans(text, 29, 42)
    assert [text[a:b] for a, b in inner] == ["Dr. Who?", "No!"]


def test_paragraph_spans_split_on_blank_lines_of_any_kind():
    text = "One.\r\n\r\nTwo.\n \t\nThree.\n\u00a0\nFour.\nStill four."
    assert [text[a:b] for a, b in paragraph_spans(text)] == ["One.", "Two.", "Three.", "Four.\nStill four."]


class TokenizerSpy:
    """The real word-piece counter, recording how many characters each tokenizer call is given."""

    def __init__(self, inner):
        self.inner, self.calls = inner, []
        self.max_pieces = inner.max_pieces

    def count(self, texts):
        self.calls.extend(len(t) for t in texts)
        return self.inner.count(texts)

    def offsets(self, text):
        self.calls.append(len(text))
        return self.inner.offsets(text)


@pytest.mark.parametrize("kind", ["words without punctuation", "lower-case sentences", "letters without spaces"])
def test_a_megabyte_line_is_chunked_in_linear_work(kind, word_pieces, model_tokenizer):
    """The tokenizer is slower than linear on long inputs: it is never handed more than a few
    thousand characters at once, and the chunker tokenizes each character a bounded number of times."""
    from bot.chunking import SEGMENT_CHARS

    rng = random.Random(3)
    size = 1_000_000
    if kind == "words without punctuation":
        text = " ".join(rng.choice(["kim", "armored", "train", "vladivostok", "12345", "reconstruction"]) for _ in range(size // 7))
    elif kind == "lower-case sentences":
        text = "the train left. " * (size // 16)
    else:
        text = "".join(rng.choice("abcdefghij") for _ in range(size))
    spy = TokenizerSpy(word_pieces)
    article = _article(text, "line.txt")
    chunks = chunk_article(article, spy, DEFAULTS.max_tokens, DEFAULTS.overlap_sentences)
    assert max(spy.calls) <= SEGMENT_CHARS
    assert sum(spy.calls) <= 4 * len(text)
    sample = chunks[::53] + chunks[-2:]
    counts = [len(ids) for ids in model_tokenizer([c.text for c in sample], add_special_tokens=True)["input_ids"]]
    assert max(counts) <= MODEL_WINDOW
    assert max(len(c.text) for c in chunks) <= DEFAULTS.max_tokens * 16
    assert all(text[c.start:c.end] == c.text for c in chunks)
    assert chunks[0].start == 0 and chunks[-1].end == len(text.rstrip())


def test_progress_reports_characters_chunked_up_to_the_whole_article(word_pieces):
    text = "\n\n".join(f"Paragraph {i} about the armored train." for i in range(50))
    seen = []
    chunk_article(_article(text), word_pieces, DEFAULTS.max_tokens, DEFAULTS.overlap_sentences,
                  progress=lambda done, total: seen.append((done, total)))
    assert len(seen) == 50 and seen[-1] == (len(text), len(text))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
