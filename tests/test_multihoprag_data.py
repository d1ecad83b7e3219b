"""The MultiHop-RAG sample copied into bench/data (ODC-BY 1.0), and its questions converted to
`bot eval`'s format by scripts/convert_multihoprag.py."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter

from bot.corpus import load_corpus
from bot.evaluate import read_qa
from conftest import ROOT

FOLDER = ROOT / "bench" / "data" / "multihoprag_sample500"


def lines(name: str) -> list[dict]:
    return [json.loads(line) for line in (FOLDER / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def converter():
    spec = importlib.util.spec_from_file_location("convert_multihoprag", ROOT / "scripts" / "convert_multihoprag.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_copy_carries_its_provenance_and_license():
    provenance = json.loads((FOLDER / "PROVENANCE.json").read_text(encoding="utf-8"))
    assert provenance["counts"]["questions"] == 500 and provenance["counts"]["docs"] == 326
    assert "ODC-BY 1.0" in provenance["license"] and "ODC-BY 1.0" in (FOLDER / "README.md").read_text(encoding="utf-8")


def test_every_document_loads_dated_with_its_source():
    scan = load_corpus(FOLDER / "corpus")
    assert len(scan.articles) == 326 and not scan.skipped and not scan.undated
    published = {d["id"]: d["published_at"] for d in lines("docs.jsonl")}
    for article in scan.articles:
        assert article.date == published[article.id], article.id
        assert article.source and article.url


def test_the_converted_questions_are_bot_eval_lines_with_as_of_and_refusals():
    qa = lines("qa.jsonl")
    assert [q["id"] for q in qa] == [q["id"] for q in lines("qa_full.jsonl")]
    assert len(read_qa(FOLDER / "qa.jsonl")) == 500
    assert Counter(q["question_type"] for q in qa) == {
        "inference_query": 161, "comparison_query": 154, "temporal_query": 114, "null_query": 71}
    unanswerable = [q for q in qa if q["unanswerable"]]
    assert len(unanswerable) == 71 and all(q["answers"] == [] and q["question_type"] == "null_query" for q in unanswerable)
    assert not any("Insufficient information." in q["answers"] for q in qa)
    published = {d["id"]: d["published_at"][:10] for d in lines("docs.jsonl")}
    for q in qa:
        if q["doc_ids"]:
            assert q["as_of"] == max(published[d] for d in q["doc_ids"]), q["id"]


def test_the_committed_qa_file_is_what_the_converter_writes():
    module = converter()
    published = {d["id"]: d["published_at"] for d in lines("docs.jsonl")}
    assert [module.convert(row, published) for row in lines("qa_full.jsonl")] == lines("qa.jsonl")
