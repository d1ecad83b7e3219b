"""Concurrent web users: N = 1, 4, 8 clients asking one ``bot web`` at once (gradio_client, loopback).

``bot web`` runs as its own process on a free 127.0.0.1 port over the SQuAD v1.1 dev subset; each
client (a thread with its own gradio_client) asks ``--per-client`` questions through the ``/ask``
API, one after another, each with a time limit. Reported per N: questions per second, p50/p95
latency and errors. The server answers ``web.concurrency`` questions at once (default 4).

    .venv/bin/python bench/concurrency.py [--clients 1,4,8] [--per-client 6]
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import SQUAD_SUBSET, clean_env, p50_p95, questions, write

TIMEOUT_S = 120  # a question taking longer counts as an error


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, limit: float = 600) -> None:
    import urllib.request

    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if server.poll() is not None:
            raise RuntimeError(f"bot web exited: {server.stderr.read()[-500:]}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("bot web did not come up")


def round_of(url: str, clients: int, per_client: int, asked: list[str]) -> dict:
    from gradio_client import Client

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    connections = [Client(url, verbose=False) for _ in range(clients)]

    def client(number: int) -> None:
        for i in range(per_client):
            question = asked[(number * per_client + i) % len(asked)]
            started = time.perf_counter()
            try:
                job = connections[number].submit(question, "", "", "", api_name="/ask")
                result = job.result(timeout=TIMEOUT_S)
                ok = isinstance(result, dict) and "answer" in result
            except Exception as exc:  # a failed or timed-out request is what we count
                ok, result = False, f"{type(exc).__name__}: {exc}"
            with lock:
                if ok:
                    latencies.append((time.perf_counter() - started) * 1000)
                else:
                    errors.append(str(result)[:200])

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {"clients": clients, "questions": clients * per_client, "wall_s": round(wall, 2),
            "throughput_qps": round(len(latencies) / wall, 3), "latency_ms": p50_p95(latencies),
            "errors": len(errors), "error_samples": errors[:3]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,4,8")
    parser.add_argument("--per-client", type=int, default=6)
    args = parser.parse_args()
    from bot.settings import Settings

    asked = questions(64, seed=2)
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        project = Path(tmp)
        shutil.copytree(SQUAD_SUBSET / "corpus", project / "corpus")
        env = clean_env()
        bot = [sys.executable, "-m", "bot"]
        subprocess.run([*bot, "index", "-q"], cwd=project, env=env, check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen([*bot, "web", "--port", str(port)], cwd=project, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            url = f"http://127.0.0.1:{port}/"
            wait_until_up(url, server)
            round_of(url, 1, 2, asked)  # warm up
            rounds = [round_of(url, int(n), args.per_client, asked) for n in args.clients.split(",")]
        finally:
            server.terminate()
            server.wait(timeout=60)
    for r in rounds:
        print(json.dumps(r))
    one = next(r for r in rounds if r["clients"] == 1)
    results = {"per_client": args.per_client, "rounds": rounds,
               "web_concurrency_setting": Settings().web.concurrency}
    most = max(rounds, key=lambda r: r["clients"])
    if one["throughput_qps"]:
        results[f"target_throughput_{most['clients']}_vs_1"] = round(most["throughput_qps"] / one["throughput_qps"], 2)
    results["target_errors"] = sum(r["errors"] for r in rounds)
    write("concurrency", results)


if __name__ == "__main__":
    main()
