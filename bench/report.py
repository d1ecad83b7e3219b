"""Gather bench/results/*.json into bench/results/README.md (the tables the README's Performance section
shows) and PNG plots beside them.

    .venv/bin/python bench/report.py
"""

from __future__ import annotations

import json

from common import RESULTS


def load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def targets(cold, latency, index, web) -> list[str]:
    rows = ["| target | wanted | measured | met |", "| --- | --- | --- | --- |"]

    def add(name, wanted, value, met):
        rows.append(f"| {name} | {wanted} | {value} | {'yes' if met else 'no'} |")

    if cold:
        ratio, help_s = cold["target_cold_ask_vs_torch_import"], cold["target_help_s"]
        add("cold `bot ask` / `import torch, sentence_transformers`", "≤ 0.5×",
            f"{ratio}× ({cold['bot_ask_cold']['median_s']} s / "
            f"{cold['baseline_import_torch_sentence_transformers']['median_s']} s)", ratio <= 0.5)
        add("`bot --help`", "< 0.3 s", f"{help_s} s", help_s < 0.3)
    if latency:
        if "target_answer_p50_vs_tutorial_retrieval_p50" in latency:
            ratio = latency["target_answer_p50_vs_tutorial_retrieval_p50"]
            add("warm answer p50 at ~2,500 chunks / LangChain tutorial retrieval p50", "< 1×", f"{ratio}×", ratio < 1)
        if "target_growth_2500_to_100000" in latency:
            growth = latency["target_growth_2500_to_100000"]
            add("warm answer p50 growth, 2,500 → 100,000 chunks", "≤ 2×", f"{growth}×", growth <= 2)
        largest = latency["sizes"][-1]
        if "warm_query_peak_rss_mb" in largest:
            rss = largest["warm_query_peak_rss_mb"]
            add(f"peak RSS of a warm query process at {largest['chunks']:,} chunks", "< 1 GB", f"{rss:.0f} MB", rss < 1024)
    if index:
        ratio = index["target_index_vs_raw_encode"]
        add("`bot index` chunks/s / raw fp32 `SentenceTransformer.encode`", "≥ 1.5×",
            f"{ratio}× ({index['bot_index']['chunks_per_s']} / {index['raw_sentence_transformers']['chunks_per_s']})",
            ratio >= 1.5)
    if web:
        key = next((k for k in web if k.startswith("target_throughput_")), None)
        if key:
            add("8 concurrent web clients: throughput / one client's", "≥ 1.5×", f"{web[key]}×", web[key] >= 1.5)
        add("errors under concurrency", "0", str(web["target_errors"]), web["target_errors"] == 0)
    return rows


def latency_table(latency: dict) -> list[str]:
    stages = ("embed_ms", "dense_ms", "bm25_ms", "fuse_ms", "rescore_ms", "parse_ms", "reader_ms", "rest_ms", "total_ms")
    rows = ["| chunks | " + " | ".join(s.removesuffix("_ms") for s in stages) + " | BM25 alone | LangChain tutorial |",
            "| ---: |" + " ---: |" * (len(stages) + 2)]
    for r in latency["sizes"]:
        cells = [f"{r['stages'][s]['p50']:.1f} / {r['stages'][s]['p95']:.1f}" for s in stages]
        tutorial = r.get("langchain_tutorial")
        cells.append(f"{r['bm25_alone']['p50']:.1f} / {r['bm25_alone']['p95']:.1f}")
        cells.append(f"{tutorial['p50']:.1f} / {tutorial['p95']:.1f}" if tutorial else "–")
        rows.append(f"| {r['chunks']:,} | " + " | ".join(cells) + " |")
    return rows


def _mb(value) -> str:
    return "not measured" if value is None else f"{value:.0f} MB"


def bar_plot(path, title: str, labels: list[str], values: list[float], unit: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.6 * len(labels) + 1.2))
    ax.barh(labels[::-1], values[::-1], color="#4878a8")
    for y, v in enumerate(values[::-1]):
        ax.text(v, y, f" {v:g}", va="center", fontsize=8)
    ax.set_xlabel(unit)
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    cold, latency, index, web = (load(n) for n in ("cold_start", "query_latency", "index_throughput", "concurrency"))
    lines = ["# Benchmark results", "", "Written by `bench/report.py` from the JSON files beside this one "
             "(`make bench`). Absolute figures depend on the machine and its load (see each JSON's "
             "`load_average_1m_at_end`); ratios are measured within one run.", "", "## Targets", ""]
    lines += targets(cold, latency, index, web)
    if cold:
        runs = len(cold["bot_ask_cold"].get("runs_s", [])) or "several"
        lines += ["", f"## Cold start (median of {runs} fresh processes, seconds)", "", "| what | s |", "| --- | ---: |"]
        shown = [("python -c \"import torch, sentence_transformers\"", "baseline_import_torch_sentence_transformers"),
                 ("bot --help", "bot_help"), ("bot ask --json (cold)", "bot_ask_cold"),
                 ("bot ask --json with bot serve running", "bot_ask_with_bot_serve"),
                 ("bot chat: time to prompt", "bot_chat_time_to_prompt")]
        lines += [f"| `{label}` | {cold[key]['median_s']} |" for label, key in shown if key in cold]
        lines += ["", f"Heavy modules a cold `bot ask` imports: {cold['heavy_modules_imported_by_bot_ask'] or 'none'}.",
                  "", "Top imports of a cold `bot ask` (cumulative s): " + ", ".join(
                      f"{r['module']} {r['cumulative_s']}" for r in cold["top_imports_of_bot_ask"][:8]) + "."]
        bar_plot(RESULTS / "cold_start.png", "Cold start (median, s)", [label for label, key in shown if key in cold],
                 [cold[key]["median_s"] for _, key in shown if key in cold], "seconds")
        lines += ["", "![cold start](cold_start.png)"]
    if latency:
        if latency.get("partial"):
            lines += ["", f"Note: {latency['partial']}."]
        lines += ["", f"## Warm latency per stage (ms, p50 / p95 over {latency['questions']} questions)", ""]
        lines += latency_table(latency)
        largest = latency["sizes"][-1]
        if "warm_query_peak_rss_mb" in largest:
            lines += ["", f"Peak RSS of a fresh process answering 10 questions at {largest['chunks']:,} chunks: "
                      f"{largest['warm_query_peak_rss_mb']:.0f} MB."]
        lines += ["", "![latency by corpus size](query_latency.png)"]
    if index:
        raw, built = index["raw_sentence_transformers"], index["bot_index"]
        lines += ["", f"## Indexing ({index['chunk_texts']} chunks of `{index['corpus']}`)", "",
                  "| what | chunks/s |", "| --- | ---: |",
                  f"| raw `SentenceTransformer.encode`, fp32, batch {raw['best_batch']}, {raw['torch_threads']} threads "
                  f"| {raw['chunks_per_s']} |",
                  f"| `bot index --rebuild` (in process, model loaded; chunk and sentence vectors, Chroma, BM25) "
                  f"| {built['chunks_per_s']} |", "",
                  f"`bot index --rebuild` as a fresh process: {index['bot_index_cli']['wall_s']} s, peak RSS "
                  f"{_mb(index['bot_index_cli']['peak_rss_mb'])}. A warm query process: peak RSS "
                  f"{_mb(index['warm_query_peak_rss_mb'])}. Index on disk: {index['disk']['mb_per_1000_chunks']} MB "
                  "per 1,000 chunks (" + ", ".join(f"{k} {v}" for k, v in index["disk"]["by_part"].items()) + ")."]
        if index.get("note"):
            lines += ["", f"Note: {index['note']}"]
        bar_plot(RESULTS / "index_throughput.png", "Indexing throughput (chunks/s)",
                 ["raw SentenceTransformer.encode (fp32)", "bot index --rebuild (all stages)"],
                 [raw["chunks_per_s"], built["chunks_per_s"]], "chunks/s")
        lines += ["", "![indexing](index_throughput.png)"]
    if web:
        lines += ["", f"## Concurrent web clients ({web['per_client']} questions each)", "",
                  "| clients | questions/s | p50 ms | p95 ms | errors |", "| ---: | ---: | ---: | ---: | ---: |"]
        lines += [f"| {r['clients']} | {r['throughput_qps']} | {r['latency_ms']['p50']:.0f} | {r['latency_ms']['p95']:.0f} "
                  f"| {r['errors']} |" for r in web["rounds"]]
        bar_plot(RESULTS / "concurrency.png", "Web throughput (questions/s)",
                 [f"{r['clients']} client(s)" for r in web["rounds"]], [r["throughput_qps"] for r in web["rounds"]],
                 "questions/s")
        lines += ["", "![concurrency](concurrency.png)"]
    (RESULTS / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS / 'README.md'}")


if __name__ == "__main__":
    main()
