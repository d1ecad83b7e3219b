"""The QA span model, a small reading-comprehension model: where in a passage is the answer?

The packaged all-MiniLM-L6-v2 encoder (the same files the embedder loads)
reads "[CLS] question [SEP] passage [SEP]"; its layers, fine-tuned, and a
start/end head (``qa_model.safetensors``, made by scripts/train_reader.py
with ``bot.answer.training`` on the torch twin ``bot.answer.qa_torch``) score
every token as the first or last of the answer. The [CLS] token stands for
"no answer here": a span's score is how far its start+end logits beat [CLS]'s.
One reading of a passage serves every sentence in it (``Passage.span``).

Here the model runs on onnxruntime (``bot.onnx_bert`` builds the graph from
the shipped weights): no torch on the answer path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

WEIGHTS_PATH = Path(__file__).with_name("qa_model.safetensors")
MAX_TOKENS = 320  # a question plus a whole chunk (at most 254 word pieces)
MAX_QUESTION_TOKENS = 60  # a longer question is cut here: it must leave room for the passage
MAX_ANSWER_TOKENS = 24
NO_SPAN = -1e4


@dataclass(frozen=True)
class Reading:
    start: int  # character offsets into the text read
    end: int
    text: str
    score: float  # log-odds-like: best span minus "no answer"


@dataclass(frozen=True)
class Passage:
    """The reader's token scores for one passage, ready to be asked about any part of it."""

    text: str
    offsets: list[tuple[int, int]]  # of each passage token, into ``text``
    start_logits: np.ndarray  # float32, one per passage token
    end_logits: np.ndarray
    null: float  # the "no answer" score ([CLS] start + end)

    def span(self, start: int = 0, end: int | None = None, coverage: float = 0.0) -> Reading | None:
        """The likeliest answer span inside ``text[start:end]``, or None when no token lies there.

        With ``coverage`` > 0, the shortest span that holds the answer with that
        probability (its first and last token inside it): longer when the model hesitates.
        """
        end = len(self.text) if end is None else end
        tokens = [i for i, (a, b) in enumerate(self.offsets) if a >= start and b <= end and b > a]
        if not tokens:
            return None
        first_token, last_token = tokens[0], tokens[-1] + 1
        s = np.asarray(self.start_logits[first_token:last_token], dtype=np.float32)
        e = np.asarray(self.end_logits[first_token:last_token], dtype=np.float32)
        n = s.shape[0]
        allowed = _allowed(n)
        pair = np.where(allowed, s[:, None] + e[None, :], np.float32(NO_SPAN))
        first, last = divmod(int(pair.argmax()), n)
        score = float(pair[first, last]) - self.null
        if coverage > 0:
            first, last = _covering(s, e, allowed, coverage, (first, last))
        a, b = self.offsets[first_token + first][0], self.offsets[first_token + last][1]
        return Reading(a, b, self.text[a:b], score)


def _allowed(n: int) -> np.ndarray:
    """(first, last) token pairs that make a span: last >= first, at most ``MAX_ANSWER_TOKENS`` long."""
    index = np.arange(n)
    length = index[None, :] - index[:, None]
    return (length >= 0) & (length < MAX_ANSWER_TOKENS)


def _covering(start_logits, end_logits, allowed, coverage: float, fallback: tuple[int, int]) -> tuple[int, int]:
    starts, ends = _softmax(start_logits), _softmax(end_logits)
    zero = np.zeros(1, dtype=np.float32)
    cum_s = np.concatenate([zero, np.cumsum(starts, dtype=np.float32)])
    cum_e = np.concatenate([zero, np.cumsum(ends, dtype=np.float32)])
    # P(start in [a, b]) * P(end in [a, b]) for every window a <= b
    held = (cum_s[None, 1:] - cum_s[:-1, None]) * (cum_e[None, 1:] - cum_e[:-1, None])
    held = np.where(allowed, held, np.float32(0.0))
    n = held.shape[0]
    length = (np.arange(n)[None, :] - np.arange(n)[:, None]).astype(np.float32)
    enough = (held >= coverage) & allowed
    if not enough.any():
        return fallback
    key = np.where(enough, length - held, np.float32(1e9))  # shortest, then likeliest
    first, last = divmod(int(key.argmin()), n)
    return first, last


def _softmax(x: np.ndarray) -> np.ndarray:
    shifted = np.exp(x - x.max())
    return (shifted / shifted.sum()).astype(np.float32)


class QAModel:
    """The fine-tuned reader on onnxruntime; thread-safe (one session serves every caller)."""

    def __init__(self, session, tokenizer):
        self.session = session
        self.tokenizer = tokenizer  # a ``tokenizers.Tokenizer``: pairs truncated (second only) and padded

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> "QAModel":
        return cls(_onnx_session(path), pair_tokenizer())

    def read_passages(self, question: str, passages: list[str]) -> list[Passage]:
        """One forward pass over "question + passage" for each passage."""
        if not passages:
            return []
        question = shortened(self.tokenizer, question)
        encodings = self.tokenizer.encode_batch([(question, p) for p in passages])
        from bot.onnx_bert import feed

        start_logits, end_logits = self.session.run(None, feed(encodings))
        out = []
        for i, (text, encoding) in enumerate(zip(passages, encodings)):
            tokens = [t for t, sid in enumerate(encoding.sequence_ids) if sid == 1]
            spans = [encoding.offsets[t] for t in tokens]
            null = float(start_logits[i][0] + end_logits[i][0])
            out.append(Passage(text, spans, start_logits[i][tokens], end_logits[i][tokens], null))
        return out

    def read(self, question: str, texts: list[str], coverage: float = 0.0) -> list[Reading]:
        """The likeliest answer span of each text read as a whole, with its score against "no answer"."""
        empty = Reading(0, 0, "", NO_SPAN)
        return [p.span(coverage=coverage) or empty for p in self.read_passages(question, texts)]


def shortened(tokenizer, question: str) -> str:
    """The question cut to ``MAX_QUESTION_TOKENS`` word pieces, so the passage always fits beside it."""
    # A word piece covers at least one character, so this first cut keeps the question alone within the
    # tokenizer's pair truncation, which fails on a single sequence longer than ``MAX_TOKENS``.
    question = question[: MAX_TOKENS]
    pieces = tokenizer.encode(question, add_special_tokens=False).offsets
    return question if len(pieces) <= MAX_QUESTION_TOKENS else question[: pieces[MAX_QUESTION_TOKENS - 1][1]]


def pair_tokenizer():
    """The packaged encoder's tokenizer set up as the reader was trained: pairs cut to ``MAX_TOKENS``
    (the passage only), padded to the longest of a batch."""
    from tokenizers import Tokenizer

    from bot.embeddings import model_path
    from bot.settings import DEFAULT_EMBEDDER

    tokenizer = Tokenizer.from_file(str(model_path(DEFAULT_EMBEDDER) / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS, strategy="only_second")
    tokenizer.enable_padding()
    return tokenizer


def qa_graph(path: Path = WEIGHTS_PATH):
    """The reader's ONNX graph and its weights: the packaged encoder, its fine-tuned layers and the head."""
    from safetensors import safe_open

    from bot.embeddings import model_path
    from bot.onnx_bert import bert_config, build_model, read_weights
    from bot.settings import DEFAULT_EMBEDDER

    encoder = model_path(DEFAULT_EMBEDDER)
    with safe_open(str(path), "np") as handle:
        names = list(handle.keys())
    if not {"qa_head.weight", "qa_head.bias"} <= set(names):
        raise ValueError(f"{path} lacks the start/end head")
    weights = read_weights((encoder / "model.safetensors", ""), (path, "encoder."))
    head = {k: v for k, v in read_weights((path, "qa_head.")).items()}
    return build_model(weights, bert_config(encoder), "qa", head)


def _onnx_session(path: Path):
    from bot.onnx_bert import session

    model, weights = qa_graph(path)
    return session(model, weights)
