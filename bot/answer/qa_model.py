"""The QA span model, a small reading-comprehension model: where in a passage is the answer?

The packaged all-MiniLM-L6-v2 encoder (the same files the embedder loads)
reads "[CLS] question [SEP] passage [SEP]", where a passage is a retrieved
chunk; its layers, fine-tuned, and a start/end head (``reader.safetensors``,
made by scripts/train_reader.py with ``bot.answer.training``) score every token as the first or last of the
answer. The [CLS] token stands for "no answer here": a span's score is how far
its start+end logits beat [CLS]'s. One reading of a chunk serves every
sentence in it (``Passage.span``), and the sentence keeps the context around
it (a pronoun's antecedent, the topic of the paragraph).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

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
    start_logits: object  # torch tensors over the passage tokens
    end_logits: object
    null: float  # the "no answer" score ([CLS] start + end)

    def span(self, start: int = 0, end: int | None = None, coverage: float = 0.0) -> Reading | None:
        """The likeliest answer span inside ``text[start:end]``, or None when no token lies there.

        With ``coverage`` > 0, the shortest span that holds the answer with that
        probability (its first and last token inside it): longer when the model hesitates.
        """
        import torch

        end = len(self.text) if end is None else end
        tokens = [i for i, (a, b) in enumerate(self.offsets) if a >= start and b <= end and b > a]
        if not tokens:
            return None
        first_token, last_token = tokens[0], tokens[-1] + 1
        s = self.start_logits[first_token:last_token]
        e = self.end_logits[first_token:last_token]
        n = s.shape[0]
        allowed = torch.ones(n, n, dtype=torch.bool).triu().tril(MAX_ANSWER_TOKENS - 1)
        pair = (s[:, None] + e[None, :]).masked_fill(~allowed, NO_SPAN)
        first, last = divmod(int(pair.argmax()), n)
        score = float(pair[first, last]) - self.null
        if coverage > 0:
            first, last = _covering(s, e, allowed, coverage, (first, last))
        a, b = self.offsets[first_token + first][0], self.offsets[first_token + last][1]
        return Reading(a, b, self.text[a:b], score)


class QAModel:
    def __init__(self, model, tokenizer, layers: tuple[int, ...] = ()):
        self.model = model
        self.tokenizer = tokenizer
        self.layers = layers  # the encoder layers fine-tuned (and shipped); the others are the packaged model's

    @classmethod
    def untrained(cls, layers: tuple[int, ...] = (0, 1, 2, 3, 4, 5)) -> "QAModel":
        """The packaged all-MiniLM-L6-v2 encoder with a fresh start/end head."""
        import torch
        from transformers import AutoModel, AutoTokenizer

        from bot.embeddings import model_path, quiet_libraries

        quiet_libraries()
        path = str(model_path("all-MiniLM-L6-v2"))
        encoder = AutoModel.from_pretrained(path)
        model = torch.nn.Module()
        model.encoder = encoder
        model.qa_head = torch.nn.Linear(encoder.config.hidden_size, 2)
        return cls(model, AutoTokenizer.from_pretrained(path), layers)

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> "QAModel":
        from safetensors import safe_open
        from safetensors.torch import load_file

        with safe_open(str(path), "pt") as handle:
            layers = tuple(json.loads((handle.metadata() or {}).get("layers", "[3, 4, 5]")))
        qa = cls.untrained(layers)
        state = {k: v.float() for k, v in load_file(str(path)).items()}
        missing = [k for k in qa.model.state_dict() if qa.is_trained(k) and k not in state]
        if missing:
            raise ValueError(f"{path} lacks {missing[:3]}")
        qa.model.load_state_dict(state, strict=False)
        qa.model.eval()
        return qa

    def is_trained(self, name: str) -> bool:
        return name.startswith("qa_head") or any(f"encoder.layer.{i}." in name for i in self.layers)

    def logits(self, questions: list[str], passages: list[str]):
        """Token encodings, their character offsets, and start/end logits of "question + passage" pairs."""
        questions = [self._shortened(q) for q in questions]
        encoded = self.tokenizer(questions, passages, truncation="only_second", max_length=MAX_TOKENS, padding=True,
                                 return_offsets_mapping=True, return_tensors="pt")
        offsets = encoded.pop("offset_mapping")
        hidden = self.model.encoder(**encoded).last_hidden_state
        logits = self.model.qa_head(hidden)
        return encoded, offsets, logits[..., 0], logits[..., 1]

    def _shortened(self, question: str) -> str:
        """The question cut to ``MAX_QUESTION_TOKENS`` word pieces, so the passage always fits beside it."""
        pieces = self.tokenizer(question, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
        return question if len(pieces) <= MAX_QUESTION_TOKENS else question[: pieces[MAX_QUESTION_TOKENS - 1][1]]

    def read_passages(self, question: str, passages: list[str]) -> list[Passage]:
        """One forward pass over "question + passage" for each passage."""
        import torch

        if not passages:
            return []
        with torch.inference_mode():
            encoded, offsets, start_logits, end_logits = self.logits([question] * len(passages), passages)
            out = []
            for i, text in enumerate(passages):
                tokens = [t for t, sid in enumerate(encoded.sequence_ids(i)) if sid == 1]
                spans = [tuple(offsets[i][t].tolist()) for t in tokens]
                index = torch.tensor(tokens, dtype=torch.long)
                null = float(start_logits[i][0] + end_logits[i][0])
                out.append(Passage(text, spans, start_logits[i][index].clone(), end_logits[i][index].clone(), null))
        return out

    def read(self, question: str, texts: list[str], coverage: float = 0.0) -> list[Reading]:
        """The likeliest answer span of each text read as a whole, with its score against "no answer"."""
        empty = Reading(0, 0, "", NO_SPAN)
        return [p.span(coverage=coverage) or empty for p in self.read_passages(question, texts)]


def _covering(start_logits, end_logits, allowed, coverage: float, fallback: tuple[int, int]) -> tuple[int, int]:
    import torch

    starts, ends = torch.softmax(start_logits, 0), torch.softmax(end_logits, 0)
    cum_s = torch.cat([torch.zeros(1), starts.cumsum(0)])
    cum_e = torch.cat([torch.zeros(1), ends.cumsum(0)])
    # P(start in [a, b]) * P(end in [a, b]) for every window a <= b
    held = (cum_s[None, 1:] - cum_s[:-1, None]) * (cum_e[None, 1:] - cum_e[:-1, None])
    held = held.masked_fill(~allowed, 0.0)
    n = held.shape[0]
    length = torch.arange(n)[None, :] - torch.arange(n)[:, None]
    enough = (held >= coverage) & allowed
    if not bool(enough.any()):
        return fallback
    key = torch.where(enough, length.float() - held, torch.full_like(held, 1e9))  # shortest, then likeliest
    first, last = divmod(int(key.argmin()), n)
    return first, last
