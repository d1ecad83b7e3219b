"""The QA span model as a torch module (``TorchQAModel``): what scripts/train_reader.py fine-tunes
and saves (``bot.answer.training``), and the reference the ONNX reader (``bot.answer.qa_model``) is
checked against. Never imported on the answer path.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.answer.qa_model import MAX_QUESTION_TOKENS, MAX_TOKENS, NO_SPAN, WEIGHTS_PATH, Passage, Reading


class TorchQAModel:
    """The reader as a torch module: what training fine-tunes, and the reference the ONNX reader is checked against."""

    def __init__(self, model, tokenizer, layers: tuple[int, ...] = ()):
        self.model = model
        self.tokenizer = tokenizer
        self.layers = layers  # the encoder layers fine-tuned (and shipped); the others are the packaged model's

    @classmethod
    def untrained(cls, layers: tuple[int, ...] = (0, 1, 2, 3, 4, 5)) -> "TorchQAModel":
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
    def load(cls, path: Path = WEIGHTS_PATH) -> "TorchQAModel":
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
                out.append(Passage(text, spans, start_logits[i][index].numpy().copy(),
                                   end_logits[i][index].numpy().copy(), null))
        return out

    def read(self, question: str, texts: list[str], coverage: float = 0.0) -> list[Reading]:
        """The likeliest answer span of each text read as a whole, with its score against "no answer"."""
        empty = Reading(0, 0, "", NO_SPAN)
        return [p.span(coverage=coverage) or empty for p in self.read_passages(question, texts)]
