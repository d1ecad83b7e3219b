"""A small reading-comprehension model: where in a sentence is the answer?

The packaged all-MiniLM-L6-v2 encoder (the same files the embedder loads)
reads "[CLS] question [SEP] sentence [SEP]"; its top layers, fine-tuned, and
a start/end head (``reader.safetensors``, made by scripts/train_reader.py)
score every token as the first or last of the answer. The [CLS] token stands
for "no answer here": a span's score is how far its start+end logits beat
[CLS]'s, which also tells which sentence answers at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

READER_PATH = Path(__file__).with_name("reader.safetensors")
TRAINED_LAYERS = (3, 4, 5)  # the encoder layers fine-tuned (and shipped); the lower ones are the packaged model's
MAX_TOKENS = 192
MAX_ANSWER_TOKENS = 24


@dataclass(frozen=True)
class Reading:
    start: int  # character offsets into the sentence
    end: int
    text: str
    score: float  # log-odds-like: best span minus "no answer"


class Reader:
    def __init__(self, model, tokenizer):
        self.model = model
        self.tokenizer = tokenizer

    @classmethod
    def untrained(cls) -> "Reader":
        import torch
        from transformers import AutoModel, AutoTokenizer

        from bot.embeddings import model_path

        path = str(model_path("all-MiniLM-L6-v2"))
        encoder = AutoModel.from_pretrained(path)
        model = torch.nn.Module()
        model.encoder = encoder
        model.qa_head = torch.nn.Linear(encoder.config.hidden_size, 2)
        return cls(model, AutoTokenizer.from_pretrained(path))

    @classmethod
    def load(cls, path: Path = READER_PATH) -> "Reader":
        import torch
        from safetensors.torch import load_file

        reader = cls.untrained()
        state = {k: v.float() for k, v in load_file(str(path)).items()}
        missing = [k for k in reader.model.state_dict() if reader.is_trained(k) and k not in state]
        if missing:
            raise ValueError(f"{path} lacks {missing[:3]}")
        reader.model.load_state_dict(state, strict=False)
        reader.model.eval()
        torch.set_grad_enabled(True)  # loading must not change the process's autograd state
        return reader

    @staticmethod
    def is_trained(name: str) -> bool:
        return name.startswith("qa_head") or any(f"encoder.layer.{i}." in name for i in TRAINED_LAYERS)

    def save(self, path: Path, metadata: dict[str, str]) -> None:
        from safetensors.torch import save_file

        state = {k: v.detach().half().contiguous() for k, v in self.model.state_dict().items() if self.is_trained(k)}
        save_file(state, str(path), metadata=metadata)

    def _logits(self, questions: list[str], sentences: list[str]):
        encoded = self.tokenizer(questions, sentences, truncation="only_second", max_length=MAX_TOKENS, padding=True,
                                 return_offsets_mapping=True, return_tensors="pt")
        offsets = encoded.pop("offset_mapping")
        hidden = self.model.encoder(**encoded).last_hidden_state
        logits = self.model.qa_head(hidden)
        return encoded, offsets, logits[..., 0], logits[..., 1]

    def loss(self, batch: list[tuple[str, str, int, int]]):
        """Cross-entropy of the answer's first and last token; (-1, -1) means no answer: [CLS]."""
        import torch

        encoded, offsets, start_logits, end_logits = self._logits([b[0] for b in batch], [b[1] for b in batch])
        starts, ends = [], []
        for i, (_, _, first, last) in enumerate(batch):
            ids = encoded.sequence_ids(i)
            s = e = 0
            if first >= 0:
                for t, (a, b) in enumerate(offsets[i].tolist()):
                    if ids[t] != 1:
                        continue
                    if a <= first < b or (s == 0 and a >= first):
                        s = s or t
                    if a < last <= b:
                        e = t
                if not s or not e or e < s:
                    s = e = 0  # the answer was cut off: nothing to find
            starts.append(s)
            ends.append(e)
        mask = self._mask(encoded)
        start_logits = start_logits.masked_fill(~mask, -1e4)
        end_logits = end_logits.masked_fill(~mask, -1e4)
        cross_entropy = torch.nn.functional.cross_entropy
        return (cross_entropy(start_logits, torch.tensor(starts)) + cross_entropy(end_logits, torch.tensor(ends))) / 2

    @staticmethod
    def _mask(encoded):
        import torch

        rows = []
        for i in range(encoded["input_ids"].shape[0]):
            ids = encoded.sequence_ids(i)
            rows.append([t == 0 or ids[t] == 1 for t in range(len(ids))])
        return torch.tensor(rows)

    def read(self, question: str, sentences: list[str], coverage: float = 0.0) -> list[Reading]:
        """The likeliest answer span of each sentence, with its score against "no answer".

        With ``coverage`` > 0, the shortest span that holds the answer with that
        probability (start and end inside it) instead: longer when the model hesitates.
        """
        import torch

        if not sentences:
            return []
        with torch.inference_mode():
            encoded, offsets, start_logits, end_logits = self._logits([question] * len(sentences), sentences)
            mask = self._mask(encoded)
            out = []
            for i, sentence in enumerate(sentences):
                inside = mask[i].clone()
                inside[0] = False
                s = start_logits[i].masked_fill(~inside, -1e4)
                e = end_logits[i].masked_fill(~inside, -1e4)
                pair = s[:, None] + e[None, :]
                n = pair.shape[0]
                allowed = torch.ones(n, n, dtype=torch.bool).triu().tril(MAX_ANSWER_TOKENS - 1)
                pair = pair.masked_fill(~allowed, -1e4)
                best = int(pair.argmax())
                first, last = divmod(best, n)
                if coverage > 0:
                    first, last = _covering(s, e, allowed, coverage, (first, last))
                a, b = int(offsets[i][first][0]), int(offsets[i][last][1])
                null = float(start_logits[i][0] + end_logits[i][0])
                out.append(Reading(a, b, sentence[a:b], float(pair[first, last]) - null))
        return out


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
