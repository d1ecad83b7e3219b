"""Cold start: what a user waits for before the first answer, and what the wait is made of.

In one run, medians of 5 fresh processes: ``bot --help``; ``bot ask --json`` on a prebuilt index (the
seed article); the same with ``bot serve`` running; ``bot chat`` until its prompt shows (on a pseudo
terminal); and the baseline ``python -c "import torch, sentence_transformers"``. Then the top imports
of a cold ``bot ask`` (``python -X importtime``).

    .venv/bin/python bench/cold_start.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, clean_env, write

QUESTION = "How long did the trip to Vladivostok take?"


def timed(args: list[str], cwd: Path, env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=env, check=True, capture_output=True, timeout=600)
    return time.perf_counter() - started


def median_of(repeat: int, args: list[str], cwd: Path, env: dict) -> dict:
    times = [timed(args, cwd, env) for _ in range(repeat)]
    return {"median_s": round(statistics.median(times), 3), "runs_s": [round(t, 3) for t in times]}


def time_to_prompt(bot: list[str], cwd: Path, env: dict, prompt: bytes = b"you> ") -> float:
    """Seconds from starting ``bot chat`` on a pseudo terminal until its prompt shows."""
    primary, secondary = pty.openpty()
    started = time.perf_counter()
    process = subprocess.Popen([*bot, "chat"], cwd=cwd, env=env, stdin=secondary, stdout=secondary, stderr=secondary)
    os.close(secondary)
    seen, shown = b"", None
    try:
        while time.perf_counter() - started < 300:
            ready, _, _ = select.select([primary], [], [], 1.0)
            if ready:
                try:
                    seen += os.read(primary, 4096)
                except OSError:
                    break
                if prompt in seen:
                    shown = time.perf_counter() - started
                    break
    finally:
        process.kill()
        process.wait()
        os.close(primary)
    if shown is None:
        raise RuntimeError(f"bot chat showed no prompt: {seen[-300:]!r}")
    return shown


def top_imports(bot: list[str], cwd: Path, env: dict, n: int = 12) -> list[dict]:
    done = subprocess.run([sys.executable, "-X", "importtime", *bot[1:], "ask", QUESTION, "--json"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    rows = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match.group(3)) <= 1:  # imported by the program itself, not by another package
            rows.append({"module": match.group(4), "cumulative_s": round(int(match.group(2)) / 1e6, 3)})
    return sorted(rows, key=lambda r: -r["cumulative_s"])[:n]


def heavy_modules(bot: list[str], cwd: Path, env: dict) -> list[str]:
    """Which of torch, sentence_transformers, transformers, gradio a cold bot ask imports."""
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['bot', 'ask', {QUESTION!r}, '--json']\n"
        "try:\n    runpy.run_module('bot', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "heavy = ('torch', 'sentence_transformers', 'transformers', 'gradio')\n"
        "print(sorted(m for m in sys.modules if m in heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    return eval(done.stdout.strip().splitlines()[-1])  # noqa: S307 - our own probe's list of names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    bot = [sys.executable, "-m", "bot"]
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        project = Path(tmp)
        shutil.copytree(ROOT / "corpus", project / "corpus")
        env = clean_env()
        subprocess.run([*bot, "index", "-q"], cwd=project, env=env, check=True, capture_output=True)
        results = {
            "baseline_import_torch_sentence_transformers": median_of(
                args.repeat, [sys.executable, "-c", "import torch, sentence_transformers"], project, env),
            "bot_help": median_of(args.repeat, [*bot, "--help"], project, env),
            "bot_ask_cold": median_of(args.repeat, [*bot, "ask", QUESTION, "--json"], project, env),
            "bot_chat_time_to_prompt": {"median_s": round(statistics.median(
                time_to_prompt(bot, project, env) for _ in range(args.repeat)), 3)},
            "heavy_modules_imported_by_bot_ask": heavy_modules(bot, project, env),
            "top_imports_of_bot_ask": top_imports(bot, project, env),
        }
        server = subprocess.Popen([*bot, "serve"], cwd=project, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        try:
            for line in server.stderr:
                if "answering on" in line:
                    break
            results["bot_ask_with_bot_serve"] = median_of(args.repeat, [*bot, "ask", QUESTION, "--json"], project, env)
        finally:
            server.terminate()
            server.wait(timeout=60)
    baseline = results["baseline_import_torch_sentence_transformers"]["median_s"]
    results["target_cold_ask_vs_torch_import"] = round(results["bot_ask_cold"]["median_s"] / baseline, 2)
    results["target_help_s"] = results["bot_help"]["median_s"]
    write("cold_start", results)


if __name__ == "__main__":
    main()
