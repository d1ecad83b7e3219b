"""Train the reading-comprehension head (bot/answer/reader.safetensors).

The reader is the packaged all-MiniLM-L6-v2 encoder with its top layers
fine-tuned, plus a start/end head, to find the answer span of a question in
one sentence, or to say the sentence holds none (the [CLS] position).
Training data: SQuAD v1.1 dev (CC BY-SA 4.0) questions whose article is not
in any set ``bot eval`` is measured on (tests/data/squad_*_subset). For each,
the sentence holding the answer is a positive and another sentence of the same
paragraph a negative. One fifth of the articles is held out (not trained on)
to report exact match and containment of the predicted span.

    .venv/bin/python scripts/train_reader.py bench/data/squad_v1.1_dev_full --output /tmp/reader-1.safetensors
    .venv/bin/python scripts/train_reader.py bench/data/squad_v1.1_dev_full \
        --init /tmp/reader-1.safetensors --lr 5e-5 --seed 2

(the shipped model: two epochs, the second from the first's weights at half the
learning rate; about 15 minutes each on two CPU cores).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answer.reader import READER_PATH, TRAINED_LAYERS, Reader  # noqa: E402
from bot.evaluate import contains, normalize  # noqa: E402
from bot.sentences import sentence_spans  # noqa: E402
from fit_span_model import article_of, held_out_articles  # noqa: E402


def examples(data: Path):
    excluded = held_out_articles()
    rng = random.Random(0)
    for line in (data / "qa.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        doc_id = row["doc_ids"][0]
        if article_of(doc_id) in excluded:
            continue
        text = (data / "corpus" / f"{doc_id}.txt").read_text(encoding="utf-8")
        spans = sentence_spans(text)
        gold = None
        for a, b in spans:
            sentence = text[a:b]
            answer = next((g for g in row["answers"] if g and g in sentence), None)  # the first annotator's, if here
            if answer:
                at = sentence.find(answer)
                gold = (sentence, at, at + len(answer))
                break
        if gold is None:
            continue
        others = [text[a:b] for a, b in spans if not any(g in text[a:b] for g in row["answers"])]
        others = [s for s in others if len(s.split()) > 3]
        yield article_of(doc_id), row["question"], gold, row["answers"], rng.choice(others) if others else None


def main() -> None:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--negatives", type=float, default=0.5, help="share of questions also trained on a wrong sentence")
    parser.add_argument("--output", type=Path, default=READER_PATH)
    parser.add_argument("--init", type=Path, help="continue from this reader instead of the packaged encoder")
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.manual_seed(0)
    items = list(examples(args.data))
    articles = sorted({i[0] for i in items})
    random.Random(0).shuffle(articles)
    test = set(articles[: len(articles) // 5])
    train_items = [i for i in items if i[0] not in test]  # the rest measure it
    rng = random.Random(args.seed)
    rows = []
    for _, question, (sentence, start, end), _, negative in train_items:
        rows.append((question, sentence, start, end))
        if negative and rng.random() < args.negatives:
            rows.append((question, negative, -1, -1))
    rng.shuffle(rows)
    reader = Reader.load(args.init) if args.init else Reader.untrained()
    reader.model.train()
    params = [p for n, p in reader.model.named_parameters() if reader.is_trained(n)]
    for name, p in reader.model.named_parameters():
        p.requires_grad = reader.is_trained(name)
    steps = int(len(rows) * args.epochs / args.batch)
    optimizer = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / 30) * max(0.0, 1 - s / steps))
    print(f"{len(rows)} training rows, {steps} steps, layers {TRAINED_LAYERS}", file=sys.stderr)
    started = time.time()
    for step in range(steps):
        batch = [rows[(step * args.batch + i) % len(rows)] for i in range(args.batch)]
        loss = reader.loss(batch)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        if step % 25 == 0:
            print(f"  step {step}/{steps} loss {loss.item():.3f} {time.time() - started:.0f}s", file=sys.stderr, flush=True)
    reader.model.eval()
    held = [i for i in items if i[0] in test]
    exact = held_contains = 0
    words = []
    for _, question, (sentence, _, _), answers, _ in held:
        found = reader.read(question, [sentence])[0]
        exact += normalize(found.text) in {normalize(a) for a in answers}
        held_contains += contains(found.text, tuple(answers))
        words.append(len(found.text.split()))
    report = {"questions": len(held), "exact": round(exact / len(held), 3),
              "contains_gold": round(held_contains / len(held), 3), "median_words": statistics.median(words)}
    print("held-out articles (right sentence given):", report, file=sys.stderr)
    reader.save(args.output, {"trained_on": f"SQuAD v1.1 dev (CC BY-SA 4.0), {len(train_items)} questions of "
                              f"{len(articles) - len(test)} articles not in tests/data/squad_*_subset",
                              "held_out_report": json.dumps(report)})
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
