"""Training the QA span model (``bot.answer.qa_torch``, run by ``bot.answer.qa_model``): its loss and how its weights are saved.

Imported only by ``scripts/train_reader.py`` and the model-fitting scripts, never on
the answer path.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.answer.qa_model import NO_SPAN
from bot.answer.qa_torch import TorchQAModel as QAModel


def loss(qa: QAModel, batch: list[tuple[str, str, int, int]]):
    """Cross-entropy of the answer's first and last token; (-1, -1) means no answer: [CLS]."""
    import torch

    encoded, offsets, start_logits, end_logits = qa.logits([b[0] for b in batch], [b[1] for b in batch])
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
    mask = answerable_tokens(encoded)
    start_logits = start_logits.masked_fill(~mask, NO_SPAN)
    end_logits = end_logits.masked_fill(~mask, NO_SPAN)
    cross_entropy = torch.nn.functional.cross_entropy
    return (cross_entropy(start_logits, torch.tensor(starts)) + cross_entropy(end_logits, torch.tensor(ends))) / 2


def answerable_tokens(encoded):
    """Where an answer may start or end: a passage token, or [CLS] for "no answer"."""
    import torch

    rows = []
    for i in range(encoded["input_ids"].shape[0]):
        ids = encoded.sequence_ids(i)
        rows.append([t == 0 or ids[t] == 1 for t in range(len(ids))])
    return torch.tensor(rows)


def save(qa: QAModel, path: Path, metadata: dict[str, str]) -> None:
    """The fine-tuned layers and the head, in half precision (the rest is the packaged encoder)."""
    from safetensors.torch import save_file

    state = {k: v.detach().half().contiguous() for k, v in qa.model.state_dict().items() if qa.is_trained(k)}
    save_file(state, str(path), metadata={**metadata, "layers": json.dumps(list(qa.layers))})
