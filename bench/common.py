"""What the benchmarks share: percentiles, the results folder, a clean environment, the QA questions."""

from __future__ import annotations

import json
import os
import platform
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SQUAD_FULL = ROOT / "bench" / "data" / "squad_v1.1_dev_full"
SQUAD_SUBSET = ROOT / "tests" / "data" / "squad_v1.1_dev_subset"
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def p50_p95(values: list[float]) -> dict[str, float]:
    return {"p50": round(percentile(values, 50), 2), "p95": round(percentile(values, 95), 2)}


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(extra)
    return env


def questions(n: int, seed: int = 0) -> list[str]:
    """A seeded sample of SQuAD v1.1 dev questions (the ones the corpora's paragraphs answer)."""
    rows = [json.loads(line) for line in (SQUAD_FULL / "qa.jsonl").read_text(encoding="utf-8").splitlines() if line]
    return [r["question"] for r in random.Random(seed).sample(rows, n)]


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike getrusage's ru_maxrss, which on Linux keeps
    the high-water mark of the parent a child was forked from, it starts afresh at exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bot_measured(args: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """Run ``bot ARGS`` as a fresh process; its wall seconds and peak RSS in MB."""
    import subprocess

    code = (
        "import runpy, sys\n"
        f"sys.argv = ['bot', *{args!r}]\n"
        "try:\n    runpy.run_module('bot', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "sys.path.insert(0, 'bench')\nfrom common import peak_rss_mb\nprint('PEAK_RSS_MB', peak_rss_mb())\n"
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    peak = next(float(line.split()[1]) for line in done.stdout.splitlines() if line.startswith("PEAK_RSS_MB"))
    return seconds, peak


def write(name: str, data: dict) -> Path:
    """bench/results/<name>.json, with when and where it was measured."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    data = {"measured_at": time.strftime("%Y-%m-%d %H:%M:%S"), "cpus": os.cpu_count(),
            "load_average_1m_at_end": round(load[0], 2), "python": platform.python_version(), **data}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    print(f"wrote {path}")
    return path
